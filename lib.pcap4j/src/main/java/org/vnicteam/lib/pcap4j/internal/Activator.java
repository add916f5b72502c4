package org.vnicteam.lib.pcap4j.internal;

import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;
import org.vnicteam.lib.pcap4j.Pcap4j;

/**
 * Initialises pcap4j's packet factories with this bundle's class loader as soon as the bundle
 * starts, before other bundles (which should call {@link Pcap4j#init()} themselves too) build
 * or parse their first packet. See {@link Pcap4j} for the reason.
 */
public final class Activator implements BundleActivator {

    @Override
    public void start(BundleContext context) {
        Pcap4j.init();
    }

    @Override
    public void stop(BundleContext context) {
        // nothing to release: the factories live as long as this bundle's class loader
    }
}
