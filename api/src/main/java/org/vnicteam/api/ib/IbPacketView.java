package org.vnicteam.api.ib;

import static org.vnicteam.api.ib.Bytes.i32;
import static org.vnicteam.api.ib.Bytes.u16;
import static org.vnicteam.api.ib.Bytes.u24;
import static org.vnicteam.api.ib.Bytes.u8;

import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.zip.CRC32;

/**
 * A reusable flyweight over one InfiniBand packet in a buffer, for the hot path: {@link #wrap}
 * allocates nothing, accessors read the buffer (absolute, big-endian) on every call, {@link
 * #check} validates without exceptions and returns an {@code ERR_*} code a switch or HCA can count
 * drops by. Not thread-safe; keep one per thread.
 *
 * <p>Accessors assume a structurally valid packet: call {@link #check} first, or expect
 * {@link IndexOutOfBoundsException} and nonsense on garbage. Methods named {@code *Offset} return
 * absolute indices into the buffer; lengths are in bytes.
 *
 * <p>{@link #check} and {@link IbPacket#parse} share one validator. It works in receive order:
 * link layer first (LRH, PktLen against the length, VCRC), so a bit flipped on a link counts as a
 * VCRC error, then transport (GRH, BTH, extended headers, PadCnt), then the ICRC.
 */
public final class IbPacketView {
    public static final int OK = 0;
    /** A header or the ICRC does not fit in the packet. */
    public static final int ERR_TRUNCATED = 1;
    /** LRH.PktLen or GRH.PayLen disagrees with the packet length. */
    public static final int ERR_LENGTH = 2;
    public static final int ERR_LVER = 3;
    /** A reserved bit or value is set (LRH, BTH, DETH, AETH syndrome). */
    public static final int ERR_RESERVED = 4;
    /** LRH.LNH says raw (0) or raw IPv6 (1): not supported. */
    public static final int ERR_LNH = 5;
    public static final int ERR_OPCODE = 6;
    public static final int ERR_PADCNT = 7;
    public static final int ERR_ICRC = 8;
    public static final int ERR_VCRC = 9;
    public static final int ERR_NXTHDR = 10;
    public static final int ERR_TVER = 11;
    /** GRH.IPVer is not 6. */
    public static final int ERR_IPVER = 12;
    /** One more than the largest {@code ERR_*} code: the size of a drop-counter array. */
    public static final int ERR_COUNT = 13;

    private static final int TRAILER = Crc.ICRC_SIZE + Crc.VCRC_SIZE;

    private ByteBuffer buf;
    private int off;
    private int len;
    // Details of the last failed check, kept as primitives and constants so check() never allocates.
    private String errField;
    private String errFormat;
    private int errAt;
    private int errA;
    private int errB;
    private int errC;

