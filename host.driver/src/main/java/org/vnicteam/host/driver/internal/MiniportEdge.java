package org.vnicteam.host.driver.internal;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * The miniport edge of the intermediate driver (seed FIG. 2, 215): the VLAN miniports, the
 * 802.1Q demultiplexing of received frames, and the way down to the team. An internal service
 * of host.driver, bound by the team and the protocol edge.
 */
interface MiniportEdge {

    /** One VLAN's learning-frame target: its VID (0 = untagged), priority, and IPv4 if known. */
    record VlanTarget(int vid, int pcp, byte[] ipv4) {
    }

    /** The team attaches as the way down ({@code null} detaches). */
    void attachTeam(TeamLower team);

    /**
     * A frame received from the active member, as it came off the Ethernet: demultiplexed by its
     * tag to the VLAN's miniport (untagged and priority-tagged frames to the untagged one), tag
     * removed in place; a frame for a VLAN without a miniport is dropped and counted.
     */
    void indicate(ByteBuffer frame, int offset, int length);

    /** The VLANs with a miniport, ascending (0 = untagged). */
    List<Integer> vlans();

    /** Where learning frames go on a fail-over: one per miniport. */
    List<VlanTarget> learningTargets();

    /** Tells every miniport the media state. */
    void mediaChanged(boolean connected);

    /** Frames dropped for a VLAN without a miniport. */
    long droppedUnknownVlan();

    /** Frames too short for their Ethernet or 802.1Q header. */
    long droppedMalformed();
}
