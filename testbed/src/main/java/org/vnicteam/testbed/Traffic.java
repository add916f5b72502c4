package org.vnicteam.testbed;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * UDP sequence streams both ways on both VLANs between a system under test's server and one
 * client per VLAN (client1 on VLAN 1, client3 on VLAN 2), all at one rate: client → server on
 * ports BASE+1/BASE+2 (by VLAN), server → client on BASE+11/BASE+12. Runs until stopped (at most
 * {@code maxSeconds}); afterwards any stretch of time can be examined, e.g. around a link cut.
 */
final class Traffic implements AutoCloseable {

    /** Client → server or server → client. */
    enum Direction {
        UP("client→server"), DOWN("server→client");

        final String label;

        Direction(String label) {
            this.label = label;
        }
    }

    /** One direction's figures for a stretch of time: the longest outage of its streams and their frames lost. */
    record Outage(double millis, long lost) {
    }

    private record Flow(Direction direction, int vlan, String ns, StreamReceiver receiver) {
    }

    private final List<Flow> flows = new ArrayList<>();
    private final StreamSender sender;
    private final Map<Flow, StreamReport> reports = new LinkedHashMap<>();
    /** Per receiving namespace: its RcvbufErrors at the start, then the increase over the run. */
    private final Map<String, Long> socketDrops = new LinkedHashMap<>();
    private long ticks;

    private Traffic(List<Flow> flows, StreamSender sender) {
        this.flows.addAll(flows);
        this.sender = sender;
    }

    static Traffic start(Testbed tb, Testbed.Sut sut, int rate, int maxSeconds, int basePort) throws IOException {
        int count = Math.multiplyExact(rate, maxSeconds);
        List<Flow> flows = new ArrayList<>();
        List<StreamSender.Target> targets = new ArrayList<>();
        try {
            for (Testbed.Client c : List.of(Testbed.CLIENTS.get(0), Testbed.CLIENTS.get(2))) {
                int up = basePort + c.vlan();
                int down = basePort + 10 + c.vlan();
                flows.add(new Flow(Direction.UP, c.vlan(), tb.ns(sut.serverNs),
                        new StreamReceiver(Udp.open(tb.ns(sut.serverNs), up), up, count)));
                flows.add(new Flow(Direction.DOWN, c.vlan(), tb.ns(c.ns()),
                        new StreamReceiver(Udp.open(tb.ns(c.ns()), down), down, count)));
                targets.add(new StreamSender.Target(Udp.open(tb.ns(c.ns()), 0),
                        Udp.parse(sut.serverIp(c.vlan()) + ":" + up), up));
                targets.add(new StreamSender.Target(Udp.open(tb.ns(sut.serverNs), 0),
                        Udp.parse(c.ip() + ":" + down), down));
            }
        } catch (IOException | RuntimeException e) {
            flows.forEach(f -> f.receiver().close());
            for (StreamSender.Target t : targets) {
                t.channel().close();
            }
            throw e;
        }
        Traffic traffic = new Traffic(flows, new StreamSender(targets, rate, count, 64));
        for (Flow f : flows) {
            traffic.socketDrops.putIfAbsent(f.ns(), Udp.rcvbufErrors(f.ns()));
        }
        flows.forEach(f -> f.receiver().start());
        traffic.sender.start();
        return traffic;
    }

    /**
     * Runs the streams for {@code millis} and throws the figures away but for a summary: a freshly
     * started appliance (JIT, caches) and a switch without flows lose frames that a warm one does
     * not, and that is not what a fail-over measurement is about.
     */
    static String warmUp(Testbed tb, Testbed.Sut sut, int rate, long millis, int basePort)
            throws IOException, InterruptedException {
        try (Traffic t = start(tb, sut, rate, (int) (millis / 1000) + 2, basePort)) {
            Thread.sleep(millis);
            t.stop();
            return String.format(java.util.Locale.ROOT, "warm-up %d ms at %d frames/s: c→s lost %d, s→c lost %d", millis,
                    rate, t.whole(Direction.UP).lost(), t.whole(Direction.DOWN).lost());
        }
    }

