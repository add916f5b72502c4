package org.vnicteam.host.driver.commands;

import java.util.List;

import org.vnicteam.fabric.sim.ethernet.StreamStats;
import org.vnicteam.fabric.sim.ethernet.TxStreamStatus;

/**
 * The server's UDP sequence streams, per VLAN, as {@code team:streams} shows them.
 *
 * @param vlans one entry per VLAN asked about
 */
public record ServerStreams(List<Vlan> vlans) {

    public ServerStreams {
        vlans = List.copyOf(vlans);
    }

    /**
     * @param vlan VLAN id
     * @param host the server's simulated IP host there
     * @param ip its address
     * @param sent the streams it sends or sent
     * @param received what it received of the streams sent to it
     */
    public record Vlan(int vlan, String host, String ip, List<TxStreamStatus> sent, List<StreamStats> received) {
        public Vlan {
            sent = List.copyOf(sent);
            received = List.copyOf(received);
        }
    }

    /** The entry of that VLAN, or null. */
    public Vlan vlan(int vlan) {
        return vlans.stream().filter(v -> v.vlan() == vlan).findFirst().orElse(null);
    }
}
