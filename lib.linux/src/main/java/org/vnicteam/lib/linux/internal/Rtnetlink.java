package org.vnicteam.lib.linux.internal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

import org.vnicteam.lib.linux.LinkStatistics;

/**
 * rtnetlink link messages: the requests the link monitor sends and a bounds-checked parser for
 * what the kernel sends back. All fields are in the machine's byte order.
 *
 * <pre>
 * nlmsghdr   0 len u32 | 4 type u16 | 6 flags u16 | 8 seq u32 | 12 pid u32            (16 bytes)
 * ifinfomsg 16 family u8 | 17 pad | 18 type u16 | 20 index s32 | 24 flags u32 | 28 change u32
 * rtattr    32 len u16 | 34 type u16 | data, each attribute padded to 4 bytes
 * IFLA_STATS64 data: rtnl_link_stats64, u64 each: 0 rx_packets | 8 tx_packets | 16 rx_bytes |
 *           24 tx_bytes | 32 rx_errors | 40 tx_errors | 48 rx_dropped | 56 tx_dropped | ... (more follow)
 * nlmsgerr  16 error s32 (minus errno; 0 = acknowledgement) | 20 the request's nlmsghdr (same seq)
 * </pre>
 */
public final class Rtnetlink {

    public static final int NLMSG_HDRLEN = 16;
    public static final int IFINFOMSG_LEN = 16;
    public static final int RTATTR_HDRLEN = 4;

    public static final int NLMSG_NOOP = 1;
    public static final int NLMSG_ERROR = 2;
    public static final int NLMSG_DONE = 3;
    public static final int NLMSG_OVERRUN = 4;
    public static final int RTM_NEWLINK = 16;
    public static final int RTM_DELLINK = 17;
    public static final int RTM_GETLINK = 18;

    public static final int NLM_F_REQUEST = 0x1;
    public static final int NLM_F_ACK = 0x4;

    public static final int IFLA_ADDRESS = 1;
    public static final int IFLA_IFNAME = 3;
    public static final int IFLA_MTU = 4;
    public static final int IFLA_OPERSTATE = 16;
    public static final int IFLA_STATS64 = 23;
    public static final int IFLA_CARRIER = 33;

    public static final int IFF_UP = 0x1;
    public static final int IFF_RUNNING = 0x40;
    public static final int IFF_LOWER_UP = 0x10000;

    /** Longest interface name (IFNAMSIZ 16 with its NUL). */
    public static final int MAX_NAME = 15;

    private static final int AF_UNSPEC = 0;

    private Rtnetlink() {
    }

    /** The part of rtnl_link_stats64 that is read: eight u64 counters. */
    public static final int STATS64_READ = 8 * 8;

    /** A parsed RTM_NEWLINK or RTM_DELLINK; {@code stats} is null if it had no IFLA_STATS64. */
    public record Link(int type, int seq, int index, int flags, String name, int carrier, int operState,
            byte[] address, int mtu, LinkStatistics stats) {

        public boolean deleted() {
            return type == RTM_DELLINK;
        }

        public boolean adminUp() {
            return (flags & IFF_UP) != 0;
        }

        /** IFLA_CARRIER when the kernel sent it, else IFF_LOWER_UP. */
        public boolean hasCarrier() {
            return carrier >= 0 ? carrier != 0 : (flags & IFF_LOWER_UP) != 0;
        }
    }

    /** What a datagram from the kernel holds, message by message. */
    public interface Visitor {
        void link(Link link);

        /** An NLMSG_ERROR: {@code errno} 0 is the acknowledgement of request {@code seq}. */
        void error(int seq, int errno);

        /** A message that does not parse: its bytes in hex, for the log. */
        void malformed(String why);
    }

    /** {@code struct sockaddr_nl}: family, pad, port id 0 (the kernel picks), multicast groups. */
    public static byte[] socketAddress(int groups) {
        ByteBuffer b = buffer(12);
        b.putShort(0, (short) Netlink.AF_NETLINK);
        b.putInt(8, groups);
        return b.array();
    }

    /** RTM_GETLINK for one interface by name. */
    public static byte[] getLink(int seq, String name) {
        return linkRequest(RTM_GETLINK, NLM_F_REQUEST, seq, name, 0, 0);
    }

    /** RTM_NEWLINK on an existing interface setting IFF_UP or clearing it ({@code ip link set NAME up|down}). */
    public static byte[] setAdminUp(int seq, String name, boolean up) {
        return linkRequest(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK, seq, name, up ? IFF_UP : 0, IFF_UP);
    }

    private static byte[] linkRequest(int type, int flags, int seq, String name, int ifFlags, int ifChange) {
        byte[] n = checkName(name).getBytes(StandardCharsets.US_ASCII);
        int attr = RTATTR_HDRLEN + n.length + 1;
        int length = NLMSG_HDRLEN + IFINFOMSG_LEN + align(attr);
        ByteBuffer b = buffer(length);
        b.putInt(0, length).putShort(4, (short) type).putShort(6, (short) flags).putInt(8, seq);
        b.put(16, (byte) AF_UNSPEC).putInt(24, ifFlags).putInt(28, ifChange);
        int at = NLMSG_HDRLEN + IFINFOMSG_LEN;
        b.putShort(at, (short) attr).putShort(at + 2, (short) IFLA_IFNAME).put(at + RTATTR_HDRLEN, n);
        return b.array();
    }

