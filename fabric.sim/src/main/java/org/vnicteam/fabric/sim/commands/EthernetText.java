package org.vnicteam.fabric.sim.commands;

import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

import org.vnicteam.fabric.sim.commands.FabricText.Table;
import org.vnicteam.fabric.sim.ethernet.HostStatus;
import org.vnicteam.fabric.sim.ethernet.PingResult;
import org.vnicteam.fabric.sim.ethernet.SegmentStatus;
import org.vnicteam.fabric.sim.ethernet.SegmentStatus.FdbEntry;
import org.vnicteam.fabric.sim.ethernet.SegmentStatus.PortCounters;
import org.vnicteam.fabric.sim.ethernet.SegmentStatus.PortStatus;
import org.vnicteam.fabric.sim.ethernet.StreamStats;
import org.vnicteam.fabric.sim.ethernet.TxStreamStatus;

/** Plain-text tables of the Ethernet segment's DTOs, read at a glance. No Gogo types here. */
final class EthernetText {

    private EthernetText() {
    }

    /** Summary line, ports, port counters, clients, FDB. */
    static String status(SegmentStatus s) {
        StringBuilder sb = new StringBuilder();
        sb.append(summary(s)).append("\n\n");
        sb.append(ports(s.ports())).append('\n');
        sb.append(counters(s.ports())).append('\n');
        sb.append(hosts(s)).append('\n');
        sb.append(fdb(s.fdb()));
        return sb.toString();
    }

    static String summary(SegmentStatus s) {
        long up = s.ports().stream().filter(PortStatus::up).count();
        return String.format(Locale.ROOT, "ethernet segment %s: %d ports (%d up), %d clients, %d FDB entries; "
                + "%d frames switched, queue high water %d of %d", s.name(), s.ports().size(), up, s.hosts().size(),
                s.fdb().size(), s.counters().framesSwitched(), s.counters().queueHighWater(),
                s.counters().queueCapacity());
    }

    static String ports(List<PortStatus> ports) {
        Table t = new Table("PORT", "MODE", "VLANS", "LINK", "PEER", "RX-FRAMES", "TX-FRAMES", "DROPPED");
        for (PortStatus p : ports) {
            PortCounters c = p.counters();
            t.row(p.name(), p.mode().name().toLowerCase(Locale.ROOT), vids(p), link(p),
                    p.peer() + " (" + p.peerKind().name().toLowerCase(Locale.ROOT) + ")", String.valueOf(c.rxFrames()),
                    String.valueOf(c.txFrames()), String.valueOf(dropped(c)));
        }
        return t.toString();
    }

    static String counters(List<PortStatus> ports) {
        Table t = new Table("COUNTERS", "RX-BYTES", "TX-BYTES", "DROP:WRONG-VLAN", "UNTAGGED-ON-TRUNK", "QUEUE-FULL",
                "MALFORMED", "LINK-DOWN", "REMOVED");
        for (PortStatus p : ports) {
            PortCounters c = p.counters();
            t.row(p.name(), String.valueOf(c.rxBytes()), String.valueOf(c.txBytes()), String.valueOf(c.droppedWrongVlan()),
                    String.valueOf(c.droppedUntaggedOnTrunk()), String.valueOf(c.droppedQueueOverflow()),
                    String.valueOf(c.droppedMalformed()), String.valueOf(c.droppedLinkDown()),
                    String.valueOf(c.droppedDetached()));
        }
        return t.toString();
    }

    static String hosts(SegmentStatus s) {
        Table t = new Table("CLIENT", "IP", "MAC", "PORT", "VLAN", "RX-FRAMES", "TX-FRAMES", "RX-DROPPED", "STREAMS-TX/RX");
        for (HostStatus h : s.hosts()) {
            PortStatus port = s.ports().stream().filter(p -> p.peer().equals(h.name())).findFirst().orElse(null);
            String vlan = h.vlan() != 0 ? String.valueOf(h.vlan()) : port == null ? "-" : vids(port);
            HostStatus.Counters c = h.counters();
            t.row(h.name(), h.ip() + "/" + h.prefixLength(), h.mac(), port == null ? "-" : port.name(), vlan,
                    String.valueOf(c.rxFrames()), String.valueOf(c.txFrames()), String.valueOf(c.rxDropped()),
                    h.txStreams().size() + "/" + h.rxStreams().size());
        }
        return t.toString();
    }

    static String fdb(List<FdbEntry> fdb) {
        if (fdb.isEmpty()) {
            return "FDB: empty\n";
        }
        Table t = new Table("FDB-VLAN", "MAC", "PORT", "AGE");
        for (FdbEntry e : fdb) {
            t.row(String.valueOf(e.vid()), e.mac(), e.port(), seconds(e.ageNanos()));
        }
        return t.toString();
    }

    static String portLine(PortStatus p) {
        PortCounters c = p.counters();
        return String.format(Locale.ROOT, "%s %s %s %s -> %s rx %d tx %d dropped %d", p.name(),
                p.mode().name().toLowerCase(Locale.ROOT), vids(p), link(p), p.peer(), c.rxFrames(), c.txFrames(),
                dropped(c));
    }

