package org.vnicteam.bridge.core.internal;

import java.nio.ByteBuffer;

/**
 * Reads the Ethernet header fields the bridge filters on, straight from a frame buffer and without
 * allocating (the data path runs for every frame). MACs are handled as 48-bit longs so that a
 * comparison is one instruction.
 *
 * <pre>
 *  0 destination MAC 6 | 6 source MAC 6 | 12 EtherType 2, or 12 TPID 0x8100 | 14 TCI (PCP 3, DEI 1, VID 12) | 16 EtherType
 * </pre>
 */
final class Frames {

    static final int DESTINATION_OFFSET = 0;
    static final int SOURCE_OFFSET = 6;
    static final int ETHERTYPE_OFFSET = 12;
    static final int TCI_OFFSET = 14;
    static final int HEADER_SIZE = 14;
    static final int VLAN_TAG_SIZE = 4;
    static final int TPID_8021Q = 0x8100;
    static final int VID_MASK = 0x0FFF;
    static final int MAC_SIZE = 6;
    static final int ETHERTYPE_ARP = 0x0806;
    static final int ETHERTYPE_RARP = 0x8035;
    /** In an ARP body: the sender's protocol address, and the target's. */
    private static final int ARP_SPA = 14;
    private static final int ARP_TPA = 24;
    private static final int ARP_BODY_IPV4 = 28;

    private Frames() {
    }

    /** The 6 bytes at {@code at} as a 48-bit value, first byte most significant. */
    static long mac(ByteBuffer b, int at) {
        return ((long) (b.getShort(at) & 0xFFFF) << 32) | (b.getInt(at + 2) & 0xFFFFFFFFL);
    }

    /** Group (broadcast or multicast) destination: the I/G bit, the low bit of the first byte. */
    static boolean isGroupDestination(ByteBuffer b, int frameOffset) {
        return (b.get(frameOffset + DESTINATION_OFFSET) & 1) != 0;
    }

    static boolean isTagged(ByteBuffer b, int frameOffset, int frameLength) {
        return frameLength >= HEADER_SIZE + VLAN_TAG_SIZE
                && (b.getShort(frameOffset + ETHERTYPE_OFFSET) & 0xFFFF) == TPID_8021Q;
    }

    /** The VLAN id of a tagged frame, 0 for an untagged one (VID 0, a priority tag, is untagged too). */
    static int vlan(ByteBuffer b, int frameOffset, int frameLength) {
        return isTagged(b, frameOffset, frameLength) ? b.getShort(frameOffset + TCI_OFFSET) & VID_MASK : 0;
    }

    /**
     * A learning frame: what a host broadcasts to move its MAC to a new port — a gratuitous ARP
     * (sender address = target address) or a RARP announcement — tagged or not. A team sends one per
     * VLAN through the member it just made active.
     */
    static boolean isLearningFrame(ByteBuffer b, int frameOffset, int frameLength) {
        if (frameLength < HEADER_SIZE || !isGroupDestination(b, frameOffset)) {
            return false;
        }
        int body = frameOffset + HEADER_SIZE + (isTagged(b, frameOffset, frameLength) ? VLAN_TAG_SIZE : 0);
        if (body + ARP_BODY_IPV4 > frameOffset + frameLength) {
            return false;
        }
        int type = b.getShort(body - 2) & 0xFFFF;
        return type == ETHERTYPE_RARP
                || type == ETHERTYPE_ARP && b.getInt(body + ARP_SPA) == b.getInt(body + ARP_TPA);
    }

    static byte[] macBytes(long mac) {
        byte[] m = new byte[MAC_SIZE];
        for (int i = 0; i < MAC_SIZE; i++) {
            m[i] = (byte) (mac >>> (8 * (MAC_SIZE - 1 - i)));
        }
        return m;
    }

    static long macValue(byte[] mac) {
        if (mac == null || mac.length != MAC_SIZE) {
            throw new IllegalArgumentException("a MAC address is 6 bytes");
        }
        long v = 0;
        for (byte x : mac) {
            v = (v << 8) | (x & 0xFF);
        }
        return v;
    }

    static String formatMac(long mac) {
        StringBuilder s = new StringBuilder(17);
        for (int i = MAC_SIZE - 1; i >= 0; i--) {
            s.append(String.format("%02x", (mac >>> (8 * i)) & 0xFF));
            if (i > 0) {
                s.append(':');
            }
        }
        return s.toString();
    }

    /** Parses "aa:bb:cc:dd:ee:ff" (or with '-'). */
    static long parseMac(String text) {
        String[] parts = text.trim().split("[:-]");
        if (parts.length != MAC_SIZE) {
            throw new IllegalArgumentException("MAC '" + text + "' is not six hex bytes like 02:00:00:00:00:01");
        }
        long v = 0;
        for (String p : parts) {
            if (p.length() != 2) {
                throw new IllegalArgumentException("MAC '" + text + "' is not six hex bytes like 02:00:00:00:00:01");
            }
            try {
                v = (v << 8) | Integer.parseInt(p, 16);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("MAC '" + text + "' is not six hex bytes like 02:00:00:00:00:01");
            }
        }
        return v;
    }

    /**
     * A locally administered unicast MAC for a bridge with no configured one, stable across
     * restarts because it comes from the adapter's node GUID.
     */
    static long macFromGuid(long nodeGuid) {
        return 0x02_00_00_00_00_00L | (nodeGuid & 0xFF_FFFF_FFFFL);
    }
}
