package org.vnicteam.api.ib;

import java.nio.ByteBuffer;

/**
 * Malformed InfiniBand data. The message names the field (for example {@code "BTH.opcode"}) and
 * shows up to the first {@value #HEX_LIMIT} bytes of the packet in hex, for example
 * {@code "BTH.opcode: unknown opcode 0x1f at offset 8 in [f0 12 ...]"}.
 *
 * <p>{@code data[offset, offset + length)} is the packet (or, for a lone header, the bytes from
 * the header on); {@code at} is the position of the offending field relative to {@code offset},
 * or -1 when not known.
 */
public class IbFormatException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /** How many bytes of the packet the message shows. */
    public static final int HEX_LIMIT = 64;

    private final String field;
    private final int at;

    public IbFormatException(String field, String problem, byte[] data, int offset, int length) {
        this(field, problem, data, offset, length, -1);
    }

    public IbFormatException(String field, String problem, byte[] data, int offset, int length, int at) {
        this(field, problem, data == null ? null : ByteBuffer.wrap(data), offset, length, at);
    }

    public IbFormatException(String field, String problem, ByteBuffer data, int offset, int length) {
        this(field, problem, data, offset, length, -1);
    }

    public IbFormatException(String field, String problem, ByteBuffer data, int offset, int length, int at) {
        super(message(field, problem, data, offset, length, at));
        this.field = field;
        this.at = at;
    }

    /** The offending field, {@code "HEADER.field"} or a header name alone when it is truncated. */
    public String field() {
        return field;
    }

    /** Offset of the offending field from the start of the packet, or -1. */
    public int at() {
        return at;
    }

    private static String message(String field, String problem, ByteBuffer data, int offset, int length, int at) {
        StringBuilder s = new StringBuilder().append(field).append(": ").append(problem);
        if (at >= 0) {
            s.append(" at offset ").append(at);
        }
        if (data != null && length > 0) {
            // Clamp so a wrong length in a caller cannot turn the report into an IndexOutOfBounds.
            int n = Math.max(0, Math.min(length, data.limit() - offset));
            s.append(" in [").append(Bytes.hex(data, offset, n, HEX_LIMIT)).append(']');
        }
        return s.toString();
    }
}
