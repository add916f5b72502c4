package org.vnicteam.bridge.core.internal;

import java.util.Collection;
import java.util.List;
import java.util.TreeSet;

/**
 * What CONFIG_ADDRESSES programmed into one channel: the team MAC and the VLANs, immutable so the
 * data path reads one volatile reference and then plain fields. The VLAN set is a 4096-bit map:
 * one array read per frame.
 */
final class AddressFilter {

    static final int MAX_VLAN = 4094;

    /** Before CONFIG_ADDRESSES: nothing from Ethernet is for the host. */
    static final AddressFilter NONE = new AddressFilter();

    final boolean programmed;
    final long teamMac;
    final byte[] teamMacBytes;
    final List<Integer> vlans;
    private final long[] vlanBits = new long[4096 / 64];

    private AddressFilter() {
        programmed = false;
        teamMac = -1;
        teamMacBytes = null;
        vlans = List.of();
    }

    AddressFilter(byte[] mac, Collection<Integer> vlanIds) {
        teamMac = Frames.macValue(mac);
        teamMacBytes = mac.clone();
        TreeSet<Integer> sorted = new TreeSet<>();
        for (Integer v : vlanIds) {
            if (v == null || v < 0 || v > MAX_VLAN) {
                throw new IllegalArgumentException("VLAN " + v + " is outside 0..4094");
            }
            sorted.add(v);
            vlanBits[v >>> 6] |= 1L << (v & 63);
        }
        vlans = List.copyOf(sorted);
        programmed = true;
    }

    boolean carriesVlan(int vlan) {
        return (vlanBits[vlan >>> 6] & (1L << (vlan & 63))) != 0;
    }

    /**
     * Whether a frame from Ethernet goes to the host: addressed to the team MAC or to a group, on
     * a programmed VLAN, and not one of the team's own frames flooded back (that would loop the
     * host's broadcasts through the backup bridge).
     */
    boolean accepts(long destination, boolean groupDestination, long source, int vlan) {
        return programmed && source != teamMac && (groupDestination || destination == teamMac)
                && carriesVlan(vlan);
    }

    String teamMacText() {
        return programmed ? Frames.formatMac(teamMac) : "";
    }
}
