package org.vnicteam.api.host;

import java.nio.ByteBuffer;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Takes one complete Ethernet frame (without FCS, tag included where there is one). The bytes are
 * valid only during the call. Must not block.
 */
@ConsumerType
@FunctionalInterface
public interface FrameSink {
    /** @return false when the frame could not be taken (it is counted by whoever dropped it) */
    boolean frame(ByteBuffer frame, int offset, int length);
}
