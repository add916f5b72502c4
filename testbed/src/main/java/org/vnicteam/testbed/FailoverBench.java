package org.vnicteam.testbed;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.vnicteam.appliance.http.internal.MiniJson;
import org.vnicteam.testbed.Testbed.Sut;
import org.vnicteam.testbed.Traffic.Direction;
import org.vnicteam.testbed.Traffic.Outage;

/**
 * The fail-over benchmark on a running testbed: our team against the OVS active-backup bond, side
 * by side. For each system and rate, UDP sequence streams run both ways on both VLANs while the
 * active link is failed and restored a number of times (the active one is read before each cut:
 * with fail-back none the active moves); then failures that keep carrier; then TCP throughput and
 * ping RTT. Prints Markdown. Run by testbed/bench-failover.
 */
public final class FailoverBench {

    /** How a link is failed and restored. */
    enum Failure {
        CARRIER("link cut (carrier lost): ip link set LINK down"),
        PORT_REMOVED("port removed from the switch (carrier kept): ovs-vsctl del-port"),
        VLAN_DROPPED("VLAN 1 dropped from the trunk (carrier kept): trunks=2");

        final String label;

        Failure(String label) {
            this.label = label;
        }
    }

    /**
     * One failure and its restoration: the outage per direction, whether the active link moved, and
     * (ours) how many frames the bridges sent into the dead link before they noticed.
     */
    private record Cut(EnumMap<Direction, Outage> outage, boolean failedOver, long wireDrops) {
    }

    private static final int BASE_PORT = 5100;
    private static final Pattern RTT = Pattern.compile("= ([0-9.]+)/([0-9.]+)/([0-9.]+)/([0-9.]+) ms");

    private final Testbed tb;
    private final PrintStream out;
    private final int repeats;
    private final long holdMillis;
    private final long bondWaitMillis;

    FailoverBench(Testbed tb, PrintStream out, int repeats, long holdMillis, long bondWaitMillis) {
        this.tb = tb;
        this.out = out;
        this.repeats = repeats;
        this.holdMillis = holdMillis;
        this.bondWaitMillis = bondWaitMillis;
    }

