package org.vnicteam.fabric.sim.ethernet.internal;

import java.util.Locale;

/** MAC address text and numbers: "02:00:c6:12:01:0b", 6 bytes, or the low 48 bits of a long. */
public final class Macs {

    private Macs() {
    }

    public static String format(long mac) {
        StringBuilder sb = new StringBuilder(17);
        for (int i = 5; i >= 0; i--) {
            int b = (int) (mac >>> (8 * i)) & 0xFF;
            sb.append(Character.forDigit(b >>> 4, 16)).append(Character.forDigit(b & 0xF, 16));
            if (i > 0) {
                sb.append(':');
            }
        }
        return sb.toString();
    }

    public static String format(byte[] mac) {
        return format(toLong(mac));
    }

    public static long toLong(byte[] mac) {
        if (mac == null || mac.length != 6) {
            throw new IllegalArgumentException("a MAC address has 6 bytes");
        }
        long m = 0;
        for (byte b : mac) {
            m = (m << 8) | (b & 0xFF);
        }
        return m;
    }

    public static byte[] toBytes(long mac) {
        byte[] b = new byte[6];
        for (int i = 0; i < 6; i++) {
            b[i] = (byte) (mac >>> (8 * (5 - i)));
        }
        return b;
    }

    /**
     * Parses "02:00:c6:12:01:0b" (or with '-').
     *
     * @throws IllegalArgumentException when it is not six hex bytes
     */
    public static byte[] parse(String text) {
        String[] parts = text.trim().split("[:-]");
        if (parts.length != 6) {
            throw new IllegalArgumentException("'" + text + "' is not a MAC address (six hex bytes, e.g. 02:00:00:00:00:01)");
        }
        byte[] b = new byte[6];
        for (int i = 0; i < 6; i++) {
            if (!parts[i].matches("[0-9a-fA-F]{1,2}")) {
                throw new IllegalArgumentException("'" + text + "' is not a MAC address (bad byte '" + parts[i] + "')");
            }
            b[i] = (byte) Integer.parseInt(parts[i].toLowerCase(Locale.ROOT), 16);
        }
        return b;
    }

    public static boolean isMulticast(byte[] mac) {
        return (mac[0] & 1) != 0;
    }
}