    /**
     * A usable interface name: 1..15 printable ASCII characters, no '/', ':' or white space.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    public static String checkName(String name) {
        if (name == null || name.isEmpty() || name.length() > MAX_NAME) {
            throw new IllegalArgumentException("interface name '" + name + "' must have 1.." + MAX_NAME + " characters");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c <= ' ' || c > '~' || c == '/' || c == ':') {
                throw new IllegalArgumentException("interface name '" + name + "' holds a character Linux refuses");
            }
        }
        return name;
    }

    /**
     * Parses one datagram of {@code length} bytes at the start of {@code b} (any byte order: it is
     * set to the machine's). Messages of other types are skipped; a message whose lengths do not
     * fit is reported to {@link Visitor#malformed} and ends the datagram (what follows it cannot be
     * framed).
     */
    public static void parse(ByteBuffer b, int length, Visitor visitor) {
        b.order(ByteOrder.nativeOrder());
        int at = 0;
        while (length - at >= NLMSG_HDRLEN) {
            int len = b.getInt(at);
            if (len < NLMSG_HDRLEN || len > length - at) {
                visitor.malformed("message length " + Integer.toUnsignedString(len) + " at byte " + at + " of a "
                        + length + "-byte datagram: " + hex(b, at, Math.min(length - at, 64)));
                return;
            }
            int type = b.getShort(at + 4) & 0xFFFF;
            int seq = b.getInt(at + 8);
            if (type == RTM_NEWLINK || type == RTM_DELLINK) {
                Link link = link(b, at, len, type, seq);
                if (link == null) {
                    visitor.malformed("link message of " + len + " bytes: " + hex(b, at, Math.min(len, 64)));
                } else {
                    visitor.link(link);
                }
            } else if (type == NLMSG_ERROR) {
                if (len < NLMSG_HDRLEN + 4) {
                    visitor.malformed("error message of " + len + " bytes: " + hex(b, at, len));
                } else {
                    visitor.error(seq, -b.getInt(at + NLMSG_HDRLEN)); // the reply carries the request's seq
                }
            }
            at += align(len);
        }
        if (at < length) {
            visitor.malformed(length - at + " bytes after the last message: " + hex(b, at, length - at));
        }
    }

    private static Link link(ByteBuffer b, int start, int len, int type, int seq) {
        if (len < NLMSG_HDRLEN + IFINFOMSG_LEN) {
            return null;
        }
        int ifi = start + NLMSG_HDRLEN;
        int index = b.getInt(ifi + 4);
        int flags = b.getInt(ifi + 8);
        String name = null;
        int carrier = -1;
        int operState = -1;
        int mtu = 0;
        byte[] address = new byte[0];
        LinkStatistics stats = null;
        int end = start + len;
        int at = ifi + IFINFOMSG_LEN;
        while (end - at >= RTATTR_HDRLEN) {
            int alen = b.getShort(at) & 0xFFFF;
            int atype = b.getShort(at + 2) & 0x3FFF; // without NLA_F_NESTED / NLA_F_NET_BYTEORDER
            if (alen < RTATTR_HDRLEN || alen > end - at) {
                return null;
            }
            int data = at + RTATTR_HDRLEN;
            int dlen = alen - RTATTR_HDRLEN;
            switch (atype) {
                case IFLA_IFNAME -> name = string(b, data, dlen);
                case IFLA_CARRIER -> carrier = dlen >= 1 ? b.get(data) & 0xFF : -1;
                case IFLA_OPERSTATE -> operState = dlen >= 1 ? b.get(data) & 0xFF : -1;
                case IFLA_MTU -> mtu = dlen >= 4 ? b.getInt(data) : 0;
                case IFLA_ADDRESS -> {
                    address = new byte[dlen];
                    b.get(data, address);
                }
                case IFLA_STATS64 -> stats = dlen >= STATS64_READ ? stats(b, data, index) : null;
                default -> {
                }
            }
            at += align(alen);
        }
        if (name == null || name.isEmpty()) {
            return null;
        }
        return new Link(type, seq, index, flags, name, carrier, operState, address, mtu, stats);
    }

    private static LinkStatistics stats(ByteBuffer b, int at, int index) {
        return new LinkStatistics(index, b.getLong(at), b.getLong(at + 8), b.getLong(at + 16), b.getLong(at + 24),
                b.getLong(at + 32), b.getLong(at + 40), b.getLong(at + 48), b.getLong(at + 56));
    }

    /** A NUL-terminated string of at most {@code max} bytes. */
    private static String string(ByteBuffer b, int at, int max) {
        int n = 0;
        while (n < max && b.get(at + n) != 0) {
            n++;
        }
        byte[] s = new byte[n];
        b.get(at, s);
        return new String(s, StandardCharsets.US_ASCII);
    }

    public static int align(int length) {
        return (length + 3) & ~3;
    }

    private static ByteBuffer buffer(int length) {
        return ByteBuffer.allocate(length).order(ByteOrder.nativeOrder());
    }

    static String hex(ByteBuffer b, int at, int count) {
        StringBuilder s = new StringBuilder(count * 2);
        for (int i = 0; i < count; i++) {
            s.append(String.format("%02x", b.get(at + i) & 0xFF));
        }
        return s.toString();
    }
}
