package org.vnicteam.api.ib;

/**
 * BTH opcodes this stack sends and receives. The upper 3 bits of the code select the transport
 * (000 RC, 011 UD), the lower 5 the operation.
 */
public enum Opcode {
    RC_SEND_FIRST(0x00, F.FIRST | F.SEND),
    RC_SEND_MIDDLE(0x01, F.MIDDLE | F.SEND),
    RC_SEND_LAST(0x02, F.LAST | F.SEND),
    RC_SEND_LAST_IMM(0x03, F.LAST | F.SEND | F.IMM),
    RC_SEND_ONLY(0x04, F.ONLY | F.SEND),
    RC_SEND_ONLY_IMM(0x05, F.ONLY | F.SEND | F.IMM),
    RC_ACKNOWLEDGE(0x11, F.ACK | F.AETH),
    UD_SEND_ONLY(0x64, F.ONLY | F.SEND | F.DETH),
    UD_SEND_ONLY_IMM(0x65, F.ONLY | F.SEND | F.DETH | F.IMM);

    private static final Opcode[] BY_CODE = new Opcode[256];

    static {
        for (Opcode o : values()) {
            BY_CODE[o.code] = o;
        }
    }

    private final int code;
    private final int flags;
    private final int extLength;

    Opcode(int code, int flags) {
        this.code = code;
        this.flags = flags;
        this.extLength = ((flags & F.DETH) != 0 ? Deth.SIZE : 0) + ((flags & F.AETH) != 0 ? Aeth.SIZE : 0)
                + ((flags & F.IMM) != 0 ? ImmDt.SIZE : 0);
    }

    /** The 8-bit BTH OpCode. */
    public int code() {
        return code;
    }

    /** The opcode for {@code code}; throws for codes this stack does not know. */
    public static Opcode of(int code) {
        Opcode o = lookup(code);
        if (o == null) {
            throw new IbFormatException("BTH.opcode", String.format("unknown opcode 0x%02x", code), (byte[]) null, 0, 0);
        }
        return o;
    }

    /** The opcode for {@code code}, or null; for the hot path (no exception). */
    public static Opcode lookup(int code) {
        return (code & ~0xFF) == 0 ? BY_CODE[code] : null;
    }

    public boolean isRc() {
        return code >>> 5 == 0;
    }

    public boolean isUd() {
        return code >>> 5 == 3;
    }

    public boolean hasDeth() {
        return (flags & F.DETH) != 0;
    }

    public boolean hasAeth() {
        return (flags & F.AETH) != 0;
    }

    public boolean hasImmediate() {
        return (flags & F.IMM) != 0;
    }

    public boolean isFirst() {
        return (flags & F.FIRST) != 0;
    }

    public boolean isMiddle() {
        return (flags & F.MIDDLE) != 0;
    }

    public boolean isLast() {
        return (flags & F.LAST) != 0;
    }

    public boolean isOnly() {
        return (flags & F.ONLY) != 0;
    }

    public boolean isSend() {
        return (flags & F.SEND) != 0;
    }

    public boolean isAck() {
        return (flags & F.ACK) != 0;
    }

    /** Bytes of extended transport headers (DETH, AETH, ImmDt) between the BTH and the payload. */
    public int extHeaderLength() {
        return extLength;
    }

    // A nested holder because enum constants may not refer to the enum's own later static fields.
    private static final class F {
        static final int FIRST = 1, MIDDLE = 2, LAST = 4, ONLY = 8, SEND = 16, ACK = 32, DETH = 64, AETH = 128,
                IMM = 256;
    }
}
