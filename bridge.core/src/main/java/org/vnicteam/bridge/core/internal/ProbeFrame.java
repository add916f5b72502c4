package org.vnicteam.bridge.core.internal;

import java.nio.ByteBuffer;
import java.util.HexFormat;

/**
 * The probe frame bridges of one team send each other through the Ethernet switch, one per VLAN
 * every probe interval (docs/protocol.md, "Probe frames"). Read in place, without allocating
 * ({@link #check} then the field readers); {@link #parse} is the checked factory that reports bad
 * bytes in hex, {@link #write} the builder.
 *
 * <pre>
 *  Ethernet: 0 destination 03:76:6e:70:72:62 | 6 source = the sender bridge's own MAC
 *            | 12 TPID 0x8100 | 14 TCI (PCP 7, VID)       (no tag on VLAN 0)
 *            | EtherType 0x88B5 (IEEE 802 local experimental)
 *  payload:  0 magic "VNPB" u32 | 4 version u8 (1) | 5 flags u8 (0, ignored) | 6 VLAN u16
 *            | 8 team MAC 6 | 14 sender MAC 6 | 20 sequence u32 | 24 sender's interval µs u32
 *  then zeros up to the 60-byte minimum frame (without FCS)
 * </pre>
 *
 * The source is the bridge's own MAC, never the team MAC: the switch must keep the team MAC where
 * the active bridge's traffic put it.
 */
final class ProbeFrame {

    /** Locally administered group address ("vnprb"): switches flood it within the VLAN. */
    static final long GROUP = 0x03_76_6e_70_72_62L;
    static final int ETHERTYPE = 0x88B5;
    static final int MAGIC = 0x564E5042; // "VNPB"
    static final int VERSION = 1;
    /** Probes travel as network control traffic. */
    static final int PCP = 7;

    static final int MAGIC_OFFSET = 0;
    static final int VERSION_OFFSET = 4;
    static final int FLAGS_OFFSET = 5;
    static final int VLAN_OFFSET = 6;
    static final int TEAM_MAC_OFFSET = 8;
    static final int SENDER_OFFSET = 14;
    static final int SEQUENCE_OFFSET = 20;
    static final int INTERVAL_OFFSET = 24;
    static final int PAYLOAD_SIZE = 28;
    /** Frames shorter than this (without FCS) are padded. */
    static final int MIN_FRAME = 60;

    /** Why a frame addressed to the probe group with the probe EtherType is not a probe. */
    enum Defect {
        SHORT, MAGIC, VERSION, VLAN_MISMATCH, SENDER_MISMATCH, BAD_ADDRESS
    }

    /**
     * The fields of a probe, for the builder and the checked factory.
     *
     * @param vlan 0 (untagged) or 1..4094
     * @param teamMac the team's MAC (unicast)
     * @param sender the sending bridge's own MAC (unicast), also the frame's source
     * @param sequence the sender's probe counter
     * @param intervalMicros the sender's probe interval
     */
    record Probe(int vlan, long teamMac, long sender, int sequence, int intervalMicros) {
        Probe {
            if (vlan < 0 || vlan > AddressFilter.MAX_VLAN) {
                throw new IllegalArgumentException("probe VLAN " + vlan + " is outside 0..4094");
            }
            if (!unicast(teamMac) || !unicast(sender)) {
                throw new IllegalArgumentException("probe team MAC and sender must be unicast, non-zero MACs");
            }
        }
    }

    private ProbeFrame() {
    }

    /** Length of the Ethernet header before the payload, EtherType included: 18 on a VLAN, 14 untagged. */
    static int headerSize(int vlan) {
        return vlan == 0 ? Frames.HEADER_SIZE : Frames.HEADER_SIZE + Frames.VLAN_TAG_SIZE;
    }

    /**
     * Whether a frame is meant as a probe: addressed to the probe group with the probe EtherType
     * (after the tag, if any). Such a frame is never passed to the host, probe or not.
     */
    static boolean isProbe(ByteBuffer b, int offset, int length, long destination) {
        if (destination != GROUP) {
            return false;
        }
        int typeAt = offset + (Frames.isTagged(b, offset, length) ? Frames.ETHERTYPE_OFFSET + Frames.VLAN_TAG_SIZE
                : Frames.ETHERTYPE_OFFSET);
        return typeAt + 2 <= offset + length && (b.getShort(typeAt) & 0xFFFF) == ETHERTYPE;
    }

