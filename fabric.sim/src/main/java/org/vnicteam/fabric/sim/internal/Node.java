package org.vnicteam.fabric.sim.internal;

/** A fabric node: a channel adapter or a switch. */
abstract class Node {

    final String name;
    final long guid;
    final Port[] ports; // index 0 unused: IBA ports are 1-based on CAs, port 0 is a switch's own
    final NodeCounters counters = new NodeCounters();

    Node(String name, long guid, int portCount) {
        this.name = name;
        this.guid = guid;
        this.ports = new Port[portCount + 1];
        for (int i = 1; i <= portCount; i++) {
            ports[i] = new Port(this, i);
        }
    }

    int portCount() {
        return ports.length - 1;
    }

    /** Whether the node is powered: switches always, channel adapters while a consumer has them open. */
    abstract boolean powered();

    /** A packet arrived on a port; consumes it. Engine thread. */
    abstract void receive(Port in, PacketBuffer p, Engine engine);

    /** Mutable counters, written by the engine thread only. */
    static final class NodeCounters {
        long forwarded;
        long droppedUnknownDlid;
        long droppedBadVcrc;
        long droppedBadIcrc;
        long droppedPkey;
        long droppedMalformed;
        long droppedNoQp;
        long droppedPortDown;

        org.vnicteam.api.fabric.FabricStatus.NodeCounters snapshot() {
            return new org.vnicteam.api.fabric.FabricStatus.NodeCounters(forwarded, droppedUnknownDlid,
                    droppedBadVcrc, droppedBadIcrc, droppedPkey, droppedMalformed, droppedNoQp);
        }
    }
}