    public static void main(String[] args) throws Exception {
        Path run = Path.of("/run/vnicteam-testbed");
        int repeats = 5;
        List<Integer> rates = List.of(1000, 5000);
        boolean throughput = true;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String v = i + 1 < args.length ? args[i + 1] : null;
            switch (a) {
                case "--run" -> run = Path.of(need(a, v));
                case "--repeats" -> repeats = Integer.parseInt(need(a, v));
                case "--rates" -> rates = Arrays.stream(need(a, v).split(",")).map(Integer::valueOf).toList();
                case "--no-throughput" -> {
                    throughput = false;
                    i--;
                }
                default -> {
                    System.err.println("bench-failover: unknown option " + a
                            + " (--run DIR, --repeats N, --rates 1000,5000, --no-throughput)");
                    System.exit(2);
                }
            }
            i++;
        }
        if (repeats < 1 || repeats > 50) {
            throw new IllegalArgumentException("--repeats " + repeats + " not in 1..50");
        }
        Testbed tb = new Testbed(run);
        new FailoverBench(tb, System.out, repeats, 300, 2000).runAll(rates, throughput);
    }

    private static String need(String option, String value) {
        if (value == null) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return value;
    }

    void runAll(List<Integer> rates, boolean throughput) throws Exception {
        List<Sut> suts = tb.appliance ? List.of(Sut.OURS, Sut.BOND) : List.of(Sut.BOND);
        long start = System.nanoTime();
        machine();
        int top = rates.stream().mapToInt(Integer::intValue).max().orElse(1000);
        for (Sut sut : suts) {
            requireHealthy(sut);
            out.println(sut.label + ": " + Traffic.warmUp(tb, sut, top, 2000, BASE_PORT));
        }
        Map<Integer, Map<Sut, List<Cut>>> carrier = new LinkedHashMap<>();
        for (int rate : rates) {
            for (Sut sut : suts) {
                carrier.computeIfAbsent(rate, r -> new EnumMap<>(Sut.class)).put(sut, cuts(sut, Failure.CARRIER, rate, repeats, holdMillis));
            }
        }
        Map<Failure, Map<Sut, List<Cut>>> keeping = new LinkedHashMap<>();
        for (Failure f : List.of(Failure.PORT_REMOVED, Failure.VLAN_DROPPED)) {
            for (Sut sut : suts) {
                // the bond never notices these: once, with a bounded wait, to show it
                boolean bond = sut == Sut.BOND;
                keeping.computeIfAbsent(f, k -> new EnumMap<>(Sut.class)).put(sut,
                        cuts(sut, f, 1000, bond ? 1 : repeats, bond ? bondWaitMillis : holdMillis));
            }
        }
        out.println();
        out.printf(Locale.ROOT, "### Carrier loss: the active link cut at the switch and restored, %d times per row%n%n", repeats);
        table(carrier.entrySet().stream().map(e -> Map.entry(e.getKey() + " frames/s", e.getValue())).toList(), suts);
        out.println();
        out.printf(Locale.ROOT, "### Failures that keep carrier (1000 frames/s; ours %d times, the bond once, %d ms)%n%n",
                repeats, bondWaitMillis);
        table(keeping.entrySet().stream().map(e -> Map.entry(e.getKey().label, e.getValue())).toList(), suts);
        if (throughput) {
            out.println();
            throughputAndRtt(suts);
        }
        out.printf(Locale.ROOT, "%n(the whole run: %.0f s)%n", (System.nanoTime() - start) / 1e9);
        out.flush();
    }

    private void machine() {
        String cpu = Sh.run(5, "sh", "-c", "echo \"$(nproc) cores, Linux $(uname -r), $(ovs-vswitchd --version | head -1)\"")
                .output().strip();
        out.printf(Locale.ROOT, "Machine: %s, Java %s. Streams: UDP, 64-byte payload, both ways on VLANs 1 and 2 "
                + "(client1, client3), paced by parkNanos + spin; outage = longest time between two consecutive "
                + "arrivals minus one period, frames lost counted by sequence number.%n", cpu,
                System.getProperty("java.version"));
    }

    /** Runs streams at {@code rate} and fails/restores the active link {@code times} times. */
    private List<Cut> cuts(Sut sut, Failure failure, int rate, int times, long hold) throws Exception {
        out.printf(Locale.ROOT, "%s, %s, %d frames/s: ", sut.label, failure.name().toLowerCase(Locale.ROOT), rate);
        out.flush();
        requireHealthy(sut);
        List<long[]> windows = new ArrayList<>();
        List<Boolean> moved = new ArrayList<>();
        List<Long> wireDrops = new ArrayList<>();
        List<Cut> cuts = new ArrayList<>();
        try (Traffic traffic = Traffic.start(tb, sut, rate, (int) (times * (hold + 2500) / 1000) + 10, BASE_PORT)) {
            long quietFrom = System.nanoTime();
            Thread.sleep(1000);
            long quietTo = System.nanoTime();
            for (int i = 0; i < times; i++) {
                String link = tb.activeLink(sut);
                long dropsBefore = sut == Sut.OURS ? tb.bridgeWireDrops() : 0;
                long t0 = fail(failure, link, true);
                Thread.sleep(hold);
                moved.add(!tb.activeLink(sut).equals(link));
                fail(failure, link, false);
                requireHealthy(sut);
                Thread.sleep(300);
                wireDrops.add(sut == Sut.OURS ? tb.bridgeWireDrops() - dropsBefore : 0);
                windows.add(new long[] {t0, System.nanoTime()});
                out.print(moved.get(i) ? "+" : "-");
                out.flush();
            }
            traffic.stop();
            for (int i = 0; i < windows.size(); i++) {
                EnumMap<Direction, Outage> o = new EnumMap<>(Direction.class);
                for (Direction d : Direction.values()) {
                    o.put(d, traffic.between(d, windows.get(i)[0], windows.get(i)[1]));
                }
                cuts.add(new Cut(o, moved.get(i), wireDrops.get(i)));
            }
            out.printf(Locale.ROOT, "%n  (before the first failure, 1 s: c→s lost %d, s→c lost %d; receiving sockets dropped"
                    + " c→s %d, s→c %d)%n", traffic.between(Direction.UP, quietFrom, quietTo).lost(),
                    traffic.between(Direction.DOWN, quietFrom, quietTo).lost(), traffic.socketDrops(Direction.UP),
                    traffic.socketDrops(Direction.DOWN));
            for (Cut c : cuts) {
                out.printf(Locale.ROOT, "    %s  c→s %.3f ms lost %d | s→c %.3f ms lost %d%s%n",
                        c.failedOver() ? "failed over" : "stayed     ",
                        c.outage().get(Direction.UP).millis(), c.outage().get(Direction.UP).lost(),
                        c.outage().get(Direction.DOWN).millis(), c.outage().get(Direction.DOWN).lost(),
                        sut == Sut.OURS ? " (" + c.wireDrops() + " sent by the bridges into the dead link)" : "");
            }
        }
        return cuts;
    }

    private void requireHealthy(Sut sut) throws Exception {
        if (!Testbed.await(5000, () -> {
            try {
                return tb.healthy(sut);
            } catch (Exception e) {
                return false;
            }
        })) {
            throw new IllegalStateException(sut.label + " did not get both links back within 5 s"
                    + (sut == Sut.OURS ? ": " + Testbed.members(tb.team()) : ""));
        }
    }

    /** Applies ({@code on}) or undoes a failure of switch port {@code link}; returns nanoTime before the command. */
    private long fail(Failure failure, String link, boolean on) {
        return switch (failure) {
            case CARRIER -> tb.setSwitchLink(link, !on);
            case PORT_REMOVED -> {
                long t = System.nanoTime();
                if (on) {
                    tb.vsctl("switch", "del-port", "br0", link);
                } else {
                    tb.vsctl("switch", "add-port", "br0", link, "--", "set", "port", link, "vlan_mode=trunk", "trunks=1,2");
                }
                yield t;
            }
            case VLAN_DROPPED -> {
                long t = System.nanoTime();
                tb.vsctl("switch", "set", "port", link, on ? "trunks=2" : "trunks=1,2");
                yield t;
            }
        };
    }

    private void table(List<Map.Entry<String, Map<Sut, List<Cut>>>> rows, List<Sut> suts) {
        StringBuilder head = new StringBuilder("| | direction |");
        StringBuilder rule = new StringBuilder("|---|---|");
        for (Sut s : suts) {
            head.append(' ').append(s.label).append(": outage min / median / max ms | ").append(s.label)
                    .append(": lost per cut (max) | failed over |");
            rule.append("---|---|---|");
        }
        if (suts.size() == 2) {
            head.append(" bond ÷ ours (median) |");
            rule.append("---|");
        }
        out.println(head);
        out.println(rule);
        for (var row : rows) {
            for (Direction d : Direction.values()) {
                StringBuilder line = new StringBuilder("| " + row.getKey() + " | " + d.label + " |");
                double[] medians = new double[suts.size()];
                for (int s = 0; s < suts.size(); s++) {
                    List<Cut> cuts = row.getValue().get(suts.get(s));
                    double[] ms = cuts.stream().mapToDouble(c -> c.outage().get(d).millis()).sorted().toArray();
                    long[] lost = cuts.stream().mapToLong(c -> c.outage().get(d).lost()).sorted().toArray();
                    long moved = cuts.stream().filter(Cut::failedOver).count();
                    medians[s] = median(ms);
                    line.append(String.format(Locale.ROOT, " %.2f / %.2f / %.2f | %d (%d) | %d of %d |", ms[0], medians[s],
                            ms[ms.length - 1], (long) median(Arrays.stream(lost).asDoubleStream().toArray()),
                            lost[lost.length - 1], moved, cuts.size()));
                }
                if (suts.size() == 2) {
                    line.append(medians[0] > 0 ? String.format(Locale.ROOT, " %.1f |", medians[1] / medians[0]) : " — |");
                }
                out.println(line);
            }
        }
    }

    private static double median(double[] sorted) {
        double[] s = sorted.clone();
        Arrays.sort(s);
        int n = s.length;
        return n == 0 ? 0 : n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }

    private void throughputAndRtt(List<Sut> suts) throws Exception {
        out.println("### Throughput and latency (client1 ↔ the server's VLAN 1 address)");
        out.println();
        Map<Sut, double[]> figures = new EnumMap<>(Sut.class);
        for (Sut sut : suts) {
            double up = iperf(sut, false);
            double down = iperf(sut, true);
            double[] rtt = ping(sut);
            figures.put(sut, new double[] {up, down, rtt[0], rtt[1]});
        }
        StringBuilder head = new StringBuilder("| |");
        StringBuilder rule = new StringBuilder("|---|");
        for (Sut s : suts) {
            head.append(' ').append(s.label).append(" |");
            rule.append("---|");
        }
        if (suts.size() == 2) {
            head.append(" ours ÷ bond |");
            rule.append("---|");
        }
        out.println(head);
        out.println(rule);
        String[] names = {"TCP client→server, iperf3 3 s (Gbit/s)", "TCP server→client, iperf3 -R 3 s (Gbit/s)",
            "ping RTT avg, 200 × 10 ms (ms)", "ping RTT mdev (ms)"};
        for (int i = 0; i < names.length; i++) {
            StringBuilder line = new StringBuilder("| " + names[i] + " |");
            for (Sut s : suts) {
                line.append(String.format(Locale.ROOT, " %.3f |", figures.get(s)[i]));
            }
            if (suts.size() == 2) {
                line.append(String.format(Locale.ROOT, " %.2f |", figures.get(Sut.OURS)[i] / figures.get(Sut.BOND)[i]));
            }
            out.println(line);
        }
    }

    /** TCP throughput in Gbit/s from client1 to the server (or back with {@code reverse}). */
    private double iperf(Sut sut, boolean reverse) throws Exception {
        String ip = sut.serverIp(1);
        Process server = new ProcessBuilder(Sh.inNs(tb.ns(sut.serverNs), "iperf3", "-s", "-1", "-B", ip, "-p", "5201"))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            Thread.sleep(300);
            List<String> client = new ArrayList<>(Sh.inNs(tb.ns("client1"), "iperf3", "-c", ip, "-p", "5201", "-t", "3", "-J"));
            if (reverse) {
                client.add("-R");
            }
            Sh.Result r = Sh.run(15, client).check();
            Map<String, Object> end = MiniJson.object(MiniJson.object(MiniJson.parse(r.output())).get("end"));
            return ((Number) MiniJson.object(end.get("sum_received")).get("bits_per_second")).doubleValue() / 1e9;
        } finally {
            server.destroy();
            if (!server.waitFor(2, TimeUnit.SECONDS)) {
                server.destroyForcibly();
            }
        }
    }

    /** Ping RTT avg and mdev in ms from client1 to the server. */
    private double[] ping(Sut sut) throws IOException {
        Sh.Result r = Sh.run(20, Sh.inNs(tb.ns("client1"), "ping", "-n", "-q", "-c", "200", "-i", "0.01",
                sut.serverIp(1))).check();
        Matcher m = RTT.matcher(r.output());
        if (!m.find()) {
            throw new IOException("no RTT in ping's output: " + r.output());
        }
        return new double[] {Double.parseDouble(m.group(2)), Double.parseDouble(m.group(4))};
    }
}
