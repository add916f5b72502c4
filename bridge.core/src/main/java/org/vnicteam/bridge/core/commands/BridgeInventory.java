package org.vnicteam.bridge.core.commands;

import java.util.List;

import org.osgi.framework.BundleException;

/**
 * What the {@code bridge} commands act on: the bridges there are and the life cycle of their device
 * bundles. {@link FrameworkInventory} in the framework; a fake in unit tests.
 */
interface BridgeInventory {

    /**
     * Every bridge: plugged-in devices, device bundles installed (in any state), and device
     * bundles uninstalled since the commands started (with the location to install them from
     * again); by name.
     */
    List<BridgeInfo> bridges();

    void start(long bundleId) throws BundleException;

    void stop(long bundleId) throws BundleException;

    /** Installs a bundle from {@code location} and returns its id. */
    long install(String location) throws BundleException;
}
