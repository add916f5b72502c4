package org.vnicteam.api.ib;

import static org.vnicteam.api.ib.Bytes.put16;
import static org.vnicteam.api.ib.Bytes.range;
import static org.vnicteam.api.ib.Bytes.room;
import static org.vnicteam.api.ib.Bytes.u16;
import static org.vnicteam.api.ib.Bytes.u8;

import java.nio.ByteBuffer;

/**
 * Local Route Header, 8 bytes, first on the wire. LVer is always 0 and is not stored.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-------+-------+-------+---+---+-------------------------------+
 * |   VL  |  LVer |   SL  |rsv|LNH|              DLID             |  0
 * +-------+-+-----+-------+---+---+-------------------------------+
 * |   rsv   |        PktLen       |              SLID             |  4
 * +---------+---------------------+-------------------------------+
 * </pre>
 *
 * <p>PktLen counts 4-byte words from the first byte of the LRH through the ICRC; the VCRC is not
 * counted. LNH names what follows: {@link #LNH_RAW}, {@link #LNH_IPV6}, {@link #LNH_LOCAL} (BTH),
 * {@link #LNH_GLOBAL} (GRH, then BTH).
 *
 * @param vl virtual lane, 0..15 (the only LRH field a switch may change: not covered by the ICRC)
 * @param sl service level, 0..15
 * @param lnh link next header, 0..3
 * @param dlid destination LID, 0..0xFFFF
 * @param pktLen packet length in 4-byte words, 0..0x7FF
 * @param slid source LID, 0..0xFFFF
 */
public record Lrh(int vl, int sl, int lnh, int dlid, int pktLen, int slid) {
    public static final int SIZE = 8;
    public static final int VL_LVER_OFFSET = 0;
    public static final int VL_LVER_SIZE = 1;
    public static final int SL_LNH_OFFSET = 1;
    public static final int SL_LNH_SIZE = 1;
    public static final int DLID_OFFSET = 2;
    public static final int DLID_SIZE = 2;
    public static final int PKT_LEN_OFFSET = 4;
    public static final int PKT_LEN_SIZE = 2;
    public static final int SLID_OFFSET = 6;
    public static final int SLID_SIZE = 2;

    public static final int LNH_RAW = 0;
    public static final int LNH_IPV6 = 1;
    public static final int LNH_LOCAL = 2;
    public static final int LNH_GLOBAL = 3;
    /** Largest PktLen (11 bits). */
    public static final int MAX_PKT_LEN = 0x7FF;

    public Lrh {
        range("LRH.vl", vl, 15);
        range("LRH.sl", sl, 15);
        range("LRH.lnh", lnh, 3);
        range("LRH.dlid", dlid, 0xFFFF);
        range("LRH.pktLen", pktLen, MAX_PKT_LEN);
        range("LRH.slid", slid, 0xFFFF);
    }

    /** Reads and validates (bounds, LVer, reserved bits) the LRH at {@code offset}. */
    public static Lrh parse(ByteBuffer buf, int offset) {
        IbPacketView v = IbPacketView.region(buf, offset);
        v.orThrow(v.checkLrh(offset, v.end()));
        return new Lrh(u8(buf, offset) >>> 4, u8(buf, offset + 1) >>> 4, u8(buf, offset + 1) & 3,
                u16(buf, offset + DLID_OFFSET), u16(buf, offset + PKT_LEN_OFFSET) & MAX_PKT_LEN,
                u16(buf, offset + SLID_OFFSET));
    }

    public void writeTo(ByteBuffer buf, int offset) {
        write(buf, offset, vl, sl, lnh, dlid, pktLen, slid);
    }

    /** Writes an LRH without allocating; LVer and reserved bits are written as 0. */
    public static void write(ByteBuffer buf, int offset, int vl, int sl, int lnh, int dlid, int pktLen, int slid) {
        room(buf, offset, SIZE);
        buf.put(offset, (byte) (range("LRH.vl", vl, 15) << 4));
        buf.put(offset + 1, (byte) (range("LRH.sl", sl, 15) << 4 | range("LRH.lnh", lnh, 3)));
        put16(buf, offset + DLID_OFFSET, range("LRH.dlid", dlid, 0xFFFF));
        put16(buf, offset + PKT_LEN_OFFSET, range("LRH.pktLen", pktLen, MAX_PKT_LEN));
        put16(buf, offset + SLID_OFFSET, range("LRH.slid", slid, 0xFFFF));
    }
}
