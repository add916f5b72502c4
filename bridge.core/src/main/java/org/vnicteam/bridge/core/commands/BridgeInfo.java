package org.vnicteam.bridge.core.commands;

import org.vnicteam.api.bridge.BridgeStatus;

/**
 * One bridge as the {@code bridge} commands see it: the device (its {@code BridgeDevice} service,
 * when plugged in) and the device bundle that plugs it in.
 *
 * @param name the bridge's name
 * @param state plugged in, unplugged, or on the way
 * @param bundleId the device bundle's id; -1 when the bridge comes from an operator's
 *        configuration without a device bundle
 * @param bundle the device bundle's symbolic name, "" without one
 * @param bundleState the device bundle's state (ACTIVE, RESOLVED, INSTALLED, STARTING, STOPPING,
 *        UNINSTALLED), "" without one
 * @param location the device bundle's location: what {@code install} takes to bring it back
 * @param status the device's snapshot while it is plugged in, else null
 */
public record BridgeInfo(String name, State state, long bundleId, String bundle, String bundleState, String location,
        BridgeStatus status) {

    /** Where a bridge is. */
    public enum State {
        /** its device is up: HCA open, Ethernet port bound, service registered */
        PLUGGED,
        /** its device bundle is active but the device is not up (yet): it waits for its fabric adapter or Ethernet port */
        PLUGGING,
        /** its device bundle is no longer active but the device is still going down */
        UNPLUGGING,
        /** its device bundle is stopped or uninstalled */
        UNPLUGGED
    }

    /** Whether a device bundle plugs it in (else it comes from an operator's configuration). */
    public boolean hasBundle() {
        return bundleId >= 0;
    }

    /** Open sessions (data channels), 0 when not plugged in. */
    public int sessions() {
        return status == null ? 0 : (int) status.channels().stream().filter(c -> c.open()).count();
    }
}
