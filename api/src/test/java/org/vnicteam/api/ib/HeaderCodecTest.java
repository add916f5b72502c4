package org.vnicteam.api.ib;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** Each header alone: bit positions, round trips, range checks and parse-time validation. */
class HeaderCodecTest {
    private static final int AT = 3; // odd offset: catches code that forgets the offset

    private static ByteBuffer buffer(int size) {
        // Little-endian order must not matter: the codecs assemble bytes themselves.
        return ByteBuffer.allocate(AT + size).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static String hex(ByteBuffer b, int size) {
        byte[] out = new byte[size];
        b.get(AT, out);
        return HexFormat.of().formatHex(out);
    }

    @Test
    void givenLrh_whenWrittenAndParsed_thenBitsAndFieldsRoundTrip() {
        Lrh lrh = new Lrh(0xA, 0x5, Lrh.LNH_GLOBAL, 0xBEEF, 0x7FF, 0x1234);
        ByteBuffer b = buffer(Lrh.SIZE);
        lrh.writeTo(b, AT);

        assertEquals("a053beef07ff1234", hex(b, Lrh.SIZE));
        assertEquals(lrh, Lrh.parse(b, AT));
        assertEquals(0, b.position());
    }

    @Test
    void givenGrh_whenWrittenAndParsed_thenBitsAndFieldsRoundTrip() {
        Grh grh = new Grh(0xAB, 0xCDEF1, 0x0102, Grh.NXT_HDR_IBA, 0x40, 0x1111222233334444L, 0x5555666677778888L,
                0x99990000AAAABBBBL, 0xCCCCDDDDEEEEFFFFL);
        ByteBuffer b = buffer(Grh.SIZE);
        grh.writeTo(b, AT);

        assertEquals("6abcdef101021b40" + "11112222333344445555666677778888" + "99990000aaaabbbbccccddddeeeeffff",
                hex(b, Grh.SIZE));
        assertEquals(grh, Grh.parse(b, AT));
        assertEquals(grh, Grh.of(0xAB, 0xCDEF1, 0x0102, 0x1B, 0x40, grh.sgid(), grh.dgid()));
    }

    @Test
    void givenBth_whenWrittenAndParsed_thenBitsAndFieldsRoundTrip() {
        Bth bth = new Bth(Opcode.RC_SEND_LAST_IMM, true, true, 3, 0x8001, true, true, 0xABCDEF, true, 0x123456);
        ByteBuffer b = buffer(Bth.SIZE);
        bth.writeTo(b, AT);

        assertEquals("03f08001c0abcdef80123456", hex(b, Bth.SIZE));
        assertEquals(bth, Bth.parse(b, AT));
    }

    @Test
    void givenDethAethImmDt_whenWrittenAndParsed_thenRoundTrip() {
        ByteBuffer b = buffer(16);
        new Deth(0x80010000, 0xFEDCBA).writeTo(b, AT);
        Aeth.nak(Aeth.NAK_REMOTE_ACCESS_ERROR, 0x00ABCD).writeTo(b, AT + 8);
        new ImmDt(0xDEADBEEF).writeTo(b, AT + 12);

        assertEquals("8001000000fedcba" + "6200abcd" + "deadbeef", hex(b, 16));
        assertEquals(new Deth(0x80010000, 0xFEDCBA), Deth.parse(b, AT));
        assertEquals(new Aeth(0x62, 0xABCD), Aeth.parse(b, AT + 8));
        assertEquals(new ImmDt(0xDEADBEEF), ImmDt.parse(b, AT + 12));
    }

    @Test
    void givenAethFactories_whenAsked_thenSyndromeKindsAreRight() {
        Aeth ack = Aeth.ack(5), nak = Aeth.nak(Aeth.NAK_INVALID_RD_REQUEST, 5), rnr = Aeth.rnrNak(14, 5);

        assertTrue(ack.isAck() && !ack.isNak() && !ack.isRnrNak());
        assertEquals(Aeth.CREDITS_UNLIMITED, ack.value());
        assertTrue(nak.isNak() && !nak.isAck());
        assertEquals(4, nak.nakCode());
        assertTrue(rnr.isRnrNak());
        assertEquals(14, rnr.value());
        assertThrows(IllegalArgumentException.class, () -> Aeth.nak(5, 0));
        assertThrows(IllegalArgumentException.class, () -> new Aeth(0x40, 0)); // 010: reserved
        assertThrows(IllegalArgumentException.class, () -> new Aeth(0x80, 0)); // 1xx: reserved
        assertFalse(Aeth.isValidSyndrome(0x65));
    }

    @Test
    void givenOutOfRangeFields_whenConstructedOrWritten_thenRejected() {
        ByteBuffer b = buffer(Grh.SIZE);
        assertThrows(IllegalArgumentException.class, () -> new Lrh(16, 0, 2, 1, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new Lrh(0, 0, 2, 0x10000, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new Lrh(0, 0, 2, 1, 0x800, 1));
        assertThrows(IllegalArgumentException.class, () -> new Grh(0, 0x100000, 0, 0x1B, 0, 0, 0, 0, 0));
        assertThrows(IllegalArgumentException.class,
                () -> new Bth(Opcode.RC_SEND_ONLY, false, false, 4, 0, false, false, 0, false, 0));
        assertThrows(IllegalArgumentException.class,
                () -> new Bth(Opcode.RC_SEND_ONLY, false, false, 0, 0, false, false, 0, false, 0x1000000));
        assertThrows(IllegalArgumentException.class, () -> new Deth(0, 0x1000000));
        assertThrows(IllegalArgumentException.class, () -> Bth.write(b, AT, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> Lrh.write(b, AT, 0, 0, 4, 0, 0, 0));
        assertThrows(IndexOutOfBoundsException.class, () -> Deth.write(b, Grh.SIZE - 4, 0, 0));
    }

    @Test
    void givenBadBits_whenHeaderParsed_thenFormatExceptionNamesField() {
        ByteBuffer b = buffer(Grh.SIZE);
        new Lrh(0, 0, 2, 1, 1, 1).writeTo(b, AT);
        b.put(AT, (byte) 0x01);
        assertField("LRH.lver", () -> Lrh.parse(b, AT));
        b.put(AT, (byte) 0).put(AT + 1, (byte) 0x06);
        assertField("LRH.rsv", () -> Lrh.parse(b, AT));
        b.put(AT + 1, (byte) 0x02).put(AT + 4, (byte) 0x08);
        assertField("LRH.rsv", () -> Lrh.parse(b, AT));

        new Grh(0, 0, 0, 0x1B, 0, 0, 0, 0, 0).writeTo(b, AT);
        b.put(AT, (byte) 0x40);
        assertField("GRH.ipVer", () -> Grh.parse(b, AT));

        Bth.write(b, AT, 0x04, 0, 0, 0, 0xFFFF, 0, 0, 1, 0, 1);
        b.put(AT + 1, (byte) 0x01);
        assertField("BTH.tver", () -> Bth.parse(b, AT));
        b.put(AT + 1, (byte) 0).put(AT, (byte) 0x1F);
        assertField("BTH.opcode", () -> Bth.parse(b, AT));
        b.put(AT, (byte) 0x04).put(AT + 4, (byte) 0x01);
        assertField("BTH.rsv", () -> Bth.parse(b, AT));
        b.put(AT + 4, (byte) 0).put(AT + 8, (byte) 0x40);
        assertField("BTH.rsv", () -> Bth.parse(b, AT));

        Deth.write(b, AT, 1, 1);
        b.put(AT + 4, (byte) 0x10);
        assertField("DETH.rsv", () -> Deth.parse(b, AT));

        Aeth.write(b, AT, 0x40, 1);
        assertField("AETH.syndrome", () -> Aeth.parse(b, AT));

        assertField("LRH", () -> Lrh.parse(b, AT + Grh.SIZE - 7));
        assertField("GRH", () -> Grh.parse(b, AT + 1));
        assertField("BTH", () -> Bth.parse(b, AT + Grh.SIZE - 11));
        assertField("DETH", () -> Deth.parse(b, AT + Grh.SIZE - 7));
        assertField("AETH", () -> Aeth.parse(b, AT + Grh.SIZE - 3));
        assertField("ImmDt", () -> ImmDt.parse(b, AT + Grh.SIZE - 3));
    }

    private static void assertField(String field, org.junit.jupiter.api.function.Executable parse) {
        IbFormatException e = assertThrows(IbFormatException.class, parse);
        assertEquals(field, e.field(), e.getMessage());
        assertTrue(e.getMessage().matches("(?s).* in \\[[0-9a-f]{2}( [0-9a-f]{2})*( \\.\\.\\.)?\\]"), e.getMessage());
    }
}
