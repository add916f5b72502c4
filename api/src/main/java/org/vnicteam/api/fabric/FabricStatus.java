package org.vnicteam.api.fabric;

import java.util.List;

/**
 * A snapshot of a fabric.
 *
 * @param nodes channel adapters and switches
 * @param links links between node ports
 * @param subnetManager the node the subnet manager runs on
 * @param sweeps how many sweeps the subnet manager has made
 */
public record FabricStatus(List<NodeStatus> nodes, List<LinkStatus> links, String subnetManager, long sweeps) {

    public FabricStatus {
        nodes = List.copyOf(nodes);
        links = List.copyOf(links);
    }

    /**
     * A node.
     *
     * @param name node name
     * @param kind CA or SWITCH
     * @param guid node GUID
     * @param open for a channel adapter, whether a consumer has opened (powered) it
     * @param ports its ports
     * @param counters switch forwarding counters (zero for CAs) or CA receive drops
     */
    public record NodeStatus(String name, Kind kind, long guid, boolean open, List<PortStatus> ports,
            NodeCounters counters) {
        public NodeStatus {
            ports = List.copyOf(ports);
        }
    }

    public enum Kind {
        CA, SWITCH
    }

    /**
     * A port.
     *
     * @param port 1-based number
     * @param lid assigned LID (switches: the switch's LID on port 0 is reported on every port)
     * @param state DOWN or ACTIVE
     * @param peer "node:port" at the other end of its link, or "" when unconnected
     * @param link the link name, or ""
     */
    public record PortStatus(int port, int lid, String state, String peer, String link) {
    }

    /**
     * Per-node packet counters.
     *
     * @param forwarded packets a switch forwarded, or packets a CA accepted
     * @param droppedUnknownDlid no route for the DLID (or not this CA's LID)
     * @param droppedBadVcrc link-level CRC mismatch
     * @param droppedBadIcrc invariant CRC mismatch (CAs only)
     * @param droppedPkey P_Key not held by the ingress port (or the QP)
     * @param droppedMalformed bad headers (length, version, reserved bits, opcode)
     * @param droppedNoQp destination QP does not exist
     */
    public record NodeCounters(long forwarded, long droppedUnknownDlid, long droppedBadVcrc, long droppedBadIcrc,
            long droppedPkey, long droppedMalformed, long droppedNoQp) {
    }

    /**
     * A link.
     *
     * @param name link name
     * @param a "node:port" of one end
     * @param b "node:port" of the other end
     * @param up administratively and physically up
     * @param mtu link MTU in bytes
     * @param latencyNanos one-way latency
     * @param lossRate packet loss probability
     * @param bitErrorRate per-bit error probability
     * @param packets packets carried (both directions)
     * @param lost packets dropped by the link (loss, or cut while in flight)
     * @param corrupted packets with injected bit errors
     */
    public record LinkStatus(String name, String a, String b, boolean up, int mtu, long latencyNanos,
            double lossRate, double bitErrorRate, long packets, long lost, long corrupted) {
    }

    public NodeStatus node(String name) {
        return nodes.stream().filter(n -> n.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no node " + name));
    }

    public LinkStatus link(String name) {
        return links.stream().filter(l -> l.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no link " + name));
    }
}