    long periodNanos() {
        return sender.periodNanos();
    }

    /** Stops the senders, lets the last frames arrive, and analyses every stream. Idempotent. */
    void stop() throws InterruptedException {
        if (!reports.isEmpty()) {
            return;
        }
        sender.close();
        Thread.sleep(300);
        ticks = sender.sent() / Math.max(1, flows.size());
        for (Flow f : flows) {
            reports.put(f, f.receiver().stopAndReport(sender.periodNanos(), 1_000_000));
        }
        for (Map.Entry<String, Long> e : socketDrops.entrySet()) {
            try {
                e.setValue(Udp.rcvbufErrors(e.getKey()) - e.getValue());
            } catch (IOException ex) {
                e.setValue(-1L); // unknown: the namespace went away
            }
        }
    }

    /**
     * Datagrams the receiving sockets of one direction's namespaces dropped for want of buffer
     * (after {@link #stop}): lost by the measurement, counted in the loss figures, should be 0.
     */
    long socketDrops(Direction direction) {
        return flows.stream().filter(f -> f.direction() == direction).map(Flow::ns).distinct()
                .mapToLong(ns -> Math.max(0, socketDrops.getOrDefault(ns, 0L))).sum();
    }

    /** The sequence number sent at (or just after) {@code nanoTime}. */
    private long sequenceAt(long nanoTime) {
        return Math.floorDiv(nanoTime - sender.startNanos() + sender.periodNanos() - 1, sender.periodNanos());
    }

    /** One direction over the frames sent between the two times (after {@link #stop}). */
    Outage between(Direction direction, long fromNanos, long toNanos) {
        long first = sequenceAt(fromNanos);
        long last = Math.min(ticks - 1, sequenceAt(toNanos));
        double outage = 0;
        long lost = 0;
        for (Map.Entry<Flow, StreamReport> e : reports.entrySet()) {
            if (e.getKey().direction() == direction) {
                StreamReport.Window w = e.getValue().window(first, last);
                outage = Math.max(outage, w.outageMillis());
                lost += w.lost();
            }
        }
        return new Outage(outage, lost);
    }

    /** The most frames one stream of that direction lost of those sent between the two times (after {@link #stop}). */
    long maxLostPerStream(Direction direction, long fromNanos, long toNanos) {
        long first = sequenceAt(fromNanos);
        long last = Math.min(ticks - 1, sequenceAt(toNanos));
        return reports.entrySet().stream().filter(e -> e.getKey().direction() == direction)
                .mapToLong(e -> e.getValue().window(first, last).lost()).max().orElse(0);
    }

    /** One direction over the whole run. */
    Outage whole(Direction direction) {
        return between(direction, sender.startNanos(), sender.startNanos() + (ticks - 1) * sender.periodNanos());
    }

    /** Frames sent per stream. */
    long ticks() {
        return ticks;
    }

    /** The streams' reports, one line each (after {@link #stop}). */
    List<String> summaries() {
        List<String> lines = new ArrayList<>();
        for (Direction d : Direction.values()) {
            lines.add(d.label + ": datagrams dropped by the receiving sockets (RcvbufErrors): " + socketDrops(d));
        }
        reports.forEach((f, r) -> {
            StreamReport.Window w = r.window(0, ticks - 1);
            lines.add(String.format(java.util.Locale.ROOT, "%s VLAN %d: sent %d, lost %d, duplicates %d, longest outage %.3f ms",
                    f.direction().label, f.vlan(), ticks, w.lost(), r.duplicates(), w.outageMillis()));
        });
        return lines;
    }

    @Override
    public void close() {
        sender.close();
        flows.forEach(f -> f.receiver().close());
    }
}
