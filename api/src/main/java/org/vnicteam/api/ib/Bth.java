package org.vnicteam.api.ib;

import static org.vnicteam.api.ib.Bytes.flag;
import static org.vnicteam.api.ib.Bytes.put16;
import static org.vnicteam.api.ib.Bytes.put24;
import static org.vnicteam.api.ib.Bytes.range;
import static org.vnicteam.api.ib.Bytes.room;
import static org.vnicteam.api.ib.Bytes.u16;
import static org.vnicteam.api.ib.Bytes.u24;
import static org.vnicteam.api.ib.Bytes.u8;

import java.nio.ByteBuffer;

/**
 * Base Transport Header, 12 bytes. TVer is always 0 and is not stored.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +---------------+-+-+---+-------+-------------------------------+
 * |     OpCode    |S|M|Pad|  TVer |             P_Key             |  0
 * +-+-+-----------+-+-+---+-------+-------------------------------+
 * |F|B|    rsv    |                     DestQP                    |  4
 * +-+-+-----------+-----------------------------------------------+
 * |A|     rsv     |                      PSN                      |  8
 * +-+-------------+-----------------------------------------------+
 * </pre>
 *
 * <p>S = solicited event, M = MigReq, Pad = PadCnt (pad bytes after the payload), F/B = FECN/BECN
 * (IBA 1.0a calls the whole byte 4 Resv8a; the ICRC covers it as ones because switches mark
 * congestion there), A = AckReq.
 *
 * @param opcode the operation
 * @param se solicited event
 * @param migReq migration state
 * @param padCnt pad bytes, 0..3
 * @param pkey partition key, 0..0xFFFF
 * @param fecn forward congestion notification
 * @param becn backward congestion notification
 * @param destQp destination queue pair, 0..0xFFFFFF
 * @param ackReq acknowledge request
 * @param psn packet sequence number, 0..0xFFFFFF
 */
public record Bth(Opcode opcode, boolean se, boolean migReq, int padCnt, int pkey, boolean fecn, boolean becn,
        int destQp, boolean ackReq, int psn) {
    public static final int SIZE = 12;
    public static final int OPCODE_OFFSET = 0;
    public static final int OPCODE_SIZE = 1;
    public static final int SE_M_PAD_TVER_OFFSET = 1;
    public static final int SE_M_PAD_TVER_SIZE = 1;
    public static final int PKEY_OFFSET = 2;
    public static final int PKEY_SIZE = 2;
    /** The FECN/BECN byte (Resv8a in IBA 1.0a): variant, ones in the ICRC. */
    public static final int FECN_BECN_OFFSET = 4;
    public static final int FECN_BECN_SIZE = 1;
    public static final int DEST_QP_OFFSET = 5;
    public static final int DEST_QP_SIZE = 3;
    public static final int ACK_REQ_OFFSET = 8;
    public static final int ACK_REQ_SIZE = 1;
    public static final int PSN_OFFSET = 9;
    public static final int PSN_SIZE = 3;

    public Bth {
        if (opcode == null) {
            throw new IllegalArgumentException("BTH.opcode is null");
        }
        range("BTH.padCnt", padCnt, 3);
        range("BTH.pkey", pkey, 0xFFFF);
        range("BTH.destQp", destQp, 0xFF_FFFF);
        range("BTH.psn", psn, 0xFF_FFFF);
    }

    /** Reads and validates (bounds, TVer, known opcode, reserved bits) the BTH at {@code offset}. */
    public static Bth parse(ByteBuffer buf, int offset) {
        IbPacketView v = IbPacketView.region(buf, offset);
        v.orThrow(v.checkBth(offset, v.end()));
        int b1 = u8(buf, offset + 1), b4 = u8(buf, offset + FECN_BECN_OFFSET);
        return new Bth(Opcode.lookup(u8(buf, offset)), (b1 & 0x80) != 0, (b1 & 0x40) != 0, b1 >>> 4 & 3,
                u16(buf, offset + PKEY_OFFSET), (b4 & 0x80) != 0, (b4 & 0x40) != 0, u24(buf, offset + DEST_QP_OFFSET),
                (u8(buf, offset + ACK_REQ_OFFSET) & 0x80) != 0, u24(buf, offset + PSN_OFFSET));
    }

    public void writeTo(ByteBuffer buf, int offset) {
        write(buf, offset, opcode.code(), se ? 1 : 0, migReq ? 1 : 0, padCnt, pkey, fecn ? 1 : 0, becn ? 1 : 0,
                destQp, ackReq ? 1 : 0, psn);
    }

    /**
     * Writes a BTH without allocating; flags are 0 or 1, TVer and reserved bits are written as 0.
     * The opcode is not checked against {@link Opcode} so tests and fuzzers can write any code.
     */
    public static void write(ByteBuffer buf, int offset, int opcode, int se, int m, int padCnt, int pkey, int fecn,
            int becn, int destQp, int ackReq, int psn) {
        room(buf, offset, SIZE);
        buf.put(offset, (byte) range("BTH.opcode", opcode, 0xFF));
        buf.put(offset + 1, (byte) (flag("BTH.se", se) << 7 | flag("BTH.m", m) << 6 | range("BTH.padCnt", padCnt, 3) << 4));
        put16(buf, offset + PKEY_OFFSET, range("BTH.pkey", pkey, 0xFFFF));
        buf.put(offset + FECN_BECN_OFFSET, (byte) (flag("BTH.fecn", fecn) << 7 | flag("BTH.becn", becn) << 6));
        put24(buf, offset + DEST_QP_OFFSET, range("BTH.destQp", destQp, 0xFF_FFFF));
        buf.put(offset + ACK_REQ_OFFSET, (byte) (flag("BTH.ackReq", ackReq) << 7));
        put24(buf, offset + PSN_OFFSET, range("BTH.psn", psn, 0xFF_FFFF));
    }
}
