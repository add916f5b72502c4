package org.vnicteam.testbed;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.vnicteam.appliance.http.internal.MiniJson;

/**
 * A testbed that testbed/up brought up: its namespaces, its two Open vSwitch instances and the
 * appliance's status. Read from the run dir's testbed.env.
 */
final class Testbed {

    /** A system under test: the appliance (server behind bridges A/B) or the OVS bond anchor. */
    enum Sut {
        OURS("ours", "server", 1, "swA", "swB"),
        BOND("OVS bond", "bond", 2, "sbA", "sbB");

        final String label;
        final String serverNs;
        final int serverHost;
        final String linkA;
        final String linkB;

        Sut(String label, String serverNs, int serverHost, String linkA, String linkB) {
            this.label = label;
            this.serverNs = serverNs;
            this.serverHost = serverHost;
            this.linkA = linkA;
            this.linkB = linkB;
        }

        /** The server's address on VLAN {@code vlan}: 198.18.V.1 (ours) or 198.18.V.2 (the bond). */
        String serverIp(int vlan) {
            return "198.18." + vlan + "." + serverHost;
        }
    }

    /** The clients: namespace suffix, VLAN, address. */
    record Client(String ns, int vlan, String ip) {
    }

    static final List<Client> CLIENTS = List.of(new Client("client1", 1, "198.18.1.11"),
            new Client("client2", 1, "198.18.1.12"), new Client("client3", 2, "198.18.2.13"),
            new Client("client4", 2, "198.18.2.14"));

    private static final Pattern BOND_ACTIVE = Pattern.compile("active member mac: [0-9a-f:]+\\((bond[AB])\\)");

    final Path run;
    final String prefix;
    final int httpPort;
    final boolean appliance;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    Testbed(Path run) throws IOException {
        Path env = run.resolve("testbed.env");
        if (!Files.isRegularFile(env)) {
            throw new IOException("no testbed is up in " + run + " (no testbed.env): run testbed/up first");
        }
        Properties p = new Properties();
        try (var in = Files.newBufferedReader(env)) {
            p.load(in);
        }
        this.run = run;
        this.prefix = p.getProperty("VT_PREFIX", "vt-");
        this.httpPort = Integer.parseInt(p.getProperty("VT_HTTP_PORT", "8181"));
        this.appliance = "1".equals(p.getProperty("VT_APPLIANCE", "1"));
    }

    /** The full name of one of the testbed's namespaces, e.g. ns("client1") = "vt-client1". */
    String ns(String suffix) {
        return prefix + suffix;
    }

    Sh.Result vsctl(String instance, String... args) {
        List<String> c = new java.util.ArrayList<>(List.of("ovs-vsctl",
                "--db=unix:" + run.resolve("ovs-" + instance).resolve("db.sock"), "--timeout=10"));
        c.addAll(List.of(args));
        return Sh.run(15, c).check();
    }

    Sh.Result appctl(String instance, String... args) {
        List<String> c = new java.util.ArrayList<>(List.of("ovs-appctl",
                "--target=" + run.resolve("ovs-" + instance).resolve("ovs-vswitchd.ctl"), "--timeout=10"));
        c.addAll(List.of(args));
        return Sh.run(15, c).check();
    }

    /** Sets a link of the switch namespace down or up; returns the nanoTime just before the command. */
    long setSwitchLink(String link, boolean up) {
        long t = System.nanoTime();
        Sh.run(10, "ip", "-n", ns("switch"), "link", "set", link, up ? "up" : "down").check();
        return t;
    }

