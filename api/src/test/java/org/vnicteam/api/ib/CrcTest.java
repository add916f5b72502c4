package org.vnicteam.api.ib;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.vnicteam.api.ib.Packets.VECTOR_HEX;
import static org.vnicteam.api.ib.Packets.VECTOR_ICRC;
import static org.vnicteam.api.ib.Packets.VECTOR_PAYLOAD;
import static org.vnicteam.api.ib.Packets.VECTOR_VCRC;

import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;

/** The external UD SEND-only vector: ICRC 0xD0957F37, VCRC 0xEA92. */
class CrcTest {
    private static final byte[] VECTOR = HexFormat.of().parseHex(VECTOR_HEX);

    @Test
    void givenUdPacket_whenBuilt_thenIcrcAndVcrcMatchVector() {
        byte[] wire = Packets.vectorBuilder().toBytes();

        assertEquals(52 + 2, wire.length);
        assertEquals(VECTOR_ICRC, Crc.getIcrc(ByteBuffer.wrap(wire), 48));
        assertEquals(VECTOR_VCRC, Crc.getVcrc(ByteBuffer.wrap(wire), 52));
        assertEquals(VECTOR_HEX, HexFormat.of().formatHex(wire));
    }

    @Test
    void givenUdPacket_whenSealedAfterStaticWriters_thenIcrcMatchesVector() {
        ByteBuffer b = ByteBuffer.allocateDirect(64 + 54); // direct: exercises the chunked CRC32 feed
        int off = 64;
        Lrh.write(b, off, 0, 0, Lrh.LNH_LOCAL, 2, 13, 1);
        Bth.write(b, off + 8, 0x64, 0, 0, 0, 0xFFFF, 0, 0, 0x50, 0, 1);
        Deth.write(b, off + 20, 0x80010000, 0x48);
        b.put(off + 28, VECTOR_PAYLOAD);

        IbPacketView.sealCrcs(b, off, 54, new CRC32(), true);

        byte[] wire = new byte[54];
        b.get(off, wire);
        assertArrayEquals(VECTOR, wire);
        assertEquals(VECTOR_ICRC, Crc.icrc(b, off, 48));
        assertEquals(VECTOR_VCRC, Crc.vcrc(b, off, 52));
        assertEquals(0, b.position());
    }

    @Test
    void givenVectorBytes_whenParsed_thenFieldsAndCrcsComeBack() {
        IbPacket p = IbPacket.parse(VECTOR);

        assertEquals(new Lrh(0, 0, 2, 2, 13, 1), p.lrh());
        assertEquals(new Bth(Opcode.UD_SEND_ONLY, false, false, 0, 0xFFFF, false, false, 0x50, false, 1), p.bth());
        assertEquals(new Deth(0x80010000, 0x48), p.deth());
        assertArrayEquals(VECTOR_PAYLOAD, p.payloadBytes());
        assertEquals(VECTOR_ICRC, p.icrc());
        assertEquals(VECTOR_VCRC, p.vcrc());
        assertEquals(p, Packets.vectorBuilder().build());
    }

    @Test
    void givenReadOnlyBuffer_whenIcrcComputed_thenSameAsHeap() {
        ByteBuffer ro = ByteBuffer.wrap(VECTOR).asReadOnlyBuffer();
        assertEquals(VECTOR_ICRC, Crc.icrc(new CRC32(), ro, 0, 48));
    }

    @Test
    void givenVariantFieldsChanged_whenIcrcComputed_thenUnchangedButVcrcChanges() {
        byte[] p = VECTOR.clone();
        p[0] = (byte) 0xF0; // VL 15
        p[8 + Bth.FECN_BECN_OFFSET] = (byte) 0xC0; // FECN, BECN
        ByteBuffer b = ByteBuffer.wrap(p);

        assertEquals(VECTOR_ICRC, Crc.icrc(b, 0, 48));
        assertNotEquals(VECTOR_VCRC, Crc.vcrc(b, 0, 52));
    }

    @Test
    void givenGrhVariantFieldsChanged_whenIcrcComputed_thenUnchanged() {
        byte[] a = Packets.sample(Opcode.RC_SEND_ONLY, true, 10).toBytes();
        byte[] b = a.clone();
        b[8] = (byte) (b[8] | 0x0F); // TClass high nibble
        b[9] = (byte) 0x77; // TClass low nibble, FlowLabel
        b[10] = 1;
        b[11] = 2;
        b[15] = 9; // HopLmt
        assertEquals(Crc.icrc(ByteBuffer.wrap(a), 0, a.length - 6), Crc.icrc(ByteBuffer.wrap(b), 0, b.length - 6));

        b[12] ^= 1; // PayLen is invariant
        assertNotEquals(Crc.icrc(ByteBuffer.wrap(a), 0, a.length - 6), Crc.icrc(ByteBuffer.wrap(b), 0, b.length - 6));
    }

    @Test
    void givenIcrcAndVcrc_whenPut_thenByteOrderIsLsbFirstAndMsbFirst() {
        ByteBuffer b = ByteBuffer.allocate(6);
        Crc.putIcrc(b, 0, 0x11223344);
        Crc.putVcrc(b, 4, 0xAABB);

        assertEquals("44332211aabb", HexFormat.of().formatHex(b.array()));
        assertEquals(0x11223344, Crc.getIcrc(b, 0));
        assertEquals(0xAABB, Crc.getVcrc(b, 4));
    }

    @Test
    void givenAnyLengthAndOffset_whenVcrcIsSliced_thenItEqualsTheBitwiseDefinition() {
        java.util.Random r = new java.util.Random(11);
        byte[] data = new byte[300];
        r.nextBytes(data);
        java.nio.ByteBuffer heap = java.nio.ByteBuffer.wrap(data);
        java.nio.ByteBuffer direct = java.nio.ByteBuffer.allocateDirect(data.length).put(data).clear();
        for (int off = 0; off < 9; off++) {
            for (int len = 0; len + off <= 120; len++) {
                int expected = bitwiseVcrc(data, off, len);
                org.junit.jupiter.api.Assertions.assertEquals(expected, Crc.vcrc(heap, off, len), off + "+" + len);
                org.junit.jupiter.api.Assertions.assertEquals(expected, Crc.vcrc(direct, off, len), off + "+" + len);
            }
        }
    }

    /** CRC-16, polynomial 0x100B reflected (0xD008), init 0xFFFF, inverted: one bit at a time. */
    private static int bitwiseVcrc(byte[] d, int off, int len) {
        int c = 0xFFFF;
        for (int i = off; i < off + len; i++) {
            c ^= d[i] & 0xFF;
            for (int k = 0; k < 8; k++) {
                c = (c & 1) != 0 ? c >>> 1 ^ 0xD008 : c >>> 1;
            }
        }
        return ~c & 0xFFFF;
    }
}
