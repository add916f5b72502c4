package org.vnicteam.bridge.core.internal;

import org.vnicteam.api.eoib.MessageHeader;

/**
 * What one bridge device is, checked once: the component turns its configuration into this, tests
 * build it directly.
 *
 * @param name the bridge's name
 * @param adapter the fabric channel adapter it opens
 * @param ethernetPortName the name of the Ethernet port it is bound to (for status)
 * @param ethernetMtu Ethernet payload MTU: frames of mtu + 14 bytes untagged, mtu + 18 tagged
 * @param mac the bridge's own MAC as a 48-bit value, or -1 to derive one from the node GUID
 * @param maxVlans VLANs one channel may be programmed with
 * @param maxChannels sessions (data channels) the device serves at once
 * @param hostReceives receives kept posted per data channel (host → Ethernet)
 * @param hostSendSlots send buffers per data channel (Ethernet → host)
 */
public record BridgeSettings(String name, String adapter, String ethernetPortName, int ethernetMtu, long mac,
        int maxVlans, int maxChannels, int hostReceives, int hostSendSlots) {

    /** Largest MTU: a tagged frame plus the header must fit the largest protocol message. */
    public static final int MAX_MTU = MessageHeader.MAX_LENGTH - MessageHeader.SIZE - Frames.HEADER_SIZE
            - Frames.VLAN_TAG_SIZE;
    public static final int MIN_MTU = 68;
    public static final int DEFAULT_MTU = 1500;
    public static final int DEFAULT_MAX_VLANS = 64;
    public static final int DEFAULT_MAX_CHANNELS = 4;
    public static final int DEFAULT_HOST_RECEIVES = 256;
    /**
     * 1024 frames toward the host may wait for the host's acknowledgement: about 1.5 MB per session
     * at MTU 1500, and at 10,000 frames/s a tenth of a second of the fabric not keeping up (a stalled
     * thread on a busy machine) before frames are dropped.
     */
    public static final int DEFAULT_HOST_SEND_SLOTS = 1024;

    public BridgeSettings {
        if (name == null || name.isBlank() || adapter == null || adapter.isBlank()) {
            throw new IllegalArgumentException("a bridge needs a name and a fabric adapter");
        }
        if (ethernetMtu < MIN_MTU || ethernetMtu > MAX_MTU) {
            throw new IllegalArgumentException(
                    "bridge " + name + ": Ethernet MTU " + ethernetMtu + " is outside " + MIN_MTU + ".." + MAX_MTU);
        }
        if (mac != -1 && (mac < 0 || mac > 0xFFFF_FFFF_FFFFL || (mac & 0x0100_0000_0000L) != 0)) {
            throw new IllegalArgumentException("bridge " + name + ": MAC must be a unicast address");
        }
        check(name, "maxVlans", maxVlans, 1, 4095);
        check(name, "maxChannels", maxChannels, 1, 64);
        check(name, "hostReceives", hostReceives, 1, 16384);
        check(name, "hostSendSlots", hostSendSlots, 1, 16384);
    }

    /** Defaults for everything but identity and MTU. */
    public static BridgeSettings of(String name, String adapter, String ethernetPortName, int ethernetMtu) {
        return new BridgeSettings(name, adapter, ethernetPortName, ethernetMtu, -1, DEFAULT_MAX_VLANS,
                DEFAULT_MAX_CHANNELS, DEFAULT_HOST_RECEIVES, DEFAULT_HOST_SEND_SLOTS);
    }

    private static void check(String name, String field, int value, int min, int max) {
        checkRange("bridge " + name, field, value, min, max);
    }

    /** @throws IllegalArgumentException "WHAT: FIELD VALUE is outside MIN..MAX" */
    static void checkRange(String what, String field, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(what + ": " + field + " " + value + " is outside " + min + ".." + max);
        }
    }

    /** Largest frame (without FCS) the bridge carries: with a tag when the frame has one. */
    public int maxFrame(boolean tagged) {
        return ethernetMtu + Frames.HEADER_SIZE + (tagged ? Frames.VLAN_TAG_SIZE : 0);
    }
}
