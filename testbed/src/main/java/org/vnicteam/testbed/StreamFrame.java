package org.vnicteam.testbed;

import java.nio.ByteBuffer;

/**
 * The payload of one datagram of a UDP sequence stream (big-endian):
 * <pre>
 *  0  4  magic 0x76747331 ("vts1")
 *  4  4  stream id
 *  8  8  sequence number, from 0
 * 16  8  send time, System.nanoTime() of the sender (one clock for every process of the machine)
 * 24  …  zero padding up to the stream's size
 * </pre>
 */
final class StreamFrame {

    static final int MAGIC = 0x76747331;
    static final int MAGIC_OFFSET = 0;
    static final int STREAM_OFFSET = 4;
    static final int SEQUENCE_OFFSET = 8;
    static final int SENT_OFFSET = 16;
    /** The smallest payload: the header. */
    static final int HEADER_SIZE = 24;
    /** The largest payload that fits one untagged 1500-byte IPv4 packet. */
    static final int MAX_SIZE = 1472;

    private StreamFrame() {
    }

    static void write(ByteBuffer buf, int stream, long sequence, long sentNanos) {
        buf.putInt(MAGIC_OFFSET, MAGIC).putInt(STREAM_OFFSET, stream)
                .putLong(SEQUENCE_OFFSET, sequence).putLong(SENT_OFFSET, sentNanos);
    }

    /** Whether the {@code length} bytes at the start of {@code buf} are a frame of {@code stream}. */
    static boolean valid(ByteBuffer buf, int length, int stream) {
        return length >= HEADER_SIZE && buf.getInt(MAGIC_OFFSET) == MAGIC && buf.getInt(STREAM_OFFSET) == stream;
    }

    static long sequence(ByteBuffer buf) {
        return buf.getLong(SEQUENCE_OFFSET);
    }

    static long sentNanos(ByteBuffer buf) {
        return buf.getLong(SENT_OFFSET);
    }

    static void checkSize(int size) {
        if (size < HEADER_SIZE || size > MAX_SIZE) {
            throw new IllegalArgumentException("datagram size " + size + " not in " + HEADER_SIZE + ".." + MAX_SIZE);
        }
    }
}
