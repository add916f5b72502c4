package org.vnicteam.fabric.sim.ethernet;

import java.util.List;

/**
 * A snapshot of a {@link SimIpHost}.
 *
 * @param name host name
 * @param mac MAC address, "02:00:c6:12:01:0b"
 * @param ip IPv4 address
 * @param prefixLength subnet prefix length
 * @param vlan VLAN id it tags its frames with, 0 for untagged (the usual case)
 * @param counters frame counters
 * @param arpCache ARP cache entries
 * @param txStreams streams it sends
 * @param rxStreams streams it receives
 */
public record HostStatus(String name, String mac, String ip, int prefixLength, int vlan, Counters counters,
        List<ArpEntry> arpCache, List<TxStreamStatus> txStreams, List<StreamStats> rxStreams) {

    public HostStatus {
        arpCache = List.copyOf(arpCache);
        txStreams = List.copyOf(txStreams);
        rxStreams = List.copyOf(rxStreams);
    }

    /**
     * @param ip IPv4 address
     * @param mac its MAC
     * @param ageNanos time since the entry was last confirmed
     */
    public record ArpEntry(String ip, String mac, long ageNanos) {
    }

    /**
     * Frame counters of a host. Every frame received is either handled or counted in exactly one
     * drop counter.
     *
     * @param rxFrames frames handed to the host
     * @param rxBytes their bytes
     * @param txFrames frames the host sent
     * @param txBytes their bytes
     * @param arpRequestsAnswered ARP requests for its address it answered
     * @param arpRepliesReceived ARP replies received
     * @param echoRequestsAnswered ICMP echo requests answered
     * @param echoRepliesReceived ICMP echo replies received
     * @param udpEchoed UDP datagrams echoed on port 7
     * @param streamDatagrams stream datagrams received
     * @param droppedMalformed frames that did not parse, bad checksums, truncated headers
     * @param droppedNotForUs frames for another MAC or IP (flooded unicast, others' ARP)
     * @param droppedVlan frames with a VLAN tag other than the host's
     * @param droppedUnsupported frames of protocols the host does not speak (IPv6, TCP, ...)
     * @param droppedUnresolved outgoing packets dropped: ARP unanswered or too many waiting
     * @param droppedNoRoute outgoing packets to an address outside the host's subnet
     */
    public record Counters(long rxFrames, long rxBytes, long txFrames, long txBytes, long arpRequestsAnswered,
            long arpRepliesReceived, long echoRequestsAnswered, long echoRepliesReceived, long udpEchoed,
            long streamDatagrams, long droppedMalformed, long droppedNotForUs, long droppedVlan,
            long droppedUnsupported, long droppedUnresolved, long droppedNoRoute) {

        /** All received frames that were dropped. */
        public long rxDropped() {
            return droppedMalformed + droppedNotForUs + droppedVlan + droppedUnsupported;
        }
    }

    /** The stats of the stream from {@code source} ("ip:port") with that id, or null. */
    public StreamStats rxStream(String source, int streamId) {
        return rxStreams.stream().filter(s -> s.source().equals(source) && s.streamId() == streamId).findFirst()
                .orElse(null);
    }
}
