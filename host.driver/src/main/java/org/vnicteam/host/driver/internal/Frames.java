package org.vnicteam.host.driver.internal;

import java.nio.ByteBuffer;
import java.util.HexFormat;

/**
 * Ethernet and 802.1Q helpers of the miniport edge, allocation-free where they are on the data
 * path.
 *
 * <pre>
 * untagged:  0 dst MAC 6 | 6 src MAC 6 | 12 EtherType 2 | 14 payload
 * tagged:    0 dst MAC 6 | 6 src MAC 6 | 12 TPID 0x8100 2 | 14 TCI 2 (PCP 3 | DEI 1 | VID 12) | 16 EtherType 2 | 18 payload
 * </pre>
 */
final class Frames {

    static final int MAC_SIZE = 6;
    static final int ETHERTYPE_OFFSET = 12;
    static final int HEADER_SIZE = 14;
    static final int TAG_SIZE = 4;
    static final int TPID = 0x8100;
    static final int ETHERTYPE_ARP = 0x0806;
    static final int ETHERTYPE_RARP = 0x8035;
    static final int ETHERTYPE_IPV4 = 0x0800;
    static final int MIN_FRAME = 60;
    /** VID meaning "no VLAN" (a priority tag) and the untagged miniport's VLAN. */
    static final int UNTAGGED = 0;

    private Frames() {
    }

    /** Whether the frame at {@code off} carries an 802.1Q tag. */
    static boolean tagged(ByteBuffer b, int off, int len) {
        return len >= HEADER_SIZE + TAG_SIZE && (b.getShort(off + ETHERTYPE_OFFSET) & 0xFFFF) == TPID;
    }

    /** The VID of a tagged frame. */
    static int vid(ByteBuffer b, int off) {
        return b.getShort(off + ETHERTYPE_OFFSET + 2) & 0x0FFF;
    }

    /** TCI for a VLAN and priority: PCP in the top 3 bits, DEI 0. */
    static int tci(int vid, int pcp) {
        return (pcp & 7) << 13 | (vid & 0x0FFF);
    }

    /**
     * Removes the tag of a tagged frame in place: the 12 address bytes move 4 bytes up, the frame
     * now starts at {@code off + 4} and is 4 bytes shorter.
     *
     * @return the new offset
     */
    static int stripTag(ByteBuffer b, int off) {
        // 12 bytes, copied from the end so the overlapping move is safe
        for (int i = 11; i >= 0; i--) {
            b.put(off + TAG_SIZE + i, b.get(off + i));
        }
        return off + TAG_SIZE;
    }

    /** Whether the source MAC is a group address (never a valid sender). */
    static boolean multicastSource(ByteBuffer b, int off) {
        return (b.get(off + MAC_SIZE) & 1) != 0;
    }

    /**
     * A gratuitous ARP request for {@code ip} from {@code mac}, broadcast, padded to 60 bytes:
     * switches learn the MAC at the port it arrives on, and neighbours refresh their ARP caches.
     */
    static byte[] gratuitousArp(byte[] mac, byte[] ip) {
        ByteBuffer b = ByteBuffer.allocate(MIN_FRAME);
        for (int i = 0; i < MAC_SIZE; i++) {
            b.put(i, (byte) 0xFF);
        }
        b.put(6, mac).putShort(12, (short) ETHERTYPE_ARP);
        b.putShort(14, (short) 1).putShort(16, (short) ETHERTYPE_IPV4).put(18, (byte) 6).put(19, (byte) 4)
                .putShort(20, (short) 1) // request
                .put(22, mac).put(28, ip).put(38, ip); // sender = target address; target MAC zero
        return b.array();
    }

    /**
     * A RARP-style announcement from {@code mac} (reverse request, sender = target = the MAC, no
     * addresses), broadcast, padded: what a host sends to move its MAC when it has no IPv4
     * address on that VLAN (as QEMU's self-announce does).
     */
    static byte[] rarpAnnounce(byte[] mac) {
        ByteBuffer b = ByteBuffer.allocate(MIN_FRAME);
        for (int i = 0; i < MAC_SIZE; i++) {
            b.put(i, (byte) 0xFF);
        }
        b.put(6, mac).putShort(12, (short) ETHERTYPE_RARP);
        b.putShort(14, (short) 1).putShort(16, (short) ETHERTYPE_IPV4).put(18, (byte) 6).put(19, (byte) 4)
                .putShort(20, (short) 3) // reverse request
                .put(22, mac).put(32, mac);
        return b.array();
    }

    /**
     * The sender IPv4 address of an untagged ARP frame, as an int, or 0 when the frame is not
     * ARP for IPv4 over Ethernet. Lets a miniport learn its upper protocol's address.
     */
    static int arpSenderIp(ByteBuffer b, int off, int len) {
        if (len < 42 || (b.getShort(off + ETHERTYPE_OFFSET) & 0xFFFF) != ETHERTYPE_ARP
                || (b.getShort(off + 16) & 0xFFFF) != ETHERTYPE_IPV4 || b.get(off + 18) != 6 || b.get(off + 19) != 4) {
            return 0;
        }
        return b.getInt(off + 28);
    }

    static byte[] parseMac(String text) {
        String t = text == null ? "" : text.trim();
        byte[] mac;
        try {
            mac = HexFormat.ofDelimiter(":").parseHex(t.replace('-', ':').toLowerCase());
        } catch (IllegalArgumentException e) {
            mac = null;
        }
        if (mac == null || mac.length != MAC_SIZE) {
            throw new IllegalArgumentException("'" + text + "' is not a MAC address aa:bb:cc:dd:ee:ff");
        }
        if ((mac[0] & 1) != 0) {
            throw new IllegalArgumentException("team MAC " + text + " is a group address; it must be unicast");
        }
        return mac;
    }

    static String formatMac(byte[] mac) {
        return HexFormat.ofDelimiter(":").formatHex(mac);
    }

    /** Parses "A.B.C.D" (optionally "/LEN", ignored) to 4 bytes; null for "". */
    static byte[] parseIpv4(String text) {
        String t = text == null ? "" : text.trim();
        if (t.isEmpty()) {
            return null;
        }
        int slash = t.indexOf('/');
        if (slash >= 0) {
            t = t.substring(0, slash);
        }
        String[] p = t.split("\\.");
        if (p.length != 4) {
            throw new IllegalArgumentException("'" + text + "' is not an IPv4 address");
        }
        byte[] ip = new byte[4];
        for (int i = 0; i < 4; i++) {
            int v;
            try {
                v = Integer.parseInt(p[i]);
            } catch (NumberFormatException e) {
                v = -1;
            }
            if (v < 0 || v > 255) {
                throw new IllegalArgumentException("'" + text + "' is not an IPv4 address");
            }
            ip[i] = (byte) v;
        }
        return ip;
    }

    static byte[] ipv4Bytes(int ip) {
        return new byte[] { (byte) (ip >>> 24), (byte) (ip >>> 16), (byte) (ip >>> 8), (byte) ip };
    }

    static String formatIpv4(byte[] ip) {
        return ip == null ? "" : (ip[0] & 0xFF) + "." + (ip[1] & 0xFF) + "." + (ip[2] & 0xFF) + "." + (ip[3] & 0xFF);
    }
}
