package org.vnicteam.api.ib;

import static org.vnicteam.api.ib.Bytes.i64;
import static org.vnicteam.api.ib.Bytes.put16;
import static org.vnicteam.api.ib.Bytes.put32;
import static org.vnicteam.api.ib.Bytes.put64;
import static org.vnicteam.api.ib.Bytes.range;
import static org.vnicteam.api.ib.Bytes.room;
import static org.vnicteam.api.ib.Bytes.u16;
import static org.vnicteam.api.ib.Bytes.u8;

import java.nio.ByteBuffer;

/**
 * Global Route Header, 40 bytes, after the LRH when LRH.LNH = 3. IPVer is always 6 and is not
 * stored. Each 128-bit GID is held as two longs (high = first 8 bytes on the wire), which keeps
 * the record immutable without defensive copies; {@link #sgid()} and {@link #dgid()} give bytes.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-------+---------------+---------------------------------------+
 * | IPVer |     TClass    |               FlowLabel               |  0
 * +-------+---------------+-------+---------------+---------------+
 * |             PayLen            |     NxtHdr    |     HopLmt    |  4
 * +-------------------------------+---------------+---------------+
 * |                                                               |  8
 * |                        SGID (16 bytes)                        |
 * |                                                               |
 * +---------------------------------------------------------------+
 * |                                                               |  24
 * |                        DGID (16 bytes)                        |
 * |                                                               |
 * +---------------------------------------------------------------+
 * </pre>
 *
 * <p>PayLen counts bytes after the GRH through the ICRC (not the VCRC). NxtHdr is
 * {@link #NXT_HDR_IBA} when a BTH follows. TClass, FlowLabel and HopLmt are variant: routers
 * may change them, so the ICRC covers them as ones.
 */
public record Grh(int tClass, int flowLabel, int payLen, int nxtHdr, int hopLmt, long sgidHi, long sgidLo,
        long dgidHi, long dgidLo) {
    public static final int SIZE = 40;
    public static final int IPVER_TCLASS_FLOW_OFFSET = 0;
    public static final int IPVER_TCLASS_FLOW_SIZE = 4;
    public static final int PAY_LEN_OFFSET = 4;
    public static final int PAY_LEN_SIZE = 2;
    public static final int NXT_HDR_OFFSET = 6;
    public static final int NXT_HDR_SIZE = 1;
    public static final int HOP_LMT_OFFSET = 7;
    public static final int HOP_LMT_SIZE = 1;
    public static final int SGID_OFFSET = 8;
    public static final int SGID_SIZE = 16;
    public static final int DGID_OFFSET = 24;
    public static final int DGID_SIZE = 16;

    public static final int IP_VER = 6;
    /** NxtHdr value saying an IBA transport header (BTH) follows. */
    public static final int NXT_HDR_IBA = 0x1B;

    public Grh {
        range("GRH.tClass", tClass, 0xFF);
        range("GRH.flowLabel", flowLabel, 0xF_FFFF);
        range("GRH.payLen", payLen, 0xFFFF);
        range("GRH.nxtHdr", nxtHdr, 0xFF);
        range("GRH.hopLmt", hopLmt, 0xFF);
    }

    /** A GRH from 16-byte GIDs. */
    public static Grh of(int tClass, int flowLabel, int payLen, int nxtHdr, int hopLmt, byte[] sgid, byte[] dgid) {
        ByteBuffer s = gid("GRH.sgid", sgid), d = gid("GRH.dgid", dgid);
        return new Grh(tClass, flowLabel, payLen, nxtHdr, hopLmt, s.getLong(0), s.getLong(8), d.getLong(0),
                d.getLong(8));
    }

    private static ByteBuffer gid(String field, byte[] gid) {
        if (gid == null || gid.length != 16) {
            throw new IllegalArgumentException(field + " must be 16 bytes");
        }
        return ByteBuffer.wrap(gid);
    }

    /** The source GID as a fresh 16-byte array. */
    public byte[] sgid() {
        return ByteBuffer.allocate(16).putLong(sgidHi).putLong(sgidLo).array();
    }

    /** The destination GID as a fresh 16-byte array. */
    public byte[] dgid() {
        return ByteBuffer.allocate(16).putLong(dgidHi).putLong(dgidLo).array();
    }

    /** Reads and validates (bounds, IPVer) the GRH at {@code offset}; any NxtHdr is accepted here. */
    public static Grh parse(ByteBuffer buf, int offset) {
        IbPacketView v = IbPacketView.region(buf, offset);
        v.orThrow(v.checkGrh(offset, v.end()));
        int w0 = Bytes.i32(buf, offset);
        return new Grh(w0 >>> 20 & 0xFF, w0 & 0xF_FFFF, u16(buf, offset + PAY_LEN_OFFSET),
                u8(buf, offset + NXT_HDR_OFFSET), u8(buf, offset + HOP_LMT_OFFSET), i64(buf, offset + SGID_OFFSET),
                i64(buf, offset + SGID_OFFSET + 8), i64(buf, offset + DGID_OFFSET), i64(buf, offset + DGID_OFFSET + 8));
    }

    public void writeTo(ByteBuffer buf, int offset) {
        write(buf, offset, tClass, flowLabel, payLen, nxtHdr, hopLmt, sgidHi, sgidLo, dgidHi, dgidLo);
    }

    /** Writes a GRH (IPVer 6) without allocating. */
    public static void write(ByteBuffer buf, int offset, int tClass, int flowLabel, int payLen, int nxtHdr,
            int hopLmt, long sgidHi, long sgidLo, long dgidHi, long dgidLo) {
        room(buf, offset, SIZE);
        put32(buf, offset, IP_VER << 28 | range("GRH.tClass", tClass, 0xFF) << 20
                | range("GRH.flowLabel", flowLabel, 0xF_FFFF));
        put16(buf, offset + PAY_LEN_OFFSET, range("GRH.payLen", payLen, 0xFFFF));
        buf.put(offset + NXT_HDR_OFFSET, (byte) range("GRH.nxtHdr", nxtHdr, 0xFF));
        buf.put(offset + HOP_LMT_OFFSET, (byte) range("GRH.hopLmt", hopLmt, 0xFF));
        put64(buf, offset + SGID_OFFSET, sgidHi);
        put64(buf, offset + SGID_OFFSET + 8, sgidLo);
        put64(buf, offset + DGID_OFFSET, dgidHi);
        put64(buf, offset + DGID_OFFSET + 8, dgidLo);
    }
}
