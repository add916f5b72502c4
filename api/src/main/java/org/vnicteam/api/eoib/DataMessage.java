package org.vnicteam.api.eoib;

import java.nio.ByteBuffer;

/**
 * A DATA message: the 16-byte header (type DATA, flags 0, sequence = frame number of the session
 * in this direction) followed by one Ethernet frame without FCS, 802.1Q tag included where the
 * host tagged it. Allocation-free helpers for the data path.
 */
public final class DataMessage {

    /** Smallest frame: destination, source, EtherType. */
    public static final int MIN_FRAME = 14;

    private DataMessage() {
    }

    /** Writes the header for a frame of {@code frameLength} bytes already at {@code off + 16}. */
    public static int writeHeader(ByteBuffer b, int off, int session, int sequence, int frameLength) {
        int length = MessageHeader.SIZE + frameLength;
        MessageHeader.write(b, off, MessageType.DATA, 0, length, session, sequence);
        return length;
    }

    /**
     * Checks a received DATA message without allocating: {@code null} if it is a well-formed DATA
     * message of the given session, else the cause to count.
     */
    public static ProtocolException.Cause check(ByteBuffer b, int off, int length, int session) {
        ProtocolException.Cause c = MessageHeader.check(b, off, length);
        if (c != null) {
            return c;
        }
        if (MessageHeader.type(b, off) != MessageType.DATA) {
            return ProtocolException.Cause.UNEXPECTED_TYPE;
        }
        if (b.getShort(off + MessageHeader.FLAGS_OFFSET) != 0) {
            return ProtocolException.Cause.RESERVED_NOT_ZERO;
        }
        if (MessageHeader.session(b, off) != session) {
            return ProtocolException.Cause.WRONG_SESSION;
        }
        if (length - MessageHeader.SIZE < MIN_FRAME) {
            return ProtocolException.Cause.TRUNCATED;
        }
        return null;
    }

    public static int frameOffset(int messageOffset) {
        return messageOffset + MessageHeader.SIZE;
    }

    public static int frameLength(int messageLength) {
        return messageLength - MessageHeader.SIZE;
    }
}
