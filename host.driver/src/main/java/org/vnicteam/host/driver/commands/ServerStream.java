package org.vnicteam.host.driver.commands;

import org.vnicteam.fabric.sim.ethernet.TxStreamStatus;

/**
 * A UDP sequence stream the server sends on a VLAN, as {@code team:stream} and
 * {@code team:stopstream} report it.
 *
 * @param vlan the server's VLAN
 * @param host its simulated IP host (upper binding name)
 * @param stream the stream
 */
public record ServerStream(int vlan, String host, TxStreamStatus stream) {

    /** The stream's id: {@code team:stopstream VLAN ID} takes it. */
    public int id() {
        return stream.streamId();
    }
}
