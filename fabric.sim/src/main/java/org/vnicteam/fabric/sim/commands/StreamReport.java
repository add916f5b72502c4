package org.vnicteam.fabric.sim.commands;

import java.util.List;

import org.vnicteam.fabric.sim.ethernet.StreamStats;
import org.vnicteam.fabric.sim.ethernet.TxStreamStatus;

/**
 * The UDP sequence streams of simulated clients, as {@code ethernet:streams} shows them.
 *
 * @param clients one entry per client asked about, in configuration order
 */
public record StreamReport(List<Client> clients) {

    public StreamReport {
        clients = List.copyOf(clients);
    }

    /**
     * @param name client name
     * @param ip its address
     * @param sent the streams it sends or sent
     * @param received what it received of the streams sent to it
     */
    public record Client(String name, String ip, List<TxStreamStatus> sent, List<StreamStats> received) {
        public Client {
            sent = List.copyOf(sent);
            received = List.copyOf(received);
        }
    }

    /** The entry of that client, or null. */
    public Client client(String name) {
        return clients.stream().filter(c -> c.name().equals(name)).findFirst().orElse(null);
    }
}
