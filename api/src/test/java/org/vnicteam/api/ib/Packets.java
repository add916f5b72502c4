package org.vnicteam.api.ib;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Random;

/** Sample packets and helpers shared by the tests. */
final class Packets {
    static final byte[] VECTOR_PAYLOAD = "HELLO-IB-UD-PAYLOAD!".getBytes(StandardCharsets.US_ASCII);
    static final int VECTOR_ICRC = 0xD0957F37;
    static final int VECTOR_VCRC = 0xEA92;
    /** The vector's fields in their documented positions, ICRC least significant byte first, VCRC most. */
    static final String VECTOR_HEX = "00020002000d0001" + "6400ffff00000050" + "00000001" + "8001000000000048"
            + HexFormat.of().formatHex(VECTOR_PAYLOAD) + "377f95d0" + "ea92";

    private Packets() {
    }

    static IbPacket.Builder vectorBuilder() {
        return IbPacket.builder().vl(0).sl(0).dlid(2).slid(1).opcode(Opcode.UD_SEND_ONLY).pkey(0xFFFF).destQp(0x50)
                .psn(1).deth(0x80010000, 0x48).payload(VECTOR_PAYLOAD);
    }

    /** A valid packet of the given opcode, with or without GRH, payload of {@code n} bytes. */
    static IbPacket.Builder sample(Opcode op, boolean withGrh, int n) {
        IbPacket.Builder b = IbPacket.builder().vl(1).sl(3).dlid(0x0012).slid(0x0034).opcode(op).pkey(0x8001)
                .destQp(0x12345).psn(0xFFFFFE).ackReq(op.isLast() || op.isOnly()).se(op.hasImmediate());
        if (withGrh) {
            b.grh(0xA5, 0xBCDEF, 64, 0xFE80_0000_0000_0000L, 0x0002_C903_0001_0001L, 0xFE80_0000_0000_0000L,
                    0x0002_C903_0001_0002L);
        }
        if (op.hasDeth()) {
            b.deth(0x80010000, 0x48);
        }
        if (op.hasAeth()) {
            b.aeth(Aeth.ack(0x000123));
        } else {
            b.payload(bytes(n, 7));
        }
        if (op.hasImmediate()) {
            b.immDt(0xCAFEF00D);
        }
        return b;
    }

    static byte[] bytes(int n, int seed) {
        byte[] p = new byte[n];
        new Random(seed).nextBytes(p);
        return p;
    }

    /** A random valid packet; opcode, GRH, fields and payload length all drawn from {@code r}. */
    static byte[] random(Random r) {
        Opcode[] ops = Opcode.values();
        Opcode op = ops[r.nextInt(ops.length)];
        IbPacket.Builder b = IbPacket.builder().vl(r.nextInt(16)).sl(r.nextInt(16)).dlid(r.nextInt(0x10000))
                .slid(r.nextInt(0x10000)).opcode(op).se(r.nextBoolean()).migReq(r.nextBoolean())
                .pkey(r.nextInt(0x10000)).fecn(r.nextBoolean()).becn(r.nextBoolean()).destQp(r.nextInt(0x1000000))
                .ackReq(r.nextBoolean()).psn(r.nextInt(0x1000000));
        if (r.nextBoolean()) {
            b.grh(r.nextInt(256), r.nextInt(0x100000), r.nextInt(256), r.nextLong(), r.nextLong(), r.nextLong(),
                    r.nextLong());
        }
        if (op.hasDeth()) {
            b.deth(r.nextInt(), r.nextInt(0x1000000));
        }
        if (op.hasAeth()) {
            int kind = r.nextInt(3);
            b.aeth(kind == 0 ? Aeth.ack(r.nextInt(0x1000000))
                    : kind == 1 ? Aeth.nak(r.nextInt(5), r.nextInt(0x1000000))
                            : Aeth.rnrNak(r.nextInt(32), r.nextInt(0x1000000)));
        } else {
            b.payload(bytes(r.nextInt(300), r.nextInt()));
        }
        if (op.hasImmediate()) {
            b.immDt(r.nextInt());
        }
        return b.toBytes();
    }

    static ByteBuffer buf(byte[] b) {
        return ByteBuffer.wrap(b);
    }

    static void seal(byte[] p) {
        IbPacketView.sealCrcs(buf(p), 0, p.length, null, true);
    }

    /** Hex as IbFormatException shows it: lower case, space separated. */
    static String hex(byte[] b, int from, int to) {
        return HexFormat.ofDelimiter(" ").formatHex(b, from, to);
    }
}
