package org.vnicteam.fabric.sim.ethernet;

import java.util.List;

/**
 * A consistent snapshot of a simulated Ethernet segment, taken on its event thread.
 *
 * @param name segment name
 * @param ports switch ports in configuration order
 * @param fdb the switch's forwarding database (entries not yet aged out)
 * @param hosts the simulated hosts cabled to the switch
 * @param counters segment-wide counters
 */
public record SegmentStatus(String name, List<PortStatus> ports, List<FdbEntry> fdb, List<HostStatus> hosts,
        SegmentCounters counters) {

    public SegmentStatus {
        ports = List.copyOf(ports);
        fdb = List.copyOf(fdb);
        hosts = List.copyOf(hosts);
    }

    /**
     * A switch port.
     *
     * @param name port name, e.g. "p1"
     * @param mode access or trunk
     * @param vids the access VID, or the trunk's VIDs it carries now, ascending
     * @param up link up (the cable is plugged and the peer has carrier)
     * @param peer what is cabled to it: the bridge's Ethernet port name or the host name
     * @param peerKind BRIDGE or HOST
     * @param counters its counters
     * @param attached whether the port is part of the switch; a removed one keeps cable and carrier
     *        but switches nothing
     * @param droppedVids configured trunk VIDs dropped from it for now, ascending
     */
    public record PortStatus(String name, PortMode mode, List<Integer> vids, boolean up, String peer, PeerKind peerKind,
            PortCounters counters, boolean attached, List<Integer> droppedVids) {
        public PortStatus {
            vids = List.copyOf(vids);
            droppedVids = List.copyOf(droppedVids);
        }

        /** A port that is part of the switch with all its VLANs. */
        public PortStatus(String name, PortMode mode, List<Integer> vids, boolean up, String peer, PeerKind peerKind,
                PortCounters counters) {
            this(name, mode, vids, up, peer, peerKind, counters, true, List.of());
        }
    }

    /** What a switch port is cabled to. */
    public enum PeerKind {
        /** an {@link org.vnicteam.api.ethernet.EthernetPort} service a bridge binds */
        BRIDGE,
        /** a {@link SimIpHost} */
        HOST
    }

    /**
     * Counters of a switch port. rx = into the switch from the peer, tx = out of the switch to it.
     * A frame that enters is either forwarded/flooded or counted in one drop counter of its
     * ingress port.
     *
     * @param rxFrames frames accepted on entry
     * @param rxBytes their bytes
     * @param txFrames frames sent out of the port
     * @param txBytes their bytes
     * @param droppedWrongVlan tagged with a VID the port does not carry
     * @param droppedUntaggedOnTrunk untagged (or priority-tagged) frame on a trunk port
     * @param droppedQueueOverflow the segment's queue was full when the frame was offered
     * @param droppedMalformed shorter than 14 bytes (18 when tagged), longer than the port's
     *        maximum, VID 4095, or a multicast source address
     * @param droppedLinkDown offered while the port's link was down
     * @param droppedDetached sent by its peer while the port was removed from the switch (they went
     *        nowhere: the peer's carrier stayed up)
     */
    public record PortCounters(long rxFrames, long rxBytes, long txFrames, long txBytes, long droppedWrongVlan,
            long droppedUntaggedOnTrunk, long droppedQueueOverflow, long droppedMalformed, long droppedLinkDown,
            long droppedDetached) {

        /** Counters of a port never removed from the switch. */
        public PortCounters(long rxFrames, long rxBytes, long txFrames, long txBytes, long droppedWrongVlan,
                long droppedUntaggedOnTrunk, long droppedQueueOverflow, long droppedMalformed, long droppedLinkDown) {
            this(rxFrames, rxBytes, txFrames, txBytes, droppedWrongVlan, droppedUntaggedOnTrunk, droppedQueueOverflow,
                    droppedMalformed, droppedLinkDown, 0);
        }
    }

    /**
     * One learned address.
     *
     * @param vid VLAN
     * @param mac MAC address "02:00:c6:12:01:0b"
     * @param port switch port name it was learned on
     * @param ageNanos time since a frame from it was last seen
     */
    public record FdbEntry(int vid, String mac, String port, long ageNanos) {
    }

    /**
     * @param framesSwitched frames taken off the segment queue and switched
     * @param framesFiltered known unicast whose destination sits behind its own ingress port (not sent)
     * @param queueCapacity bound of the segment's frame queue
     * @param queueHighWater the most frames that were ever waiting in it
     * @param buffersAllocated pooled frame buffers allocated so far (stops growing when steady)
     * @param fdbCapacity most addresses the FDB holds
     * @param fdbFull addresses not learned because the FDB was full
     * @param ageingNanos FDB ageing time
     */
    public record SegmentCounters(long framesSwitched, long framesFiltered, int queueCapacity, int queueHighWater, long buffersAllocated,
            int fdbCapacity, long fdbFull, long ageingNanos) {
    }

    public PortStatus port(String name) {
        return ports.stream().filter(p -> p.name().equals(name) || p.peer().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no port " + name));
    }

    public HostStatus host(String name) {
        return hosts.stream().filter(h -> h.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no host " + name));
    }
}