    static String ping(PingResult r) {
        StringBuilder sb = new StringBuilder(pingLine(r)).append('\n');
        for (int i = 0; i < r.rttNanos().size(); i++) {
            sb.append(String.format(Locale.ROOT, "  reply %d: %s%n", i + 1, millis(r.rttNanos().get(i))));
        }
        return sb.toString();
    }

    static String pingLine(PingResult r) {
        String line = String.format(Locale.ROOT, "ping %s: %d sent, %d received, %d lost", r.target(), r.sent(),
                r.received(), r.lost());
        if (r.received() > 0) {
            double avg = r.rttNanos().stream().mapToLong(Long::longValue).average().orElse(0);
            line += "; rtt min/avg/max " + millis(r.minRttNanos()) + " / " + millis((long) avg) + " / "
                    + millis(r.maxRttNanos());
        }
        return line;
    }

    static String clientStream(ClientStream s) {
        TxStreamStatus t = s.stream();
        return String.format(Locale.ROOT, "stream %d: %s -> %s, %s datagrams/s, %d of %d sent, %s%s", t.streamId(),
                s.client(), t.destination(), rate(t.framesPerSecond()), t.sent(), t.count(),
                t.state().name().toLowerCase(Locale.ROOT),
                t.state() == TxStreamStatus.State.RUNNING || t.state() == TxStreamStatus.State.RESOLVING
                        ? " (ethernet:stopstream " + s.client() + " " + t.streamId() + " stops it)" : "");
    }

    static String streams(StreamReport r) {
        List<String[]> sent = r.clients().stream().flatMap(c -> c.sent().stream().map(t -> new String[] { c.name(),
            String.valueOf(t.streamId()), t.destination(), rate(t.framesPerSecond()), String.valueOf(t.sent()),
            String.valueOf(t.count()), t.state().name().toLowerCase(Locale.ROOT) })).toList();
        List<String[]> received = r.clients().stream().flatMap(c -> c.received().stream().map(x -> received(c, x)))
                .toList();
        if (sent.isEmpty() && received.isEmpty()) {
            return "no streams" + (r.clients().size() == 1 ? " at " + r.clients().get(0).name() : "")
                    + " (ethernet:stream CLIENT DST_IP DST_PORT RATE COUNT starts one)\n";
        }
        StringBuilder sb = new StringBuilder();
        if (!sent.isEmpty()) {
            Table t = new Table("SENDER", "ID", "DESTINATION", "RATE/S", "SENT", "COUNT", "STATE");
            sent.forEach(t::row);
            sb.append(t);
        }
        if (!received.isEmpty()) {
            if (!sent.isEmpty()) {
                sb.append('\n');
            }
            Table t = new Table("RECEIVER", "SOURCE", "ID", "PORT", "RECEIVED", "LOST", "DUPLICATES", "REORDERED",
                    "TOO-LATE", "LONGEST-GAP", "LATENCY-MIN/AVG/MAX");
            received.forEach(t::row);
            sb.append(t);
        }
        return sb.toString();
    }

    private static String[] received(StreamReport.Client c, StreamStats x) {
        return new String[] { c.name(), x.source(), String.valueOf(x.streamId()), String.valueOf(x.dstPort()),
            String.valueOf(x.received()), String.valueOf(x.lost()), String.valueOf(x.duplicates()),
            String.valueOf(x.reordered()), String.valueOf(x.tooLate()), millis(x.maxInterArrivalNanos()),
            millis(x.minLatencyNanos()) + "/" + millis(x.meanLatencyNanos()) + "/" + millis(x.maxLatencyNanos()) };
    }

    static String streamsLine(StreamReport r) {
        return r.clients().stream().map(c -> c.name() + ": " + c.sent().size() + " sent, " + c.received().size()
                + " received").collect(Collectors.joining("; "));
    }

    private static long dropped(PortCounters c) {
        return c.droppedWrongVlan() + c.droppedUntaggedOnTrunk() + c.droppedQueueOverflow() + c.droppedMalformed()
                + c.droppedLinkDown() + c.droppedDetached();
    }

    /** "1,2", or "2 (1 dropped)" while VLANs are dropped from the trunk. */
    private static String vids(PortStatus p) {
        String carried = p.vids().isEmpty() ? "-" : join(p.vids());
        return p.droppedVids().isEmpty() ? carried : carried + " (" + join(p.droppedVids()) + " dropped)";
    }

    /** "up", "DOWN", or "up REMOVED" for a port removed from the switch (its peer keeps carrier). */
    private static String link(PortStatus p) {
        return (p.up() ? "up" : "DOWN") + (p.attached() ? "" : " REMOVED");
    }

    private static String join(List<Integer> vids) {
        return vids.stream().map(String::valueOf).collect(Collectors.joining(","));
    }

    /** "0.183 ms". */
    static String millis(long nanos) {
        return String.format(Locale.ROOT, "%.3f ms", nanos / 1e6);
    }

    private static String seconds(long nanos) {
        return String.format(Locale.ROOT, "%.1f s", nanos / 1e9);
    }

    private static String rate(double fps) {
        return fps == Math.rint(fps) ? String.valueOf((long) fps) : FabricText.rate(fps);
    }
}
