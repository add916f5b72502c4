package org.vnicteam.host.driver.internal;

import java.nio.ByteBuffer;

import org.vnicteam.api.host.Miniport;

/** A miniport as the miniport edge sees it (internal service of host.driver). */
interface MiniportPort extends Miniport {

    /** The edge attaches as the way down ({@code null} detaches). */
    void attachLower(MiniportLower lower);

    /** An untagged frame from the network for this VLAN: through the stage, up to the binding. */
    void indicate(ByteBuffer frame, int offset, int length);

    /** Media state from the team. */
    void mediaChanged(boolean connected);

    /** 802.1Q priority of this miniport's frames. */
    int pcp();

    /** IPv4 address for gratuitous ARP (configured or learned), or null. */
    byte[] learningIp();

    /** The way down from a miniport. */
    interface MiniportLower {
        boolean transmit(ByteBuffer frame, int offset, int length, int tci);
    }
}
