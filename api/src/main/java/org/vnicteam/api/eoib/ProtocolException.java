package org.vnicteam.api.eoib;

import java.nio.ByteBuffer;

/** A message that breaks the protocol: the cause to count, the field, and the bytes in hex. */
public class ProtocolException extends Exception {

    private static final long serialVersionUID = 1L;
    private static final int HEX_LIMIT = 64;

    /** Why a message was rejected; receivers count rejects per cause. */
    public enum Cause {
        TRUNCATED, BAD_LENGTH, BAD_VERSION, UNKNOWN_TYPE, RESERVED_NOT_ZERO, BAD_FIELD, WRONG_SESSION, WRONG_PEER,
        UNEXPECTED_TYPE
    }

    private final Cause cause;
    private final String field;

    public ProtocolException(Cause cause, String field, String problem, ByteBuffer data, int offset, int length) {
        super(field + ": " + problem + " in " + hex(data, offset, length));
        this.cause = cause;
        this.field = field;
    }

    public ProtocolException(Cause cause, String field, String problem) {
        super(field + ": " + problem);
        this.cause = cause;
        this.field = field;
    }

    public Cause reason() {
        return cause;
    }

    public String field() {
        return field;
    }

    static String hex(ByteBuffer b, int offset, int length) {
        int n = Math.max(0, Math.min(length, Math.min(HEX_LIMIT, b.limit() - offset)));
        StringBuilder s = new StringBuilder("[");
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                s.append(' ');
            }
            s.append(String.format("%02x", b.get(offset + i) & 0xFF));
        }
        if (length > n) {
            s.append(" ... (").append(length).append(" bytes)");
        }
        return s.append(']').toString();
    }
}