    /**
     * Checks a frame {@link #isProbe} accepted, read where it lies.
     *
     * @param vlan the frame's VLAN (0 untagged), as the tag says
     * @param source the frame's source MAC
     * @return null for a good probe, else what is wrong
     */
    static Defect check(ByteBuffer b, int offset, int length, int vlan, long source) {
        int p = payloadOffset(b, offset, length);
        if (p + PAYLOAD_SIZE > offset + length) {
            return Defect.SHORT;
        }
        if (b.getInt(p + MAGIC_OFFSET) != MAGIC) {
            return Defect.MAGIC;
        }
        if ((b.get(p + VERSION_OFFSET) & 0xFF) != VERSION) {
            return Defect.VERSION;
        }
        if ((b.getShort(p + VLAN_OFFSET) & 0xFFFF) != vlan) {
            return Defect.VLAN_MISMATCH;
        }
        long sender = Frames.mac(b, p + SENDER_OFFSET);
        if (sender != source) {
            return Defect.SENDER_MISMATCH;
        }
        if (!unicast(sender) || !unicast(Frames.mac(b, p + TEAM_MAC_OFFSET))) {
            return Defect.BAD_ADDRESS;
        }
        return null;
    }

    /** Where the payload starts: after the tag on a tagged frame. */
    static int payloadOffset(ByteBuffer b, int offset, int length) {
        return offset + (Frames.isTagged(b, offset, length) ? Frames.HEADER_SIZE + Frames.VLAN_TAG_SIZE
                : Frames.HEADER_SIZE);
    }

    static long teamMac(ByteBuffer b, int payloadOffset) {
        return Frames.mac(b, payloadOffset + TEAM_MAC_OFFSET);
    }

    static long sender(ByteBuffer b, int payloadOffset) {
        return Frames.mac(b, payloadOffset + SENDER_OFFSET);
    }

    static int sequence(ByteBuffer b, int payloadOffset) {
        return b.getInt(payloadOffset + SEQUENCE_OFFSET);
    }

    /**
     * The checked factory: the probe in {@code [offset, offset + length)}.
     *
     * @throws IllegalArgumentException naming the defect and showing the frame in hex
     */
    static Probe parse(ByteBuffer b, int offset, int length) {
        if (length < Frames.HEADER_SIZE || !isProbe(b, offset, length, Frames.mac(b, offset))) {
            throw new IllegalArgumentException("not a probe frame (destination " + Frames.formatMac(GROUP)
                    + ", EtherType 0x88b5 expected): " + hex(b, offset, length));
        }
        int vlan = Frames.vlan(b, offset, length);
        long source = Frames.mac(b, offset + Frames.SOURCE_OFFSET);
        Defect d = check(b, offset, length, vlan, source);
        if (d != null) {
            throw new IllegalArgumentException("malformed probe (" + d + "): " + hex(b, offset, length));
        }
        int p = payloadOffset(b, offset, length);
        return new Probe(vlan, teamMac(b, p), sender(b, p), sequence(b, p),
                b.getInt(p + INTERVAL_OFFSET));
    }

    /**
     * The builder: writes the whole probe frame, padding included, at {@code offset}.
     *
     * @return the frame's length ({@value #MIN_FRAME})
     */
    static int write(ByteBuffer b, int offset, Probe probe) {
        for (int i = 0; i < MIN_FRAME; i++) {
            b.put(offset + i, (byte) 0);
        }
        putMac(b, offset + Frames.DESTINATION_OFFSET, GROUP);
        putMac(b, offset + Frames.SOURCE_OFFSET, probe.sender());
        int at = offset + Frames.ETHERTYPE_OFFSET;
        if (probe.vlan() != 0) {
            b.putShort(at, (short) Frames.TPID_8021Q).putShort(at + 2, (short) (PCP << 13 | probe.vlan()));
            at += Frames.VLAN_TAG_SIZE;
        }
        b.putShort(at, (short) ETHERTYPE);
        int p = at + 2;
        b.putInt(p + MAGIC_OFFSET, MAGIC).put(p + VERSION_OFFSET, (byte) VERSION).put(p + FLAGS_OFFSET, (byte) 0)
                .putShort(p + VLAN_OFFSET, (short) probe.vlan());
        putMac(b, p + TEAM_MAC_OFFSET, probe.teamMac());
        putMac(b, p + SENDER_OFFSET, probe.sender());
        b.putInt(p + SEQUENCE_OFFSET, probe.sequence()).putInt(p + INTERVAL_OFFSET, probe.intervalMicros());
        return MIN_FRAME;
    }

    /** Rewrites only the sequence number of a frame {@link #write} built for {@code vlan}. */
    static void writeSequence(ByteBuffer b, int offset, int vlan, int sequence) {
        b.putInt(offset + headerSize(vlan) + SEQUENCE_OFFSET, sequence);
    }

    private static void putMac(ByteBuffer b, int at, long mac) {
        b.putShort(at, (short) (mac >>> 32)).putInt(at + 2, (int) mac);
    }

    private static boolean unicast(long mac) {
        return mac != 0 && (mac & 0x0100_0000_0000L) == 0 && mac >= 0 && mac <= 0xFFFF_FFFF_FFFFL;
    }

    private static String hex(ByteBuffer b, int offset, int length) {
        byte[] bytes = new byte[Math.min(length, 64)];
        b.get(offset, bytes);
        return HexFormat.ofDelimiter(" ").formatHex(bytes) + (length > bytes.length ? " ..." : "");
    }
}
