package org.vnicteam.api.eoib;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ControlMessageTest {

    static final byte[] MAC = { 0x02, 0, 0, 0, 0, 0x0A };

    static Stream<ControlMessage> everyMessage() {
        return Stream.of(
                new ControlMessage.Login(0x0002C90300000001L, 0x10, 0x11, 100, 200, 1000, 1518, "vnicA"),
                new ControlMessage.LoginAck(0x0002C90300000002L, 0x12, 0x13, 300, 400, MAC, 1500,
                        ControlMessage.LoginAck.CAP_VLAN | ControlMessage.LoginAck.CAP_STATS, true, "bridgeA"),
                new ControlMessage.LoginReject(ControlMessage.LoginReject.BUSY, "already serving a host"),
                new ControlMessage.Keepalive(123456789L),
                new ControlMessage.KeepaliveAck(123456789L, 42, false),
                new ControlMessage.LinkStatus(false, ControlMessage.LinkStatus.CAUSE_CARRIER, 41, 3, 987654321L),
                new ControlMessage.ConfigAddresses(MAC, List.of(0, 1, 2, 4094)),
                new ControlMessage.ConfigAck(ControlMessage.ConfigAck.OK),
                ControlMessage.StatsRequest.INSTANCE,
                new ControlMessage.StatsReport(1, 2, 3, 4, 5, 6, 7, 8, 9, 10),
                new ControlMessage.Reset(ControlMessage.Reset.SHUTDOWN));
    }

    @ParameterizedTest
    @MethodSource("everyMessage")
    void givenAMessage_whenEncodedAndDecoded_thenItIsEqualWithItsHeader(ControlMessage m) throws Exception {
        byte[] bytes = m.toBytes(0x55, 7);
        ControlMessage.Decoded d = ControlMessage.decode(ByteBuffer.wrap(bytes), 0, bytes.length);
        assertEquals(m, d.message());
        assertEquals(m.type(), d.header().type());
        assertEquals(0x55, d.header().session());
        assertEquals(7, d.header().sequence());
        assertEquals(bytes.length, d.header().length());
    }

    @ParameterizedTest
    @MethodSource("everyMessage")
    void givenAMessageAtAnOffset_whenDecoded_thenTheOffsetIsHonoured(ControlMessage m) throws Exception {
        ByteBuffer b = ByteBuffer.allocate(300);
        int len = m.encode(b, 37, 9, 9);
        assertEquals(m, ControlMessage.decode(b, 37, len).message());
    }

    @ParameterizedTest
    @MethodSource("everyMessage")
    void givenATruncatedMessage_thenItIsRejected(ControlMessage m) {
        byte[] bytes = m.toBytes(1, 1);
        for (int cut = 1; cut <= bytes.length; cut++) {
            byte[] shorter = Arrays.copyOf(bytes, bytes.length - cut);
            // the length field still says the full length: a short read
            ProtocolException e = assertThrows(ProtocolException.class,
                    () -> ControlMessage.decode(ByteBuffer.wrap(shorter), 0, shorter.length));
            assertTrue(e.reason() == ProtocolException.Cause.TRUNCATED
                    || e.reason() == ProtocolException.Cause.BAD_LENGTH, e.getMessage());
        }
    }

    @ParameterizedTest
    @MethodSource("everyMessage")
    void givenAConsistentButTooShortBody_thenTheBodyIsRejectedByName(ControlMessage m) {
        if (m.bodyLength() == 0) {
            return;
        }
        byte[] bytes = Arrays.copyOf(m.toBytes(1, 1), MessageHeader.SIZE + m.bodyLength() - 1);
        ByteBuffer.wrap(bytes).putShort(MessageHeader.LENGTH_OFFSET, (short) bytes.length);
        ProtocolException e = assertThrows(ProtocolException.class,
                () -> ControlMessage.decode(ByteBuffer.wrap(bytes), 0, bytes.length));
        assertTrue(e.getMessage().contains(m.type().name()) || e.field().startsWith(m.type().name()),
                e.getMessage());
        assertTrue(e.getMessage().contains("["), "shows the bytes: " + e.getMessage());
    }

    @ParameterizedTest
    @MethodSource("everyMessage")
    void givenAWrongLengthField_thenBadLength(ControlMessage m) {
        byte[] bytes = m.toBytes(1, 1);
        ByteBuffer.wrap(bytes).putShort(MessageHeader.LENGTH_OFFSET, (short) (bytes.length + 4));
        ProtocolException e = assertThrows(ProtocolException.class,
                () -> ControlMessage.decode(ByteBuffer.wrap(bytes), 0, bytes.length));
        assertEquals(ProtocolException.Cause.BAD_LENGTH, e.reason());
        assertEquals("header.length", e.field());
    }

    @ParameterizedTest
    @MethodSource("everyMessage")
    void givenAnotherVersion_thenBadVersion(ControlMessage m) {
        byte[] bytes = m.toBytes(1, 1);
        bytes[0] = 2;
        ProtocolException e = assertThrows(ProtocolException.class,
                () -> ControlMessage.decode(ByteBuffer.wrap(bytes), 0, bytes.length));
        assertEquals(ProtocolException.Cause.BAD_VERSION, e.reason());
        assertTrue(e.getMessage().contains("[02 "), e.getMessage());
    }

    @ParameterizedTest
    @MethodSource("everyMessage")
    void givenAStaleSession_thenTheSessionGuardRejectsIt(ControlMessage m) throws Exception {
        Session s = new Session(0x55, 4, 0x10, 0x11);
        byte[] bytes = m.toBytes(0x54, 1);
        MessageHeader h = ControlMessage.decode(ByteBuffer.wrap(bytes), 0, bytes.length).header();
        assertEquals(ProtocolException.Cause.WRONG_SESSION, s.check(4, 0x10, h.session()));
        assertEquals(ProtocolException.Cause.WRONG_PEER, s.check(5, 0x10, 0x55), "another node");
        assertEquals(ProtocolException.Cause.WRONG_PEER, s.check(4, 0x99, 0x55), "another QP");
        assertNull(s.check(4, 0x11, 0x55));
    }

    @Test
    void givenUnknownTypeReservedBytesOrFlags_thenEachIsRejectedWithItsCause() {
        byte[] ok = new ControlMessage.Reset(1).toBytes(1, 1);
        byte[] type = ok.clone();
        type[1] = 0x7F;
        assertEquals(ProtocolException.Cause.UNKNOWN_TYPE, reject(type).reason());
        byte[] reserved = ok.clone();
        reserved[7] = 1;
        assertEquals(ProtocolException.Cause.RESERVED_NOT_ZERO, reject(reserved).reason());
        byte[] flags = ok.clone();
        flags[3] = 1;
        assertEquals(ProtocolException.Cause.RESERVED_NOT_ZERO, reject(flags).reason());
        byte[] bodyReserved = ok.clone();
        bodyReserved[18] = 1;
        assertEquals("RESET.reserved", reject(bodyReserved).field());
        byte[] data = ok.clone();
        data[1] = (byte) MessageType.DATA.code();
        assertEquals(ProtocolException.Cause.UNEXPECTED_TYPE, reject(data).reason());
    }

    @Test
    void givenBadFieldValues_thenTheFieldIsNamed() {
        byte[] login = new ControlMessage.Login(1, 0x10, 0x11, 0, 0, 1000, 1518, "v").toBytes(0, 1);
        ByteBuffer.wrap(login).putInt(MessageHeader.SIZE + 8, 0x1000000); // QPN beyond 24 bits
        assertEquals("LOGIN.controlQpn", reject(login).field());

        byte[] status = new ControlMessage.LinkStatus(true, 0, 1, 1, 1).toBytes(1, 1);
        status[MessageHeader.SIZE] = 2; // a boolean that is neither 0 nor 1
        assertEquals("LINK_STATUS.linkUp", reject(status).field());

        byte[] config = new ControlMessage.ConfigAddresses(MAC, List.of(1)).toBytes(1, 1);
        ByteBuffer.wrap(config).putShort(MessageHeader.SIZE + 8, (short) 4095);
        assertEquals("CONFIG_ADDRESSES.vlan", reject(config).field());

        byte[] name = new ControlMessage.Login(1, 0x10, 0x11, 0, 0, 1000, 1518, "abc").toBytes(0, 1);
        name[MessageHeader.SIZE + 30] = 2; // name length disagrees with the body
        assertEquals(ProtocolException.Cause.BAD_LENGTH, reject(name).reason());
    }

    @Test
    void givenADataMessage_thenTheHotPathCheckAcceptsOnlyItsSession() {
        ByteBuffer b = ByteBuffer.allocate(100);
        int len = DataMessage.writeHeader(b, 0, 0x77, 5, 60);
        assertNull(DataMessage.check(b, 0, len, 0x77));
        assertEquals(ProtocolException.Cause.WRONG_SESSION, DataMessage.check(b, 0, len, 0x78));
        assertEquals(ProtocolException.Cause.BAD_LENGTH, DataMessage.check(b, 0, len - 1, 0x77));
        ByteBuffer runt = ByteBuffer.allocate(30);
        int rl = DataMessage.writeHeader(runt, 0, 0x77, 5, 10);
        assertEquals(ProtocolException.Cause.TRUNCATED, DataMessage.check(runt, 0, rl, 0x77));
        b.put(0, (byte) 9);
        assertEquals(ProtocolException.Cause.BAD_VERSION, DataMessage.check(b, 0, len, 0x77));
    }

    @Test
    void givenRejects_thenTheyAreCountedByCause() {
        RejectCounters c = new RejectCounters();
        c.count(ProtocolException.Cause.WRONG_SESSION);
        c.count(ProtocolException.Cause.WRONG_SESSION);
        c.count(ProtocolException.Cause.TRUNCATED);
        assertEquals(2, c.get(ProtocolException.Cause.WRONG_SESSION));
        assertEquals(3, c.total());
        assertEquals(2, c.snapshot().size());
    }

    private static ProtocolException reject(byte[] bytes) {
        return assertThrows(ProtocolException.class,
                () -> ControlMessage.decode(ByteBuffer.wrap(bytes), 0, bytes.length));
    }
}
