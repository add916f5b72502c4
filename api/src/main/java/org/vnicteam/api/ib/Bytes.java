package org.vnicteam.api.ib;

import java.nio.ByteBuffer;

/** Byte-order independent absolute reads and writes, and range checks shared by the codecs. */
final class Bytes {
    private Bytes() {
    }

    static int u8(ByteBuffer b, int i) {
        return b.get(i) & 0xFF;
    }

    static int u16(ByteBuffer b, int i) {
        return (b.get(i) & 0xFF) << 8 | b.get(i + 1) & 0xFF;
    }

    static int u24(ByteBuffer b, int i) {
        return (b.get(i) & 0xFF) << 16 | (b.get(i + 1) & 0xFF) << 8 | b.get(i + 2) & 0xFF;
    }

    static int i32(ByteBuffer b, int i) {
        return b.get(i) << 24 | (b.get(i + 1) & 0xFF) << 16 | (b.get(i + 2) & 0xFF) << 8 | b.get(i + 3) & 0xFF;
    }

    static long i64(ByteBuffer b, int i) {
        return (long) i32(b, i) << 32 | i32(b, i + 4) & 0xFFFF_FFFFL;
    }

    static void put16(ByteBuffer b, int i, int v) {
        b.put(i, (byte) (v >>> 8));
        b.put(i + 1, (byte) v);
    }

    static void put24(ByteBuffer b, int i, int v) {
        b.put(i, (byte) (v >>> 16));
        b.put(i + 1, (byte) (v >>> 8));
        b.put(i + 2, (byte) v);
    }

    static void put32(ByteBuffer b, int i, int v) {
        put16(b, i, v >>> 16);
        put16(b, i + 2, v);
    }

    static void put64(ByteBuffer b, int i, long v) {
        put32(b, i, (int) (v >>> 32));
        put32(b, i + 4, (int) v);
    }

    /** Range check for values built by code (not read from the wire): a bug, not bad data. */
    static int range(String field, int value, int max) {
        if (value < 0 || value > max) {
            throw new IllegalArgumentException(field + " out of range 0.." + max + ": " + value);
        }
        return value;
    }

    static int flag(String field, int value) {
        return range(field, value, 1);
    }

    static void room(ByteBuffer b, int offset, int size) {
        java.util.Objects.checkFromIndexSize(offset, size, b.limit());
    }

    static String hex(ByteBuffer b, int offset, int length, int max) {
        if (b == null || length <= 0) {
            return "";
        }
        int n = Math.min(length, max);
        StringBuilder s = new StringBuilder(n * 3 + 4);
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                s.append(' ');
            }
            int v = b.get(offset + i) & 0xFF;
            s.append(Character.forDigit(v >>> 4, 16)).append(Character.forDigit(v & 0xF, 16));
        }
        return n < length ? s.append(" ...").toString() : s.toString();
    }
}
