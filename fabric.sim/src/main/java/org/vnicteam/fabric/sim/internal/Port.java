package org.vnicteam.fabric.sim.internal;

import org.vnicteam.api.verbs.PortState;

/** One port of a node: its cable, its LID and state as the subnet manager set them, its P_Keys. */
final class Port {

    final Node node;
    final int number;
    Link link;
    int lid;
    PortState state = PortState.DOWN;
    /** P_Key table; {@code null} on switch ports that do not enforce partitions. */
    int[] pkeys;
    PcapCapture capture;

    Port(Node node, int number) {
        this.node = node;
        this.number = number;
    }

    Port peer() {
        return link == null ? null : link.other(this);
    }

    boolean isActive() {
        return state == PortState.ACTIVE;
    }

    /** Whether a packet carrying this P_Key may enter here (membership match on the low 15 bits). */
    boolean holdsPkey(int pkey) {
        if (pkeys == null) {
            return true;
        }
        for (int k : pkeys) {
            if ((k & 0x7FFF) == (pkey & 0x7FFF) && ((k | pkey) & 0x8000) != 0) {
                return true; // two limited members may not talk (IBA 10.9.3)
            }
        }
        return false;
    }

    /** Sends a packet out of this port; the packet is consumed (forwarded or released). */
    void send(PacketBuffer p, Engine engine) {
        if (link == null || !isActive()) {
            node.counters.droppedPortDown++;
            engine.pool.release(p);
            return;
        }
        if (capture != null) {
            capture.write(p, engine);
        }
        link.transmit(this, p, engine);
    }

    String id() {
        return node.name + ":" + number;
    }

    @Override
    public String toString() {
        return id();
    }
}
