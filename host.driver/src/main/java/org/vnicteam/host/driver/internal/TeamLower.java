package org.vnicteam.host.driver.internal;

import java.nio.ByteBuffer;

/** The team as the miniport edge sees it: where tagged frames go down, and who to tell about VLANs. */
interface TeamLower {

    /** Sends a frame through the active member ({@code tci} ≥ 0 inserts an 802.1Q tag). Never blocks. */
    boolean transmit(ByteBuffer frame, int offset, int length, int tci);

    /** The set of miniports (VLANs) changed: reprogram every member's bridge. */
    void vlansChanged();

    /** Whether there is an active member. */
    boolean mediaConnected();
}