    /** /vnicteam/status of the appliance, parsed. */
    Map<String, Object> status() throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + httpPort + "/vnicteam/status")).timeout(Duration.ofSeconds(3)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException("/vnicteam/status answered " + r.statusCode());
        }
        return MiniJson.object(MiniJson.parse(r.body()));
    }

    Map<String, Object> team() throws IOException, InterruptedException {
        return MiniJson.object(status().get("team"));
    }

    /**
     * CPU time (user + system, seconds) a system under test has used so far: the appliance's JVM, or
     * the bond's own ovs-vswitchd. Both include the kernel work done on their behalf in their threads
     * (writing to the server's TAP, sending on the veth), not the switch's or the clients'.
     */
    double cpuSeconds(Sut sut) throws IOException {
        Path pidFile = sut == Sut.OURS ? run.resolve("appliance.pid") : run.resolve("ovs-bond").resolve("ovs-vswitchd.pid");
        String pid = Files.readString(pidFile).strip();
        String stat = Files.readString(Path.of("/proc", pid, "stat"));
        // after the command name in parentheses: field 3 is the state; utime and stime are fields 14 and 15
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / (double) USER_HZ;
    }

    /** Linux reports CPU times in /proc in units of USER_HZ, 100 per second on every architecture it runs here. */
    private static final int USER_HZ = 100;

    /** The team's members by state, e.g. "vnicA=active vnicB=backup". */
    static String members(Map<String, Object> team) {
        StringBuilder b = new StringBuilder();
        for (Object m : MiniJson.array(team.get("members"))) {
            Map<String, Object> member = MiniJson.object(m);
            b.append(b.length() == 0 ? "" : " ").append(member.get("name")).append('=').append(member.get("state"));
        }
        return b.toString();
    }

    /** The switch link (swA/swB) of the bridge that carries the team now. */
    String oursActiveLink() throws IOException, InterruptedException {
        Map<String, Object> team = team();
        Object active = team.get("active");
        for (Object m : MiniJson.array(team.get("members"))) {
            Map<String, Object> member = MiniJson.object(m);
            if (member.get("name").equals(active)) {
                return "bridgeB".equals(member.get("bridge")) ? Sut.OURS.linkB : Sut.OURS.linkA;
            }
        }
        throw new IOException("the team has no active member: " + members(team));
    }

    /** Whether every member is up (active or backup, none failed). */
    boolean oursHealthy() throws IOException, InterruptedException {
        Map<String, Object> team = team();
        List<Object> members = MiniJson.array(team.get("members"));
        return team.get("active") != null && members.size() >= 2
                && members.stream().allMatch(m -> !"failed".equals(MiniJson.object(m).get("state")));
    }

    /** The switch link (sbA/sbB) of the bond's active member. */
    String bondActiveLink() {
        Matcher m = BOND_ACTIVE.matcher(appctl("bond", "bond/show", "bond0").output());
        if (!m.find()) {
            throw new IllegalStateException("the OVS bond has no active member");
        }
        return m.group(1).equals("bondB") ? Sut.BOND.linkB : Sut.BOND.linkA;
    }

    /** Whether both bond members are enabled. */
    boolean bondHealthy() {
        String show = appctl("bond", "bond/show", "bond0").output();
        return show.split("member bond[AB]: enabled", -1).length == 3;
    }

    String activeLink(Sut sut) throws IOException, InterruptedException {
        return sut == Sut.OURS ? oursActiveLink() : bondActiveLink();
    }

    boolean healthy(Sut sut) throws IOException, InterruptedException {
        return sut == Sut.OURS ? oursHealthy() : bondHealthy();
    }

    /**
     * Frames the bridges put on their wires that the wires dropped ({@code ethA} + {@code ethB} TX
     * dropped): a veth drops what is sent while its peer is down, i.e. what a bridge sent between a
     * cut and its noticing the carrier loss. No host can replay those.
     */
    long bridgeWireDrops() {
        long sum = 0;
        for (String b : List.of("A", "B")) {
            String json = Sh.run(10, "ip", "-n", ns("bridge" + b), "-s", "-j", "link", "show", "eth" + b).check().output();
            Map<String, Object> link = MiniJson.object(MiniJson.array(MiniJson.parse(json)).get(0));
            Map<String, Object> tx = MiniJson.object(MiniJson.object(link.get("stats64")).get("tx"));
            sum += ((Number) tx.get("dropped")).longValue();
        }
        return sum;
    }

    /**
     * Frames the switch dropped at its input from a system's two links so far: Open vSwitch's
     * userspace datapath reads each port through a packet socket, and when its thread stalls
     * (moving a MAC, revalidating flows, a busy machine) the socket's receive buffer overflows and
     * the kernel drops what does not fit (`ss`'s skmem drop count, per socket). A socket made anew
     * (a port deleted and added again) starts from 0, so a difference over such a change is a floor.
     */
    long switchInputDrops(Sut sut) {
        String out = Sh.run(10, Sh.inNs(ns("switch"), "ss", "-H", "-f", "link", "-m")).check().output();
        long sum = 0;
        String[] tokens = out.split("\\s+");
        for (int i = 0; i < tokens.length; i++) {
            String t = tokens[i];
            if (t.equals("*:" + sut.linkA) || t.equals("*:" + sut.linkB)) {
                for (int j = i + 1; j < tokens.length && j < i + 4; j++) {
                    Matcher m = SKMEM_DROPS.matcher(tokens[j]);
                    if (m.find()) {
                        sum += Long.parseLong(m.group(1));
                        break;
                    }
                }
            }
        }
        return sum;
    }

    private static final Pattern SKMEM_DROPS = Pattern.compile("skmem:\\(.*\\bd(\\d+)\\)");

    /** Polls {@code condition} every 20 ms; false if it did not hold within {@code millis}. */
    static boolean await(long millis, BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + millis * 1_000_000;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                return false;
            }
            Thread.sleep(20);
        }
        return true;
    }
}
