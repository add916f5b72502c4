package org.vnicteam.api.eoib;

import java.nio.ByteBuffer;

/**
 * The 16-byte header of every message (network byte order).
 *
 * <pre>
 *  0       1       2               4               6               8
 * +-------+-------+---------------+---------------+---------------+
 * |version| type  |     flags     |    length     |   reserved    |
 * +-------+-------+---------------+---------------+---------------+
 * |            session            |           sequence            |
 * +-------------------------------+-------------------------------+
 *  8                              12                              16
 * </pre>
 *
 * {@code length} is the whole message, header included, and must equal the bytes received.
 * {@code session} is 0 only in LOGIN (and in a LOGIN_REJECT answering it). {@code sequence}
 * numbers data frames per session and direction; in LOGIN/LOGIN_ACK it carries the login nonce;
 * in other control messages it numbers them.
 *
 * @param version protocol version
 * @param type message type
 * @param flags type-specific flags (zero unless a type defines them)
 * @param length total length in bytes
 * @param session session id
 * @param sequence sequence number
 */
public record MessageHeader(int version, MessageType type, int flags, int length, int session, int sequence) {

    public static final int SIZE = 16;
    public static final int VERSION = 1;
    public static final int VERSION_OFFSET = 0;
    public static final int TYPE_OFFSET = 1;
    public static final int FLAGS_OFFSET = 2;
    public static final int LENGTH_OFFSET = 4;
    public static final int RESERVED_OFFSET = 6;
    public static final int SESSION_OFFSET = 8;
    public static final int SEQUENCE_OFFSET = 12;
    /** Largest message: a header and a 9216-byte jumbo frame, rounded up. */
    public static final int MAX_LENGTH = 9600;

    /** Writes a header without allocating. */
    public static void write(ByteBuffer b, int off, MessageType type, int flags, int length, int session,
            int sequence) {
        b.put(off + VERSION_OFFSET, (byte) VERSION);
        b.put(off + TYPE_OFFSET, (byte) type.code());
        b.putShort(off + FLAGS_OFFSET, (short) flags);
        b.putShort(off + LENGTH_OFFSET, (short) length);
        b.putShort(off + RESERVED_OFFSET, (short) 0);
        b.putInt(off + SESSION_OFFSET, session);
        b.putInt(off + SEQUENCE_OFFSET, sequence);
    }

    /**
     * Checks the header of the {@code length}-byte message at {@code off} without allocating:
     * {@code null} when it is good, else the cause (use {@link #parse} for the full story).
     */
    public static ProtocolException.Cause check(ByteBuffer b, int off, int length) {
        if (length < SIZE) {
            return ProtocolException.Cause.TRUNCATED;
        }
        if ((b.get(off + VERSION_OFFSET) & 0xFF) != VERSION) {
            return ProtocolException.Cause.BAD_VERSION;
        }
        if (MessageType.lookup(b.get(off + TYPE_OFFSET) & 0xFF) == null) {
            return ProtocolException.Cause.UNKNOWN_TYPE;
        }
        if ((b.getShort(off + LENGTH_OFFSET) & 0xFFFF) != length) {
            return ProtocolException.Cause.BAD_LENGTH;
        }
        if (b.getShort(off + RESERVED_OFFSET) != 0) {
            return ProtocolException.Cause.RESERVED_NOT_ZERO;
        }
        return null;
    }

    public static MessageHeader parse(ByteBuffer b, int off, int length) throws ProtocolException {
        ProtocolException.Cause c = check(b, off, length);
        if (c != null) {
            throw switch (c) {
                case TRUNCATED -> new ProtocolException(c, "header", "message of " + length + " bytes is shorter than "
                        + SIZE, b, off, length);
                case BAD_VERSION -> new ProtocolException(c, "header.version",
                        "version " + (b.get(off) & 0xFF) + ", this side speaks " + VERSION, b, off, length);
                case UNKNOWN_TYPE -> new ProtocolException(c, "header.type",
                        String.format("unknown type 0x%02x", b.get(off + TYPE_OFFSET) & 0xFF), b, off, length);
                case BAD_LENGTH -> new ProtocolException(c, "header.length", "says "
                        + (b.getShort(off + LENGTH_OFFSET) & 0xFFFF) + " bytes, " + length + " received", b, off,
                        length);
                default -> new ProtocolException(c, "header.reserved", "reserved bytes are not zero", b, off, length);
            };
        }
        return new MessageHeader(VERSION, MessageType.lookup(b.get(off + TYPE_OFFSET) & 0xFF),
                b.getShort(off + FLAGS_OFFSET) & 0xFFFF, length, b.getInt(off + SESSION_OFFSET),
                b.getInt(off + SEQUENCE_OFFSET));
    }

    /** The type byte of a message whose header passed {@link #check}. */
    public static MessageType type(ByteBuffer b, int off) {
        return MessageType.lookup(b.get(off + TYPE_OFFSET) & 0xFF);
    }

    public static int session(ByteBuffer b, int off) {
        return b.getInt(off + SESSION_OFFSET);
    }

    public static int sequence(ByteBuffer b, int off) {
        return b.getInt(off + SEQUENCE_OFFSET);
    }
}