    /** Points this view at the {@code length}-byte packet (LRH..VCRC) at {@code offset}. */
    public IbPacketView wrap(ByteBuffer buf, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, buf.limit());
        this.buf = buf;
        this.off = offset;
        this.len = length;
        this.errField = null;
        return this;
    }

    /** A view over the bytes from {@code offset} to the limit, for checking a lone header. */
    static IbPacketView region(ByteBuffer buf, int offset) {
        return new IbPacketView().wrap(buf, offset, buf.limit() - Math.min(offset, buf.limit()));
    }

    public ByteBuffer buffer() {
        return buf;
    }

    public int offset() {
        return off;
    }

    public int length() {
        return len;
    }

    int end() {
        return off + len;
    }

    // ---- LRH

    public int vl() {
        return u8(buf, off) >>> 4;
    }

    /** Rewrites the VL in place, as a switch does; follow with {@link #resealVcrc}. */
    public void setVl(int vl) {
        buf.put(off, (byte) (Bytes.range("LRH.vl", vl, 15) << 4 | buf.get(off) & 0x0F));
    }

    public int sl() {
        return u8(buf, off + 1) >>> 4;
    }

    public int lnh() {
        return u8(buf, off + 1) & 3;
    }

    public int dlid() {
        return u16(buf, off + Lrh.DLID_OFFSET);
    }

    public int pktLenWords() {
        return u16(buf, off + Lrh.PKT_LEN_OFFSET) & Lrh.MAX_PKT_LEN;
    }

    public int slid() {
        return u16(buf, off + Lrh.SLID_OFFSET);
    }

    public boolean hasGrh() {
        return lnh() == Lrh.LNH_GLOBAL;
    }

    // ---- BTH

    public int bthOffset() {
        return off + (hasGrh() ? Lrh.SIZE + Grh.SIZE : Lrh.SIZE);
    }

    public int opcodeCode() {
        return u8(buf, bthOffset());
    }

    /** The opcode, or null if unknown. */
    public Opcode opcode() {
        return Opcode.lookup(opcodeCode());
    }

    public boolean se() {
        return (u8(buf, bthOffset() + 1) & 0x80) != 0;
    }

    public boolean migReq() {
        return (u8(buf, bthOffset() + 1) & 0x40) != 0;
    }

    public int padCnt() {
        return u8(buf, bthOffset() + 1) >>> 4 & 3;
    }

    public int pkey() {
        return u16(buf, bthOffset() + Bth.PKEY_OFFSET);
    }

    public boolean fecn() {
        return (u8(buf, bthOffset() + Bth.FECN_BECN_OFFSET) & 0x80) != 0;
    }

    public boolean becn() {
        return (u8(buf, bthOffset() + Bth.FECN_BECN_OFFSET) & 0x40) != 0;
    }

    public int destQp() {
        return u24(buf, bthOffset() + Bth.DEST_QP_OFFSET);
    }

    public boolean ackReq() {
        return (u8(buf, bthOffset() + Bth.ACK_REQ_OFFSET) & 0x80) != 0;
    }

    public int psn() {
        return u24(buf, bthOffset() + Bth.PSN_OFFSET);
    }

    // ---- extended headers and payload

    /** Bytes from the LRH through the last extended header (an unknown opcode counts none). */
    public int headerLength() {
        Opcode o = opcode();
        return bthOffset() - off + Bth.SIZE + (o == null ? 0 : o.extHeaderLength());
    }

    public int payloadOffset() {
        return off + headerLength();
    }

    /** Payload bytes, not counting the pad. */
    public int payloadLength() {
        return icrcOffset() - payloadOffset() - padCnt();
    }

    /** DETH Q_Key (UD only). */
    public int qkey() {
        return i32(buf, bthOffset() + Bth.SIZE + Deth.QKEY_OFFSET);
    }

    /** DETH SrcQP (UD only). */
    public int srcQp() {
        return u24(buf, bthOffset() + Bth.SIZE + Deth.SRC_QP_OFFSET);
    }

    private int aethOffset() {
        Opcode o = opcode();
        return bthOffset() + Bth.SIZE + (o != null && o.hasDeth() ? Deth.SIZE : 0);
    }

    /** AETH syndrome (ACK only). */
    public int aethSyndrome() {
        return u8(buf, aethOffset());
    }

    /** AETH MSN (ACK only). */
    public int aethMsn() {
        return u24(buf, aethOffset() + Aeth.MSN_OFFSET);
    }

    /** ImmDt ({@code *_IMM} opcodes only): the last extended header. */
    public int immDt() {
        return i32(buf, payloadOffset() - ImmDt.SIZE);
    }

    public int icrcOffset() {
        return off + len - TRAILER;
    }

    public int vcrcOffset() {
        return off + len - Crc.VCRC_SIZE;
    }

    /** The ICRC as stored in the packet. */
    public int icrc() {
        return Crc.getIcrc(buf, icrcOffset());
    }

    /** The VCRC as stored in the packet. */
    public int vcrc() {
        return Crc.getVcrc(buf, vcrcOffset());
    }

    // ---- validation

    /** Whether the stored VCRC is right (all a switch checks). */
    public boolean checkVcrc() {
        return len >= Crc.VCRC_SIZE && Crc.vcrc(buf, off, len - Crc.VCRC_SIZE) == vcrc();
    }

    /** Whether the stored ICRC is right; {@code scratch} may be null for a per-thread CRC32. */
    public boolean checkIcrc(CRC32 scratch) {
        return len >= Lrh.SIZE && len >= bthOffset() - off + Bth.SIZE + TRAILER
                && icrc(scratch, buf, off, len - TRAILER) == icrc();
    }

    /**
     * Validates the whole packet: {@link #OK} or the {@code ERR_*} code of the first problem found,
     * without allocating. {@code scratch} may be null for a per-thread CRC32.
     */
    public int check(CRC32 scratch) {
        return check(scratch, true);
    }

    /**
     * Like {@link #check(CRC32)}, but the VCRC is checked only if {@code withVcrc}: for a receiver
     * that knows no hop could have changed the packet since its VCRC was last verified or never
     * sealed (an error-free simulated link), so the link CRC guards nothing there.
     */
    public int check(CRC32 scratch, boolean withVcrc) {
        errField = null;
        int rc;
        if ((rc = checkLrh(off, end())) != OK) {
            return rc;
        }
        int words = pktLenWords();
        if (words * 4 + Crc.VCRC_SIZE != len) {
            return fail(ERR_LENGTH, "LRH.pktLen", off + Lrh.PKT_LEN_OFFSET,
                    "PktLen %d words means %d bytes with the VCRC, packet has %d", words, words * 4 + 2, len);
        }
        int vcrc = withVcrc ? Crc.vcrc(buf, off, len - Crc.VCRC_SIZE) : 0;
        if (withVcrc && vcrc != vcrc()) {
            return fail(ERR_VCRC, "VCRC", vcrcOffset(), "expected 0x%04x, found 0x%04x", vcrc, vcrc(), 0);
        }
        int lnh = lnh();
        if (lnh < Lrh.LNH_LOCAL) {
            return fail(ERR_LNH, "LRH.lnh", off + Lrh.SL_LNH_OFFSET, "LNH %d (raw packet) is not supported", lnh, 0, 0);
        }
        int hdrEnd = icrcOffset();
        int at = off + Lrh.SIZE;
        if (lnh == Lrh.LNH_GLOBAL) {
            if ((rc = checkGrh(at, hdrEnd)) != OK) {
                return rc;
            }
            int nxtHdr = u8(buf, at + Grh.NXT_HDR_OFFSET);
            if (nxtHdr != Grh.NXT_HDR_IBA) {
                return fail(ERR_NXTHDR, "GRH.nxtHdr", at + Grh.NXT_HDR_OFFSET, "NxtHdr 0x%02x, expected 0x%02x (IBA)",
                        nxtHdr, Grh.NXT_HDR_IBA, 0);
            }
            int payLen = u16(buf, at + Grh.PAY_LEN_OFFSET), expected = len - Lrh.SIZE - Grh.SIZE - Crc.VCRC_SIZE;
            if (payLen != expected) {
                return fail(ERR_LENGTH, "GRH.payLen", at + Grh.PAY_LEN_OFFSET, "PayLen %d, expected %d", payLen,
                        expected, 0);
            }
            at += Grh.SIZE;
        }
        if ((rc = checkBth(at, hdrEnd)) != OK) {
            return rc;
        }
        Opcode op = Opcode.lookup(u8(buf, at));
        int bth = at;
        at += Bth.SIZE;
        if (op.hasDeth()) {
            if ((rc = checkDeth(at, hdrEnd)) != OK) {
                return rc;
            }
            at += Deth.SIZE;
        }
        if (op.hasAeth()) {
            if ((rc = checkAeth(at, hdrEnd)) != OK) {
                return rc;
            }
            at += Aeth.SIZE;
        }
        if (op.hasImmediate()) {
            if ((rc = need(at, ImmDt.SIZE, hdrEnd, "ImmDt")) != OK) {
                return rc;
            }
            at += ImmDt.SIZE;
        }
        int pad = u8(buf, bth + 1) >>> 4 & 3;
        if (pad > hdrEnd - at) {
            return fail(ERR_PADCNT, "BTH.padCnt", bth + Bth.SE_M_PAD_TVER_OFFSET,
                    "PadCnt %d but only %d bytes follow the headers", pad, hdrEnd - at, 0);
        }
        int icrc = icrc(scratch, buf, off, len - TRAILER);
        if (icrc != icrc()) {
            return fail(ERR_ICRC, "ICRC", hdrEnd, "expected 0x%08x, found 0x%08x", icrc, icrc(), 0);
        }
        return OK;
    }

    /** Like {@link #check} but throws an {@link IbFormatException} describing the problem. */
    public void validate(CRC32 scratch) {
        orThrow(check(scratch));
    }

    /**
     * The problem found by the last {@link #check} as an exception (not thrown), or null if that
     * check passed: for logging a sample of the drops that {@code check} counted.
     */
    public IbFormatException describeError() {
        return errField == null ? null
                : new IbFormatException(errField, String.format(errFormat, errA, errB, errC), buf, off, len,
                        errAt - off);
    }

    void orThrow(int rc) {
        if (rc != OK) {
            throw describeError();
        }
    }

    // Header checks, shared by check() and the records' parse(): 'end' is where the header must end by.

    int need(int at, int size, int end, String header) {
        return at + size <= end ? OK
                : fail(ERR_TRUNCATED, header, at, "truncated: header needs %d bytes, %d available", size,
                        Math.max(0, end - at), 0);
    }

    int checkLrh(int at, int end) {
        int rc = need(at, Lrh.SIZE, end, "LRH");
        if (rc != OK) {
            return rc;
        }
        int b0 = u8(buf, at), b1 = u8(buf, at + 1), b4 = u8(buf, at + Lrh.PKT_LEN_OFFSET);
        if ((b0 & 0x0F) != 0) {
            return fail(ERR_LVER, "LRH.lver", at, "LVer %d, only 0 is defined", b0 & 0x0F, 0, 0);
        }
        if ((b1 & 0x0C) != 0) {
            return fail(ERR_RESERVED, "LRH.rsv", at + 1, "reserved bits set in 0x%02x", b1, 0, 0);
        }
        if ((b4 & 0xF8) != 0) {
            return fail(ERR_RESERVED, "LRH.rsv", at + Lrh.PKT_LEN_OFFSET, "reserved bits set in 0x%02x", b4, 0, 0);
        }
        return OK;
    }

    int checkGrh(int at, int end) {
        int rc = need(at, Grh.SIZE, end, "GRH");
        if (rc != OK) {
            return rc;
        }
        int ipVer = u8(buf, at) >>> 4;
        return ipVer == Grh.IP_VER ? OK
                : fail(ERR_IPVER, "GRH.ipVer", at, "IPVer %d, expected %d", ipVer, Grh.IP_VER, 0);
    }

    int checkBth(int at, int end) {
        int rc = need(at, Bth.SIZE, end, "BTH");
        if (rc != OK) {
            return rc;
        }
        int tver = u8(buf, at + 1) & 0x0F;
        if (tver != 0) {
            return fail(ERR_TVER, "BTH.tver", at + 1, "TVer %d, only 0 is defined", tver, 0, 0);
        }
        int code = u8(buf, at);
        if (Opcode.lookup(code) == null) {
            return fail(ERR_OPCODE, "BTH.opcode", at, "unknown opcode 0x%02x", code, 0, 0);
        }
        int b4 = u8(buf, at + Bth.FECN_BECN_OFFSET), b8 = u8(buf, at + Bth.ACK_REQ_OFFSET);
        if ((b4 & 0x3F) != 0) {
            return fail(ERR_RESERVED, "BTH.rsv", at + Bth.FECN_BECN_OFFSET, "reserved bits set in 0x%02x", b4, 0, 0);
        }
        if ((b8 & 0x7F) != 0) {
            return fail(ERR_RESERVED, "BTH.rsv", at + Bth.ACK_REQ_OFFSET, "reserved bits set in 0x%02x", b8, 0, 0);
        }
        return OK;
    }

    int checkDeth(int at, int end) {
        int rc = need(at, Deth.SIZE, end, "DETH");
        if (rc != OK) {
            return rc;
        }
        int rsv = u8(buf, at + Deth.RSV_OFFSET);
        return rsv == 0 ? OK
                : fail(ERR_RESERVED, "DETH.rsv", at + Deth.RSV_OFFSET, "reserved byte is 0x%02x", rsv, 0, 0);
    }

    int checkAeth(int at, int end) {
        int rc = need(at, Aeth.SIZE, end, "AETH");
        if (rc != OK) {
            return rc;
        }
        int syndrome = u8(buf, at);
        return Aeth.isValidSyndrome(syndrome) ? OK
                : fail(ERR_RESERVED, "AETH.syndrome", at, "reserved syndrome 0x%02x", syndrome, 0, 0);
    }

    private int fail(int code, String field, int at, String format, int a, int b, int c) {
        errField = field;
        errFormat = format;
        errAt = at;
        errA = a;
        errB = b;
        errC = c;
        return code;
    }

    // ---- sealing

    /**
     * Computes and writes the ICRC, and the VCRC if {@code withVcrc}, into the last 6 bytes of the
     * {@code length}-byte packet at {@code offset} whose headers and payload are already written.
     * {@code scratch} may be null for a per-thread CRC32.
     */
    public static void sealCrcs(ByteBuffer buf, int offset, int length, CRC32 scratch, boolean withVcrc) {
        Crc.putIcrc(buf, offset + length - TRAILER, icrc(scratch, buf, offset, length - TRAILER));
        if (withVcrc) {
            resealVcrc(buf, offset, length);
        }
    }

    /** Recomputes only the VCRC, as a switch does after changing the VL. */
    public static void resealVcrc(ByteBuffer buf, int offset, int length) {
        Crc.putVcrc(buf, offset + length - Crc.VCRC_SIZE, Crc.vcrc(buf, offset, length - Crc.VCRC_SIZE));
    }

    private static int icrc(CRC32 scratch, ByteBuffer buf, int offset, int length) {
        return scratch == null ? Crc.icrc(buf, offset, length) : Crc.icrc(scratch, buf, offset, length);
    }
}
