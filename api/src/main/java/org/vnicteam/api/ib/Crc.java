package org.vnicteam.api.ib;

import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.zip.CRC32;

/**
 * The two InfiniBand packet CRCs.
 *
 * <ul>
 * <li>ICRC (invariant, end to end): CRC-32 as {@link CRC32} computes it (Ethernet polynomial, init
 * all ones, result inverted) over the packet from the first byte of the LRH up to the ICRC, with
 * the fields a switch or router may change taken as all ones: LRH VL, BTH byte 4 (FECN/BECN,
 * Resv8a in IBA 1.0a) and, when LRH.LNH = 3, GRH TClass, FlowLabel and HopLmt. On the wire least
 * significant byte first, as Linux rxe and scapy send it.
 * <li>VCRC (variant, per link): CRC-16, polynomial 0x100B (reflected 0xD008), init 0xFFFF, result
 * inverted, over the LRH through the ICRC. On the wire most significant byte first.
 * </ul>
 *
 * <p>Nothing here allocates per call: the ICRC is fed to {@link CRC32} in pieces straight from the
 * buffer (through a per-thread chunk when the buffer has no accessible array).
 */
public final class Crc {
    public static final int ICRC_SIZE = 4;
    public static final int VCRC_SIZE = 2;

    private static final ThreadLocal<CRC32> CRC32S = ThreadLocal.withInitial(CRC32::new);
    private static final ThreadLocal<byte[]> CHUNKS = ThreadLocal.withInitial(() -> new byte[512]);
    private static final char[] CRC16_TABLE = new char[256];
    /**
     * Slicing-by-8 tables: {@code SLICES[k][i]} is the CRC-16 register after byte {@code i}
     * followed by {@code k} zero bytes, so eight bytes fold in with eight lookups instead of a
     * chain of eight dependent ones.
     */
    private static final char[][] SLICES = new char[8][256];

    static {
        for (int i = 0; i < 256; i++) {
            int c = i;
            for (int k = 0; k < 8; k++) {
                c = (c & 1) != 0 ? c >>> 1 ^ 0xD008 : c >>> 1;
            }
            CRC16_TABLE[i] = (char) c;
        }
        SLICES[0] = CRC16_TABLE;
        for (int k = 1; k < 8; k++) {
            for (int i = 0; i < 256; i++) {
                int prev = SLICES[k - 1][i];
                SLICES[k][i] = (char) (prev >>> 8 ^ CRC16_TABLE[prev & 0xFF]);
            }
        }
    }

    private Crc() {
    }

    /** The ICRC of the packet at {@code offset}, using a per-thread {@link CRC32}. */
    public static int icrc(ByteBuffer buf, int offset, int lengthUpToIcrc) {
        return icrc(CRC32S.get(), buf, offset, lengthUpToIcrc);
    }

    /**
     * The ICRC of the packet at {@code offset} whose LRH..payload..pad span {@code lengthUpToIcrc}
     * bytes; {@code crc} is scratch and is reset first.
     */
    public static int icrc(CRC32 crc, ByteBuffer buf, int offset, int lengthUpToIcrc) {
        Objects.checkFromIndexSize(offset, lengthUpToIcrc, buf.limit());
        boolean global = (buf.get(offset + 1) & 3) == Lrh.LNH_GLOBAL;
        int bth = offset + Lrh.SIZE + (global ? Grh.SIZE : 0);
        if (lengthUpToIcrc < bth - offset + Bth.SIZE) {
            throw new IllegalArgumentException("ICRC needs at least LRH" + (global ? ", GRH" : "") + " and BTH: "
                    + lengthUpToIcrc + " bytes");
        }
        crc.reset();
        crc.update(buf.get(offset) | 0xF0); // VL
        feed(crc, buf, offset + 1, Lrh.SIZE - 1);
        if (global) {
            int grh = offset + Lrh.SIZE;
            crc.update(buf.get(grh) | 0x0F); // IPVer kept, TClass high nibble masked
            ones(crc, 3); // TClass low nibble, FlowLabel
            feed(crc, buf, grh + Grh.PAY_LEN_OFFSET, Grh.PAY_LEN_SIZE + Grh.NXT_HDR_SIZE);
            ones(crc, 1); // HopLmt
            feed(crc, buf, grh + Grh.SGID_OFFSET, Grh.SGID_SIZE + Grh.DGID_SIZE);
        }
        feed(crc, buf, bth, Bth.FECN_BECN_OFFSET);
        ones(crc, 1); // FECN, BECN, reserved
        int rest = bth + Bth.FECN_BECN_OFFSET + 1;
        feed(crc, buf, rest, offset + lengthUpToIcrc - rest);
        return (int) crc.getValue();
    }

