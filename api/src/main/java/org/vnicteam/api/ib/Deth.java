package org.vnicteam.api.ib;

import static org.vnicteam.api.ib.Bytes.i32;
import static org.vnicteam.api.ib.Bytes.put24;
import static org.vnicteam.api.ib.Bytes.put32;
import static org.vnicteam.api.ib.Bytes.range;
import static org.vnicteam.api.ib.Bytes.room;
import static org.vnicteam.api.ib.Bytes.u24;

import java.nio.ByteBuffer;

/**
 * Datagram Extended Transport Header, 8 bytes, after the BTH of every UD packet.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +---------------------------------------------------------------+
 * |                             Q_Key                             |  0
 * +---------------+-----------------------------------------------+
 * |      rsv      |                     SrcQP                     |  4
 * +---------------+-----------------------------------------------+
 * </pre>
 *
 * @param qkey queue key, all 32 bits (an unsigned value held in an int: 0x80010000 is negative)
 * @param srcQp source queue pair, 0..0xFFFFFF
 */
public record Deth(int qkey, int srcQp) {
    public static final int SIZE = 8;
    public static final int QKEY_OFFSET = 0;
    public static final int QKEY_SIZE = 4;
    public static final int RSV_OFFSET = 4;
    public static final int RSV_SIZE = 1;
    public static final int SRC_QP_OFFSET = 5;
    public static final int SRC_QP_SIZE = 3;

    public Deth {
        range("DETH.srcQp", srcQp, 0xFF_FFFF);
    }

    /** Reads and validates (bounds, reserved byte) the DETH at {@code offset}. */
    public static Deth parse(ByteBuffer buf, int offset) {
        IbPacketView v = IbPacketView.region(buf, offset);
        v.orThrow(v.checkDeth(offset, v.end()));
        return new Deth(i32(buf, offset + QKEY_OFFSET), u24(buf, offset + SRC_QP_OFFSET));
    }

    public void writeTo(ByteBuffer buf, int offset) {
        write(buf, offset, qkey, srcQp);
    }

    /** Writes a DETH without allocating. */
    public static void write(ByteBuffer buf, int offset, int qkey, int srcQp) {
        room(buf, offset, SIZE);
        put32(buf, offset + QKEY_OFFSET, qkey);
        buf.put(offset + RSV_OFFSET, (byte) 0);
        put24(buf, offset + SRC_QP_OFFSET, range("DETH.srcQp", srcQp, 0xFF_FFFF));
    }
}
