package org.vnicteam.testbed;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
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
     * One failure and its restoration: the outage per direction at the failure (from the failing
     * command to the restoring one) and at the restoration (from the restoring command to 300 ms
     * after both links were healthy again), whether the active link moved, (ours) how many frames
     * the bridges sent into the dead link before they noticed, and how many frames from the system's
     * links the switch dropped at its input (its packet sockets overflowing while it stalls). The
     * two are kept apart so a
     * fail-over's outage is not confused with a restoration's (fail-back none: a restored link
     * becomes the backup, and neither system should lose anything then).
     */
    private record Cut(EnumMap<Direction, Outage> outage, EnumMap<Direction, Outage> restore, boolean failedOver,
            long wireDrops, long switchDrops) {

        Outage at(Direction d, boolean restoration) {
            return (restoration ? restore : outage).get(d);
        }
    }

    private static final int BASE_PORT = 5100;
    /** Client 1's access port on the switch (testbed/up). */
    private static final String CLIENT1_PORT = "c1";
    private static final Pattern LLADDR = Pattern.compile("lladdr ([0-9a-f:]{17})");
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
        Map<String, Map<Sut, List<Cut>>> keeping = new LinkedHashMap<>();
        for (Failure f : List.of(Failure.PORT_REMOVED, Failure.VLAN_DROPPED)) {
            for (int rate : rates) {
                for (Sut sut : suts) {
                    // the bond never notices these: once, with a bounded wait, to show it
                    boolean bond = sut == Sut.BOND;
                    keeping.computeIfAbsent(f.label + ", " + rate + " frames/s", k -> new EnumMap<>(Sut.class)).put(sut,
                            cuts(sut, f, rate, bond ? 1 : repeats, bond ? bondWaitMillis : holdMillis));
                }
            }
        }
        List<Map.Entry<String, Map<Sut, List<Cut>>>> carrierRows = carrier.entrySet().stream()
                .map(e -> Map.entry(e.getKey() + " frames/s", e.getValue())).toList();
        List<Map.Entry<String, Map<Sut, List<Cut>>>> keepingRows = List.copyOf(keeping.entrySet());
        out.println();
        out.printf(Locale.ROOT, "### Carrier loss: the active link cut at the switch (held %d ms) and restored, %d times per row%n%n",
                holdMillis, repeats);
        table(carrierRows, suts, false);
        out.println();
        out.printf(Locale.ROOT, "### Failures that keep carrier (ours %d times, held %d ms; the bond once, %d ms)%n%n",
                repeats, holdMillis, bondWaitMillis);
        table(keepingRows, suts, false);
        out.println();
        out.println("### At the restoration (the failed link back, both links healthy, then 300 ms; fail-back none)");
        out.println();
        List<Map.Entry<String, Map<Sut, List<Cut>>>> all = new ArrayList<>(carrierRows);
        all.addAll(keepingRows);
        table(all, suts, true);
        out.println();
        switchMoves(suts, top, repeats);
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
        List<Long> switchDrops = new ArrayList<>();
        List<Cut> cuts = new ArrayList<>();
        try (Traffic traffic = Traffic.start(tb, sut, rate, (int) (times * (hold + 2500) / 1000) + 10, BASE_PORT)) {
            long quietFrom = System.nanoTime();
            Thread.sleep(1000);
            long quietTo = System.nanoTime();
            for (int i = 0; i < times; i++) {
                String link = tb.activeLink(sut);
                long dropsBefore = sut == Sut.OURS ? tb.bridgeWireDrops() : 0;
                long switchBefore = tb.switchInputDrops(sut);
                long t0 = fail(failure, link, true);
                Thread.sleep(hold);
                moved.add(!tb.activeLink(sut).equals(link));
                long t1 = fail(failure, link, false);
                requireHealthy(sut);
                Thread.sleep(300);
                wireDrops.add(sut == Sut.OURS ? tb.bridgeWireDrops() - dropsBefore : 0);
                switchDrops.add(Math.max(0, tb.switchInputDrops(sut) - switchBefore));
                windows.add(new long[] {t0, t1, System.nanoTime()});
                out.print(moved.get(i) ? "+" : "-");
                out.flush();
            }
            traffic.stop();
            for (int i = 0; i < windows.size(); i++) {
                long[] w = windows.get(i);
                EnumMap<Direction, Outage> failed = new EnumMap<>(Direction.class);
                EnumMap<Direction, Outage> restored = new EnumMap<>(Direction.class);
                for (Direction d : Direction.values()) {
                    failed.put(d, traffic.between(d, w[0], w[1]));
                    restored.put(d, traffic.between(d, w[1], w[2]));
                }
                cuts.add(new Cut(failed, restored, moved.get(i), wireDrops.get(i), switchDrops.get(i)));
            }
            out.printf(Locale.ROOT, "%n  (before the first failure, 1 s: c→s lost %d, s→c lost %d; receiving sockets dropped"
                    + " c→s %d, s→c %d)%n", traffic.between(Direction.UP, quietFrom, quietTo).lost(),
                    traffic.between(Direction.DOWN, quietFrom, quietTo).lost(), traffic.socketDrops(Direction.UP),
                    traffic.socketDrops(Direction.DOWN));
            for (Cut c : cuts) {
                out.printf(Locale.ROOT, "    %s  c→s %.3f ms lost %d | s→c %.3f ms lost %d | restored: c→s %.3f ms lost %d"
                        + " | s→c %.3f ms lost %d%s%n", c.failedOver() ? "failed over" : "stayed     ",
                        c.at(Direction.UP, false).millis(), c.at(Direction.UP, false).lost(),
                        c.at(Direction.DOWN, false).millis(), c.at(Direction.DOWN, false).lost(),
                        c.at(Direction.UP, true).millis(), c.at(Direction.UP, true).lost(),
                        c.at(Direction.DOWN, true).millis(), c.at(Direction.DOWN, true).lost(),
                        " (" + (sut == Sut.OURS ? c.wireDrops() + " sent by the bridges into the dead link, " : "")
                                + c.switchDrops() + " dropped at the switch's input)");
            }
        }
        return cuts;
    }

    /**
     * Where the outage of a carrier cut goes, for both systems and both ways: the switch's two
     * ports of the system and client 1's port captured (dumpcap) while the system's active link is
     * cut {@code times} times at {@code rate}. A run of its own, after the tables: the capture costs
     * CPU they should not pay.
     */
    private void switchMoves(List<Sut> suts, int rate, int times) throws Exception {
        out.printf(Locale.ROOT, "### Where the outage goes (carrier cut, %d frames/s, %d times, captured at the switch's "
                + "ports)%n%n", rate, times);
        Map<Sut, List<SwitchTrace.Move>[]> moves = new EnumMap<>(Sut.class);
        for (Sut sut : suts) {
            moves.put(sut, traceMoves(sut, rate, times));
        }
        out.println("client→server: the system = from the old port's last client frame out to the new port's first frame"
                + " in from the server (its learning frame or data); the switch = from there to the new port's first"
                + " client frame out (moving the MAC). server→client: the system = from the old port's last server frame"
                + " in to the new port's first; the switch = from there to that frame out of the client's port.");
        out.println();
        out.println("| | direction | the system: min / median / max ms | the switch: min / median / max ms | together ms | cuts traced |");
        out.println("|---|---|---|---|---|---|");
        for (Sut sut : suts) {
            for (Direction d : Direction.values()) {
                List<SwitchTrace.Move> m = moves.get(sut)[d.ordinal()];
                out.printf(Locale.ROOT, "| %s | %s | %s | %s | %s | %d of %d |%n", sut.label, d.label,
                        SwitchTrace.spread(m.stream().mapToDouble(SwitchTrace.Move::systemMillis).toArray()),
                        SwitchTrace.spread(m.stream().mapToDouble(SwitchTrace.Move::switchMillis).toArray()),
                        SwitchTrace.spread(m.stream().mapToDouble(SwitchTrace.Move::totalMillis).toArray()), m.size(), times);
            }
        }
    }

    /** The moves of each cut: [client→server, server→client]. */
    private List<SwitchTrace.Move>[] traceMoves(Sut sut, int rate, int times) throws Exception {
        out.printf(Locale.ROOT, "%s, switch trace, %d frames/s: ", sut.label, rate);
        out.flush();
        requireHealthy(sut);
        int base = BASE_PORT + 200;
        int upPort = base + 1; // client1 → server, VLAN 1 (Traffic's numbering)
        int downPort = base + 11; // server → client1
        Path file = Files.createTempFile("vnicteam-switch-trace", ".pcapng");
        List<double[]> windows = new ArrayList<>();
        List<String[]> ports = new ArrayList<>();
        String mac;
        try (Traffic traffic = Traffic.start(tb, sut, rate, (int) (times * (holdMillis + 2500) / 1000) + 15, base)) {
            Thread.sleep(500); // the client has resolved the server's MAC by now
            mac = serverMac(sut);
            String trunk = "ether src " + mac + " or udp dst port " + upPort + " or (vlan and udp dst port " + upPort + ")";
            String access = "udp dst port " + downPort;
            Process capture = new ProcessBuilder(Sh.inNs(tb.ns("switch"), "dumpcap", "-q",
                    "-i", sut.linkA, "-f", trunk, "-s", "96", "-i", sut.linkB, "-f", trunk, "-s", "96",
                    "-i", CLIENT1_PORT, "-f", access, "-s", "96", "-w", file.toString()))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            try {
                Thread.sleep(1500); // dumpcap opens its interfaces
                if (!capture.isAlive()) {
                    throw new IOException("dumpcap ended at once (exit " + capture.exitValue() + ")");
                }
                for (int i = 0; i < times; i++) {
                    String link = tb.activeLink(sut);
                    ports.add(new String[] {link, link.equals(sut.linkA) ? sut.linkB : sut.linkA});
                    double t0 = epochSeconds();
                    tb.setSwitchLink(link, false);
                    Thread.sleep(holdMillis);
                    double t1 = epochSeconds();
                    tb.setSwitchLink(link, true);
                    requireHealthy(sut);
                    Thread.sleep(300);
                    windows.add(new double[] {t0, t1});
                    out.print(".");
                    out.flush();
                }
            } finally {
                capture.destroy(); // SIGTERM: dumpcap finishes the file
                if (!capture.waitFor(5, TimeUnit.SECONDS)) {
                    capture.destroyForcibly();
                }
            }
        }
        out.println();
        try {
            String fields = Sh.run(120, "tshark", "-n", "-r", file.toString(), "-T", "fields", "-e", "frame.time_epoch",
                    "-e", "frame.interface_name", "-e", "eth.src", "-e", "udp.dstport").check().output();
            List<SwitchTrace.Frame> frames = SwitchTrace.parse(fields, mac, upPort, downPort);
            @SuppressWarnings("unchecked")
            List<SwitchTrace.Move>[] moves = new List[] {new ArrayList<>(), new ArrayList<>()};
            for (int i = 0; i < windows.size(); i++) {
                String[] p = ports.get(i);
                double[] w = windows.get(i);
                SwitchTrace.clientToServer(frames, p[0], p[1], w[0], w[1]).ifPresent(moves[Direction.UP.ordinal()]::add);
                SwitchTrace.serverToClient(frames, p[0], p[1], CLIENT1_PORT, w[0], w[1])
                        .ifPresent(moves[Direction.DOWN.ordinal()]::add);
            }
            return moves;
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /** The server's MAC as client 1 resolved it (ours: the team MAC; the bond: its bridge's). */
    private String serverMac(Sut sut) throws IOException {
        String neigh = Sh.run(5, "ip", "-n", tb.ns("client1"), "neigh", "show", sut.serverIp(1)).check().output();
        Matcher m = LLADDR.matcher(neigh);
        if (!m.find()) {
            throw new IOException("client1 has not resolved " + sut.serverIp(1) + ": " + neigh.strip());
        }
        return m.group(1);
    }

    private static double epochSeconds() {
        Instant now = Instant.now();
        return now.getEpochSecond() + now.getNano() / 1e9;
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

    /** One table of outages: at the failures, or ({@code restoration}) at the restorations. */
    private void table(List<Map.Entry<String, Map<Sut, List<Cut>>>> rows, List<Sut> suts, boolean restoration) {
        StringBuilder head = new StringBuilder("| | direction |");
        StringBuilder rule = new StringBuilder("|---|---|");
        for (Sut s : suts) {
            head.append(' ').append(s.label).append(": outage min / median / max ms | ").append(s.label)
                    .append(": lost per cut (max) |").append(restoration ? "" : " failed over |");
            rule.append(restoration ? "---|---|" : "---|---|---|");
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
                    if (restoration) {
                        // a link that never failed over was dark until its restoration: no figure of its own
                        cuts = cuts.stream().filter(Cut::failedOver).toList();
                        if (cuts.isEmpty()) {
                            line.append(" never failed over | — |");
                            continue;
                        }
                    }
                    double[] ms = cuts.stream().mapToDouble(c -> c.at(d, restoration).millis()).sorted().toArray();
                    long[] lost = cuts.stream().mapToLong(c -> c.at(d, restoration).lost()).sorted().toArray();
                    long moved = cuts.stream().filter(Cut::failedOver).count();
                    medians[s] = median(ms);
                    line.append(String.format(Locale.ROOT, " %.2f / %.2f / %.2f | %d (%d) |", ms[0], medians[s],
                            ms[ms.length - 1], (long) median(Arrays.stream(lost).asDoubleStream().toArray()),
                            lost[lost.length - 1]));
                    if (!restoration) {
                        line.append(String.format(Locale.ROOT, " %d of %d |", moved, cuts.size()));
                    }
                }
                if (suts.size() == 2) {
                    line.append(medians[0] > 0 && medians[1] > 0 ? String.format(Locale.ROOT, " %.1f |", medians[1] / medians[0]) : " — |");
                }
                out.println(line);
            }
        }
    }

    /** The median of some values (in any order). */
    static double median(double[] values) {
        double[] s = values.clone();
        Arrays.sort(s);
        int n = s.length;
        return n == 0 ? 0 : n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }

    private void throughputAndRtt(List<Sut> suts) throws Exception {
        out.println("### Throughput and latency (client1 ↔ the server's VLAN 1 address)");
        out.println();
        Map<Sut, double[]> figures = new EnumMap<>(Sut.class);
        for (Sut sut : suts) {
            double[] up = iperf(sut, false);
            double[] down = iperf(sut, true);
            double[] rtt = ping(sut);
            figures.put(sut, new double[] {up[0], down[0], rtt[0], rtt[1], up[1], down[1]});
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
            "ping RTT avg, 200 × 10 ms (ms)", "ping RTT mdev (ms)",
            "CPU of the system per GB client→server (s; ours: the appliance, the bond: its ovs-vswitchd)",
            "CPU of the system per GB server→client (s)"};
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

    /**
     * TCP throughput in Gbit/s from client1 to the server (or back with {@code reverse}), and the CPU
     * seconds the system under test spent per GB carried meanwhile.
     */
    private double[] iperf(Sut sut, boolean reverse) throws Exception {
        String ip = sut.serverIp(1);
        Process server = new ProcessBuilder(Sh.inNs(tb.ns(sut.serverNs), "iperf3", "-s", "-1", "-B", ip, "-p", "5201"))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            Thread.sleep(300);
            List<String> client = new ArrayList<>(Sh.inNs(tb.ns("client1"), "iperf3", "-c", ip, "-p", "5201", "-t", "3", "-J"));
            if (reverse) {
                client.add("-R");
            }
            double cpuBefore = tb.cpuSeconds(sut);
            Sh.Result r = Sh.run(15, client).check();
            double cpu = tb.cpuSeconds(sut) - cpuBefore;
            Map<String, Object> end = MiniJson.object(MiniJson.object(MiniJson.parse(r.output())).get("end"));
            Map<String, Object> received = MiniJson.object(end.get("sum_received"));
            double gigabytes = ((Number) received.get("bytes")).doubleValue() / 1e9;
            return new double[] {((Number) received.get("bits_per_second")).doubleValue() / 1e9, cpu / gigabytes};
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
