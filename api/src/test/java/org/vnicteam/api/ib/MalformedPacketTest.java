package org.vnicteam.api.ib;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.vnicteam.api.ib.IbPacketView.ERR_ICRC;
import static org.vnicteam.api.ib.IbPacketView.ERR_IPVER;
import static org.vnicteam.api.ib.IbPacketView.ERR_LENGTH;
import static org.vnicteam.api.ib.IbPacketView.ERR_LNH;
import static org.vnicteam.api.ib.IbPacketView.ERR_LVER;
import static org.vnicteam.api.ib.IbPacketView.ERR_NXTHDR;
import static org.vnicteam.api.ib.IbPacketView.ERR_OPCODE;
import static org.vnicteam.api.ib.IbPacketView.ERR_PADCNT;
import static org.vnicteam.api.ib.IbPacketView.ERR_RESERVED;
import static org.vnicteam.api.ib.IbPacketView.ERR_TRUNCATED;
import static org.vnicteam.api.ib.IbPacketView.ERR_TVER;
import static org.vnicteam.api.ib.IbPacketView.ERR_VCRC;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every way a packet can be malformed, through both {@link IbPacket#parse} (exception naming the
 * field, bytes in hex) and {@link IbPacketView#check} (the ERR_ code). Header mutations are
 * resealed so that the CRCs do not hide the problem under test.
 */
class MalformedPacketTest {
    private static final int GRH = 8, BTH = 8, BTH_G = 48, EXT = 20;

    static Stream<Arguments> malformed() {
        return Stream.of(
                // truncation at each header boundary, with PktLen and CRCs consistent with the cut
                of("shorter than LRH", Arrays.copyOf(ud(), 6), "LRH", ERR_TRUNCATED),
                of("cut after LRH", cut(ud(), 8), "BTH", ERR_TRUNCATED),
                of("cut after LRH, LNH 3", cut(grh(Opcode.UD_SEND_ONLY), 8), "GRH", ERR_TRUNCATED),
                of("cut after GRH", cut(grh(Opcode.UD_SEND_ONLY), 48), "BTH", ERR_TRUNCATED),
                of("cut after BTH of UD", cut(ud(), 20), "DETH", ERR_TRUNCATED),
                of("cut after BTH of ACK", cut(plain(Opcode.RC_ACKNOWLEDGE), 20), "AETH", ERR_TRUNCATED),
                of("cut after DETH of UD_IMM", cut(plain(Opcode.UD_SEND_ONLY_IMM), 28), "ImmDt", ERR_TRUNCATED),
                of("cut after BTH of SEND_LAST_IMM", cut(plain(Opcode.RC_SEND_LAST_IMM), 20), "ImmDt",
                        ERR_TRUNCATED),
                of("sliced without fixing PktLen", Arrays.copyOf(ud(), 40), "LRH.pktLen", ERR_LENGTH),
                // LRH
                of("PktLen one word long", mutate(ud(), p -> p[5]++), "LRH.pktLen", ERR_LENGTH),
                of("LVer 1", mutate(ud(), p -> p[0] |= 1), "LRH.lver", ERR_LVER),
                of("LRH reserved bits in byte 1", mutate(ud(), p -> p[1] |= 0x04), "LRH.rsv", ERR_RESERVED),
                of("LRH reserved bits in byte 4", mutate(ud(), p -> p[4] |= 0x80), "LRH.rsv", ERR_RESERVED),
                of("LNH 0 raw", mutate(ud(), p -> p[1] &= ~3), "LRH.lnh", ERR_LNH),
                of("LNH 1 raw IPv6", mutate(ud(), p -> p[1] = (byte) (p[1] & ~3 | 1)), "LRH.lnh", ERR_LNH),
                // GRH
                of("GRH IPVer 4", mutate(grh(Opcode.RC_SEND_ONLY), p -> p[GRH] = (byte) (p[GRH] & 0x0F | 0x40)),
                        "GRH.ipVer", ERR_IPVER),
                of("GRH NxtHdr not IBA", mutate(grh(Opcode.RC_SEND_ONLY), p -> p[GRH + 6] = 0x11), "GRH.nxtHdr",
                        ERR_NXTHDR),
                of("GRH PayLen wrong", mutate(grh(Opcode.RC_SEND_ONLY), p -> p[GRH + 5] += 4), "GRH.payLen",
                        ERR_LENGTH),
                // BTH
                of("unknown opcode", mutate(ud(), p -> p[BTH] = 0x1F), "BTH.opcode", ERR_OPCODE),
                of("unknown opcode behind GRH", mutate(grh(Opcode.RC_SEND_ONLY), p -> p[BTH_G] = (byte) 0xFF),
                        "BTH.opcode", ERR_OPCODE),
                of("TVer 1", mutate(ud(), p -> p[BTH + 1] |= 1), "BTH.tver", ERR_TVER),
                of("BTH reserved bits in byte 4", mutate(ud(), p -> p[BTH + 4] |= 0x20), "BTH.rsv", ERR_RESERVED),
                of("BTH reserved bits in byte 8", mutate(ud(), p -> p[BTH + 8] |= 0x01), "BTH.rsv", ERR_RESERVED),
                of("PadCnt beyond empty payload", mutate(plain(Opcode.RC_SEND_MIDDLE, 0), p -> p[BTH + 1] |= 0x20),
                        "BTH.padCnt", ERR_PADCNT),
                of("PadCnt on an ACK", mutate(plain(Opcode.RC_ACKNOWLEDGE), p -> p[BTH + 1] |= 0x10), "BTH.padCnt",
                        ERR_PADCNT),
                // extended headers
                of("DETH reserved byte", mutate(ud(), p -> p[EXT + 4] = 1), "DETH.rsv", ERR_RESERVED),
                of("AETH syndrome 010", mutate(plain(Opcode.RC_ACKNOWLEDGE), p -> p[EXT] = 0x40), "AETH.syndrome",
                        ERR_RESERVED),
                of("AETH NAK code 5", mutate(plain(Opcode.RC_ACKNOWLEDGE), p -> p[EXT] = 0x65), "AETH.syndrome",
                        ERR_RESERVED),
                // CRCs
                of("payload bit flipped, VCRC regenerated", flipPayloadKeepVcrc(ud()), "ICRC", ERR_ICRC),
                of("payload bit flipped on the link", raw(ud(), p -> p[30] ^= 4), "VCRC", ERR_VCRC),
                of("VCRC bit flipped", raw(ud(), p -> p[p.length - 1] ^= 1), "VCRC", ERR_VCRC),
                of("ICRC bit flipped, VCRC regenerated", raw(ud(), p -> {
                    p[p.length - 6] ^= 0x80;
                    IbPacketView.resealVcrc(ByteBuffer.wrap(p), 0, p.length);
                }), "ICRC", ERR_ICRC));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void givenMalformedPacket_whenParsed_thenExceptionNamesFieldAndShowsHex(String name, byte[] p, String field,
            int err) {
        IbFormatException e = assertThrows(IbFormatException.class, () -> IbPacket.parse(p));

        assertEquals(field, e.field(), e.getMessage());
        assertTrue(e.getMessage().startsWith(field + ": "), e.getMessage());
        assertTrue(e.getMessage().contains("[" + Packets.hex(p, 0, Math.min(p.length, 64))), e.getMessage());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void givenMalformedPacket_whenChecked_thenErrCodeAndSameDescription(String name, byte[] p, String field,
            int err) {
        ByteBuffer b = ByteBuffer.allocate(p.length + 5).put(5, p);
        IbPacketView v = new IbPacketView().wrap(b, 5, p.length);

        assertEquals(err, v.check(null));
        assertEquals(field, v.describeError().field());
        IbFormatException e = assertThrows(IbFormatException.class, () -> v.validate(null));
        assertEquals(assertThrows(IbFormatException.class, () -> IbPacket.parse(p)).getMessage(), e.getMessage());
    }

    private static Arguments of(String name, byte[] packet, String field, int err) {
        return Arguments.of(name, packet, field, err);
    }

    private static byte[] ud() {
        return Packets.vectorBuilder().toBytes();
    }

    private static byte[] plain(Opcode op) {
        return plain(op, 9);
    }

    private static byte[] plain(Opcode op, int payload) {
        return Packets.sample(op, false, payload).toBytes();
    }

    private static byte[] grh(Opcode op) {
        return Packets.sample(op, true, 9).toBytes();
    }

    /** Mutates a header and reseals both CRCs, so only the mutation is wrong. */
    private static byte[] mutate(byte[] p, Consumer<byte[]> change) {
        change.accept(p);
        Packets.seal(p);
        return p;
    }

    /** Mutates without resealing. */
    private static byte[] raw(byte[] p, Consumer<byte[]> change) {
        change.accept(p);
        return p;
    }

    private static byte[] flipPayloadKeepVcrc(byte[] p) {
        p[30] ^= 4;
        IbPacketView.resealVcrc(ByteBuffer.wrap(p), 0, p.length);
        return p;
    }

    /** The first {@code cut} bytes plus a trailer, with PktLen (and GRH PayLen) and VCRC made to fit. */
    private static byte[] cut(byte[] valid, int cut) {
        byte[] p = Arrays.copyOf(valid, cut + 6);
        ByteBuffer b = ByteBuffer.wrap(p);
        b.putShort(Lrh.PKT_LEN_OFFSET, (short) ((cut + 4) / 4));
        if ((p[1] & 3) == Lrh.LNH_GLOBAL && cut >= 48) {
            b.putShort(GRH + Grh.PAY_LEN_OFFSET, (short) (cut + 6 - 48 - 2));
        }
        IbPacketView.resealVcrc(b, 0, p.length);
        return p;
    }
}
