package org.vnicteam.api.ib;

import static org.vnicteam.api.ib.Bytes.i32;
import static org.vnicteam.api.ib.Bytes.put32;
import static org.vnicteam.api.ib.Bytes.room;

import java.nio.ByteBuffer;

/**
 * Immediate Data extended header, 4 bytes, last extended header of the {@code *_IMM} opcodes.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +---------------------------------------------------------------+
 * |                         Immediate data                        |  0
 * +---------------------------------------------------------------+
 * </pre>
 *
 * @param value the 32 bits, opaque to the transport
 */
public record ImmDt(int value) {
    public static final int SIZE = 4;
    public static final int VALUE_OFFSET = 0;
    public static final int VALUE_SIZE = 4;

    /** Reads the ImmDt at {@code offset}, checking only bounds (every value is valid). */
    public static ImmDt parse(ByteBuffer buf, int offset) {
        IbPacketView v = IbPacketView.region(buf, offset);
        v.orThrow(v.need(offset, SIZE, v.end(), "ImmDt"));
        return new ImmDt(i32(buf, offset));
    }

    public void writeTo(ByteBuffer buf, int offset) {
        write(buf, offset, value);
    }

    /** Writes an ImmDt without allocating. */
    public static void write(ByteBuffer buf, int offset, int value) {
        room(buf, offset, SIZE);
        put32(buf, offset, value);
    }
}
