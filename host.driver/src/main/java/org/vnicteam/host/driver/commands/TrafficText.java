package org.vnicteam.host.driver.commands;

import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

import org.vnicteam.fabric.sim.ethernet.StreamStats;
import org.vnicteam.fabric.sim.ethernet.TxStreamStatus;

/** Plain text of the server's streams (as ethernet:streams shows the clients'). No Gogo types here. */
final class TrafficText {

    private TrafficText() {
    }

    static String serverStream(ServerStream s) {
        TxStreamStatus t = s.stream();
        return String.format(Locale.ROOT, "stream %d: server (VLAN %d) -> %s, %s datagrams/s, %d of %d sent, %s%s",
                t.streamId(), s.vlan(), t.destination(), rate(t.framesPerSecond()), t.sent(), t.count(),
                t.state().name().toLowerCase(Locale.ROOT),
                t.state() == TxStreamStatus.State.RUNNING || t.state() == TxStreamStatus.State.RESOLVING
                        ? " (team:stopstream " + s.vlan() + " " + t.streamId() + " stops it)" : "");
    }

    static String streams(ServerStreams r) {
        List<String[]> sent = r.vlans().stream().flatMap(v -> v.sent().stream().map(t -> new String[] {
            "server VLAN " + v.vlan(), String.valueOf(t.streamId()), t.destination(), rate(t.framesPerSecond()),
            String.valueOf(t.sent()), String.valueOf(t.count()), t.state().name().toLowerCase(Locale.ROOT) }))
                .toList();
        List<String[]> received = r.vlans().stream().flatMap(v -> v.received().stream().map(x -> received(v, x)))
                .toList();
        if (sent.isEmpty() && received.isEmpty()) {
            return "no streams at the server (team:stream VLAN DST_IP DST_PORT RATE COUNT starts one)\n";
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

    private static String[] received(ServerStreams.Vlan v, StreamStats x) {
        return new String[] { "server VLAN " + v.vlan(), x.source(), String.valueOf(x.streamId()),
            String.valueOf(x.dstPort()), String.valueOf(x.received()), String.valueOf(x.lost()),
            String.valueOf(x.duplicates()), String.valueOf(x.reordered()), String.valueOf(x.tooLate()),
            TeamText.millis(x.maxInterArrivalNanos()), TeamText.millis(x.minLatencyNanos()) + "/"
                    + TeamText.millis(x.meanLatencyNanos()) + "/" + TeamText.millis(x.maxLatencyNanos()) };
    }

    static String streamsLine(ServerStreams r) {
        return r.vlans().stream().map(v -> "server VLAN " + v.vlan() + ": " + v.sent().size() + " sent, "
                + v.received().size() + " received").collect(Collectors.joining("; "));
    }

    private static String rate(double fps) {
        return fps == Math.rint(fps) ? String.valueOf((long) fps) : String.format(Locale.ROOT, "%.3g", fps);
    }
}
