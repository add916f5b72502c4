package org.vnicteam.lib.linux;

import java.util.HexFormat;

/**
 * The state of one network interface as rtnetlink reported it.
 *
 * @param name the interface name
 * @param index its ifindex (0 if it never existed while watched)
 * @param exists false once it is deleted, renamed away or moved to another namespace
 * @param adminUp IFF_UP ({@code ip link set NAME up})
 * @param carrier the physical layer has carrier (IFLA_CARRIER, else IFF_LOWER_UP): for a veth, its
 *        peer is up; for a TAP, its file descriptor is open
 * @param address the link-layer address, {@code aa:bb:cc:dd:ee:ff} for Ethernet; empty if none
 * @param mtu the interface MTU (0 if unknown)
 * @param nanoTime {@link System#nanoTime()} when the monitor read the message that told it
 */
public record LinkState(String name, int index, boolean exists, boolean adminUp, boolean carrier, String address,
        int mtu, long nanoTime) {

    /** An interface that does not exist (or no longer). */
    public static LinkState missing(String name, int index, long nanoTime) {
        return new LinkState(name, index, false, false, false, "", 0, nanoTime);
    }

    /** Exists, is up and has carrier: frames can pass. */
    public boolean operational() {
        return exists && adminUp && carrier;
    }

    /** The link-layer address as bytes (empty if none). */
    public byte[] addressBytes() {
        return address.isEmpty() ? new byte[0] : HexFormat.ofDelimiter(":").parseHex(address);
    }

    /** The same link state, whenever it was seen (absent is absent, whatever index it last had). */
    boolean sameAs(LinkState other) {
        if (other == null || !name.equals(other.name) || exists != other.exists) {
            return false;
        }
        return !exists || index == other.index && adminUp == other.adminUp
                && carrier == other.carrier && mtu == other.mtu && address.equals(other.address);
    }

    @Override
    public String toString() {
        if (!exists) {
            return name + " (absent)";
        }
        return name + " #" + index + (adminUp ? " UP" : " DOWN") + (carrier ? " carrier" : " no-carrier")
                + (address.isEmpty() ? "" : " " + address) + " mtu " + mtu;
    }
}