    private static void ones(CRC32 crc, int n) {
        for (int i = 0; i < n; i++) {
            crc.update(0xFF);
        }
    }

    private static void feed(CRC32 crc, ByteBuffer buf, int from, int len) {
        if (buf.hasArray()) {
            crc.update(buf.array(), buf.arrayOffset() + from, len);
            return;
        }
        byte[] chunk = CHUNKS.get();
        while (len > 0) {
            int n = Math.min(len, chunk.length);
            buf.get(from, chunk, 0, n);
            crc.update(chunk, 0, n);
            from += n;
            len -= n;
        }
    }

    /** Writes the ICRC at {@code offset}, least significant byte first. */
    public static void putIcrc(ByteBuffer buf, int offset, int icrc) {
        Bytes.room(buf, offset, ICRC_SIZE);
        for (int i = 0; i < ICRC_SIZE; i++) {
            buf.put(offset + i, (byte) (icrc >>> 8 * i));
        }
    }

    /** Reads the ICRC at {@code offset}, least significant byte first. */
    public static int getIcrc(ByteBuffer buf, int offset) {
        return Integer.reverseBytes(Bytes.i32(buf, offset));
    }

    /** The VCRC (0..0xFFFF) over {@code length} bytes at {@code offset}: LRH through ICRC. */
    public static int vcrc(ByteBuffer buf, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, buf.limit());
        int c = 0xFFFF;
        int i = offset;
        int end = offset + length;
        if (buf.hasArray()) {
            byte[] a = buf.array();
            int base = buf.arrayOffset();
            char[] t0 = SLICES[0], t1 = SLICES[1], t2 = SLICES[2], t3 = SLICES[3];
            char[] t4 = SLICES[4], t5 = SLICES[5], t6 = SLICES[6], t7 = SLICES[7];
            for (; i + 8 <= end; i += 8) {
                int j = base + i;
                int x = c ^ (a[j] & 0xFF | (a[j + 1] & 0xFF) << 8);
                c = t7[x & 0xFF] ^ t6[x >>> 8] ^ t5[a[j + 2] & 0xFF] ^ t4[a[j + 3] & 0xFF] ^ t3[a[j + 4] & 0xFF]
                        ^ t2[a[j + 5] & 0xFF] ^ t1[a[j + 6] & 0xFF] ^ t0[a[j + 7] & 0xFF];
            }
        }
        for (; i < end; i++) {
            c = c >>> 8 ^ CRC16_TABLE[(c ^ buf.get(i)) & 0xFF];
        }
        return ~c & 0xFFFF;
    }

    /** Writes the VCRC at {@code offset}, most significant byte first. */
    public static void putVcrc(ByteBuffer buf, int offset, int vcrc) {
        Bytes.room(buf, offset, VCRC_SIZE);
        Bytes.put16(buf, offset, vcrc);
    }

    /** Reads the VCRC at {@code offset}, most significant byte first. */
    public static int getVcrc(ByteBuffer buf, int offset) {
        return Bytes.u16(buf, offset);
    }
}
