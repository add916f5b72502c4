package org.vnicteam.api.ib;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class IbPacketRoundTripTest {
    static Stream<Arguments> opcodesWithAndWithoutGrh() {
        return Arrays.stream(Opcode.values())
                .flatMap(op -> Stream.of(Arguments.of(op, false, 0), Arguments.of(op, true, 1),
                        Arguments.of(op, false, 37), Arguments.of(op, true, 256)));
    }

    @ParameterizedTest(name = "{0} grh={1} payload={2}")
    @MethodSource("opcodesWithAndWithoutGrh")
    void givenBuiltPacket_whenParsed_thenEveryFieldComesBack(Opcode op, boolean withGrh, int n) {
        IbPacket.Builder builder = Packets.sample(op, withGrh, n);
        byte[] wire = builder.toBytes();

        IbPacket p = IbPacket.parse(wire);

        int payload = op.hasAeth() ? 0 : n, pad = -payload & 3;
        int headers = 8 + (withGrh ? 40 : 0) + 12 + op.extHeaderLength();
        assertEquals(headers + payload + pad + 6, wire.length);
        assertEquals(new Lrh(1, 3, withGrh ? 3 : 2, 0x12, (wire.length - 2) / 4, 0x34), p.lrh());
        assertEquals(new Bth(op, op.hasImmediate(), false, pad, 0x8001, false, false, 0x12345, op.isLast() || op.isOnly(),
                0xFFFFFE), p.bth());
        if (withGrh) {
            assertEquals(new Grh(0xA5, 0xBCDEF, wire.length - 50, 0x1B, 64, 0xFE80_0000_0000_0000L,
                    0x0002_C903_0001_0001L, 0xFE80_0000_0000_0000L, 0x0002_C903_0001_0002L), p.grh());
        } else {
            assertNull(p.grh());
        }
        assertEquals(op.hasDeth() ? new Deth(0x80010000, 0x48) : null, p.deth());
        assertEquals(op.hasAeth() ? Aeth.ack(0x123) : null, p.aeth());
        assertEquals(op.hasImmediate() ? new ImmDt(0xCAFEF00D) : null, p.immDt());
        assertArrayEquals(op.hasAeth() ? new byte[0] : Packets.bytes(n, 7), p.payloadBytes());
        assertTrue(p.payload().isReadOnly());
        assertEquals(payload, p.payload().remaining());
        for (int i = 0; i < pad; i++) {
            assertEquals(0, wire[headers + payload + i], "pad bytes are zero");
        }
        assertEquals(p, builder.build());
        assertArrayEquals(wire, p.toBytes());
    }

    @ParameterizedTest(name = "{0} grh={1} payload={2}")
    @MethodSource("opcodesWithAndWithoutGrh")
    void givenPacketAtOffsetInDirectBuffer_whenWrittenAndParsed_thenSameAsArray(Opcode op, boolean withGrh, int n) {
        IbPacket.Builder builder = Packets.sample(op, withGrh, n);
        ByteBuffer b = ByteBuffer.allocateDirect(builder.length() + 13);

        int len = builder.writeTo(b, 13);

        assertEquals(builder.length(), len);
        assertEquals(IbPacket.parse(builder.toBytes()), IbPacket.parse(b, 13, len));
        assertEquals(IbPacketView.OK, new IbPacketView().wrap(b, 13, len).check(null));
        assertEquals(0, b.position());
    }

    @Test
    void givenRcSendSequence_whenBuilt_thenOpcodesAndPsnsParse() {
        Opcode[] seq = {Opcode.RC_SEND_FIRST, Opcode.RC_SEND_MIDDLE, Opcode.RC_SEND_LAST};
        for (int i = 0; i < seq.length; i++) {
            IbPacket p = Packets.sample(seq[i], false, 256).psn(IbLimits.psnAdd(0xFFFFFF, i)).build();
            assertEquals(seq[i], p.opcode());
            assertEquals(IbLimits.psnAdd(0xFFFFFF, i), p.bth().psn());
        }
    }

    @Test
    void givenRcAck_whenBuilt_thenAethAndNoPayload() {
        IbPacket p = IbPacket.builder().dlid(1).slid(2).opcode(Opcode.RC_ACKNOWLEDGE).destQp(9).psn(77)
                .aeth(Aeth.nak(Aeth.NAK_PSN_SEQUENCE_ERROR, 41)).build();

        assertNotNull(p.aeth());
        assertTrue(p.aeth().isNak());
        assertEquals(41, p.aeth().msn());
        assertEquals(8 + 12 + 4 + 6, p.length());
        assertEquals(0, p.payloadLength());
    }

    @Test
    void givenInconsistentBuilder_whenBuilt_thenIllegalState() {
        assertThrows(IllegalStateException.class, () -> IbPacket.builder().toBytes());
        assertThrows(IllegalStateException.class, () -> IbPacket.builder().opcode(Opcode.UD_SEND_ONLY).toBytes());
        assertThrows(IllegalStateException.class,
                () -> IbPacket.builder().opcode(Opcode.RC_SEND_ONLY).deth(1, 1).toBytes());
        assertThrows(IllegalStateException.class,
                () -> IbPacket.builder().opcode(Opcode.RC_SEND_ONLY_IMM).toBytes());
        assertThrows(IllegalStateException.class, () -> IbPacket.builder().opcode(Opcode.RC_ACKNOWLEDGE)
                .aeth(Aeth.ack(0)).payload(new byte[1]).toBytes());
        assertThrows(IllegalStateException.class,
                () -> IbPacket.builder().opcode(Opcode.RC_SEND_ONLY).payload(new byte[8192]).toBytes());
    }

    @Test
    void givenByteBufferPayload_whenBuilt_thenRemainingBytesUsedAndPositionKept() {
        ByteBuffer src = ByteBuffer.wrap(new byte[] {1, 2, 3, 4, 5});
        src.position(2);

        IbPacket p = IbPacket.builder().opcode(Opcode.RC_SEND_ONLY).payload(src).build();

        assertArrayEquals(new byte[] {3, 4, 5}, p.payloadBytes());
        assertEquals(1, p.bth().padCnt());
        assertEquals(2, src.position());
    }
}
