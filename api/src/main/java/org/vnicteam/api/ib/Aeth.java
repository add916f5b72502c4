package org.vnicteam.api.ib;

import static org.vnicteam.api.ib.Bytes.put24;
import static org.vnicteam.api.ib.Bytes.range;
import static org.vnicteam.api.ib.Bytes.room;
import static org.vnicteam.api.ib.Bytes.u24;
import static org.vnicteam.api.ib.Bytes.u8;

import java.nio.ByteBuffer;

/**
 * ACK Extended Transport Header, 4 bytes, after the BTH of an RC acknowledge.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +---------------+-----------------------------------------------+
 * |    Syndrome   |                      MSN                      |  0
 * +---------------+-----------------------------------------------+
 * </pre>
 *
 * <p>Syndrome bits 7..5: 000 ACK (bits 4..0 = credit count), 001 RNR NAK (bits 4..0 = RNR timer),
 * 011 NAK (bits 4..0 = {@code NAK_*} code, 0..4); every other pattern, and NAK codes above 4, are
 * reserved and rejected.
 *
 * @param syndrome the syndrome byte
 * @param msn message sequence number, 0..0xFFFFFF
 */
public record Aeth(int syndrome, int msn) {
    public static final int SIZE = 4;
    public static final int SYNDROME_OFFSET = 0;
    public static final int SYNDROME_SIZE = 1;
    public static final int MSN_OFFSET = 1;
    public static final int MSN_SIZE = 3;

    public static final int NAK_PSN_SEQUENCE_ERROR = 0;
    public static final int NAK_INVALID_REQUEST = 1;
    public static final int NAK_REMOTE_ACCESS_ERROR = 2;
    public static final int NAK_REMOTE_OPERATIONAL_ERROR = 3;
    public static final int NAK_INVALID_RD_REQUEST = 4;
    /** Credit count of an ACK that carries no end-to-end credits (what Linux rxe sends). */
    public static final int CREDITS_UNLIMITED = 0x1F;

    private static final int KIND_ACK = 0, KIND_RNR_NAK = 1, KIND_NAK = 3;

    public Aeth {
        range("AETH.syndrome", syndrome, 0xFF);
        range("AETH.msn", msn, 0xFF_FFFF);
        if (!isValidSyndrome(syndrome)) {
            throw new IllegalArgumentException(String.format("AETH.syndrome reserved: 0x%02x", syndrome));
        }
    }

    /** An ACK of everything up to {@code msn}, without credits. */
    public static Aeth ack(int msn) {
        return new Aeth(KIND_ACK << 5 | CREDITS_UNLIMITED, msn);
    }

    /** A NAK with a {@code NAK_*} code. */
    public static Aeth nak(int code, int msn) {
        return new Aeth(KIND_NAK << 5 | range("AETH.nakCode", code, NAK_INVALID_RD_REQUEST), msn);
    }

    /** A receiver-not-ready NAK with the 5-bit encoded RNR timer. */
    public static Aeth rnrNak(int timer, int msn) {
        return new Aeth(KIND_RNR_NAK << 5 | range("AETH.rnrTimer", timer, 0x1F), msn);
    }

    /** Whether {@code syndrome} (0..255) is one of the defined encodings. */
    public static boolean isValidSyndrome(int syndrome) {
        return switch (syndrome >>> 5) {
            case KIND_ACK, KIND_RNR_NAK -> true;
            case KIND_NAK -> (syndrome & 0x1F) <= NAK_INVALID_RD_REQUEST;
            default -> false;
        };
    }

    public boolean isAck() {
        return syndrome >>> 5 == KIND_ACK;
    }

    public boolean isRnrNak() {
        return syndrome >>> 5 == KIND_RNR_NAK;
    }

    public boolean isNak() {
        return syndrome >>> 5 == KIND_NAK;
    }

    /** The {@code NAK_*} code; meaningful only when {@link #isNak()}. */
    public int nakCode() {
        return syndrome & 0x1F;
    }

    /** Credit count of an ACK, or the RNR timer of an RNR NAK. */
    public int value() {
        return syndrome & 0x1F;
    }

    /** Reads and validates (bounds, reserved syndromes) the AETH at {@code offset}. */
    public static Aeth parse(ByteBuffer buf, int offset) {
        IbPacketView v = IbPacketView.region(buf, offset);
        v.orThrow(v.checkAeth(offset, v.end()));
        return new Aeth(u8(buf, offset), u24(buf, offset + MSN_OFFSET));
    }

    public void writeTo(ByteBuffer buf, int offset) {
        write(buf, offset, syndrome, msn);
    }

    /** Writes an AETH without allocating; the syndrome is written as given (not checked for reserved values). */
    public static void write(ByteBuffer buf, int offset, int syndrome, int msn) {
        room(buf, offset, SIZE);
        buf.put(offset, (byte) range("AETH.syndrome", syndrome, 0xFF));
        put24(buf, offset + MSN_OFFSET, range("AETH.msn", msn, 0xFF_FFFF));
    }
}
