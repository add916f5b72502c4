package org.vnicteam.api.ethernet;

import java.nio.ByteBuffer;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Receives frames from a port. The buffer is only valid during the call: copy what you keep.
 * Must not block.
 */
@ConsumerType
@FunctionalInterface
public interface FrameReceiver {
    void frameReceived(ByteBuffer frame, int offset, int length);
}
