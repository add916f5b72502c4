package org.vnicteam.fabric.sim.ethernet;

import java.nio.ByteBuffer;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Where a {@link SimIpHost} puts the frames it sends: a switch port, a VLAN miniport, a test.
 * The frame is a complete Ethernet frame without FCS, valid only during the call (copy it to
 * keep it). Called on the host's event loop; must not block.
 */
@ConsumerType
@FunctionalInterface
public interface FrameSink {
    void send(ByteBuffer frame, int offset, int length);
}
