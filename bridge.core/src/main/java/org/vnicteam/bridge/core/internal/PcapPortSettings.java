package org.vnicteam.bridge.core.internal;

/**
 * What one Ethernet port on a Linux interface is, checked once: the component turns its
 * configuration into this, tests build it directly.
 *
 * @param name the port's name (service property {@code ethernet.port.name})
 * @param interfaceName the Linux interface, e.g. {@code eth1} or {@code veth-a}
 * @param namespace the network namespace holding it ({@code ip netns} name); empty: the process's own
 * @param mtu payload MTU: frames of mtu + 14 bytes untagged, mtu + 18 tagged
 * @param bufferKib the kernel capture ring, in KiB
 * @param interfaceUp set the interface administratively up when the port opens
 * @param reopenMillis how often to try again to open the capture while the interface is there but
 *        the capture could not be opened
 */
public record PcapPortSettings(String name, String interfaceName, String namespace, int mtu, int bufferKib,
        boolean interfaceUp, int reopenMillis) {

    public static final int DEFAULT_BUFFER_KIB = 8192;
    public static final int DEFAULT_REOPEN_MILLIS = 1000;
    public static final int MAX_MTU = 9000;
    private static final int MAX_INTERFACE_NAME = 15;

    public PcapPortSettings {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("an Ethernet port needs a name");
        }
        if (interfaceName == null || interfaceName.isBlank() || interfaceName.length() > MAX_INTERFACE_NAME
                || interfaceName.contains("/") || interfaceName.contains(" ")) {
            throw new IllegalArgumentException("Ethernet port " + name + ": interface '" + interfaceName
                    + "' is not a Linux interface name (1.." + MAX_INTERFACE_NAME + " characters, no '/' or space)");
        }
        namespace = namespace == null ? "" : namespace.trim();
        check(name, "mtu", mtu, BridgeSettings.MIN_MTU, MAX_MTU);
        check(name, "buffer.kib", bufferKib, 64, 1 << 20);
        check(name, "reopen.interval.ms", reopenMillis, 10, 60_000);
    }

    /** Defaults for everything but identity. */
    public static PcapPortSettings of(String name, String interfaceName, String namespace) {
        return new PcapPortSettings(name, interfaceName, namespace, BridgeSettings.DEFAULT_MTU, DEFAULT_BUFFER_KIB,
                true, DEFAULT_REOPEN_MILLIS);
    }

    private static void check(String name, String field, int value, int min, int max) {
        BridgeSettings.checkRange("Ethernet port " + name, field, value, min, max);
    }

    /** Largest frame (without FCS) the port carries: with a tag when the frame has one. */
    public int maxFrame(boolean tagged) {
        return mtu + Frames.HEADER_SIZE + (tagged ? Frames.VLAN_TAG_SIZE : 0);
    }
}
