package org.vnicteam.api.host;

import java.nio.ByteBuffer;

import org.osgi.annotation.versioning.ProviderType;

/**
 * One VLAN miniport of the intermediate driver's miniport edge (seed FIG. 2: "VLAN A..M"):
 * what its {@link UpperBinding} sends through. Frames are untagged; the miniport tags them with
 * its VLAN. Registered as a service by host.driver with the properties {@link #NAME} and
 * {@link #VLAN}.
 */
@ProviderType
public interface Miniport {

    /** Service property: the miniport's name. */
    String NAME = "name";
    /** Service property: its VLAN id, 0 for untagged. */
    String VLAN = "vlan";

    String name();

    /** VLAN id 1..4094, or 0 for the untagged miniport. */
    int vlan();

    /** Whether the team has an active member (NDIS media connect state). */
    boolean mediaConnected();

    /**
     * Sends an untagged Ethernet frame (without FCS) from the upper protocol. The bytes are
     * copied before the call returns. Never blocks.
     *
     * @return false when dropped (counted in the status)
     */
    boolean send(ByteBuffer frame, int offset, int length);

    MiniportStatus status();
}
