package org.vnicteam.testbed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer.OrderAnnotation;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.vnicteam.appliance.http.internal.MiniJson;
import org.vnicteam.lib.linux.NetNamespace;
import org.vnicteam.testbed.Testbed.Client;
import org.vnicteam.testbed.Testbed.Sut;
import org.vnicteam.testbed.Traffic.Direction;
import org.vnicteam.testbed.Traffic.Outage;

/**
 * The real-Ethernet testbed end to end: testbed/up (namespaces, Open vSwitch, the appliance in real
 * mode with pcap ports and TAPs), traffic from every client to the server's TAP address on its
 * VLAN, VLAN isolation, a fail-over under UDP streams both ways, and testbed/down leaving nothing.
 * Needs root and the Debian tools test.sh installs; without them it fails, it never skips. Its
 * namespaces are vt-PID-*, its run dir target/it/run-PID, its HTTP port a free one.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(OrderAnnotation.class)
@Timeout(value = 170, unit = TimeUnit.SECONDS)
class RealTestbedIT {

    private static final long PID = ProcessHandle.current().pid();
    private static final long HOUR = 3_600_000_000_000L;
    private static final List<String> TOOLS = List.of("ip", "ovs-vswitchd", "ovsdb-server", "ovs-vsctl", "iperf3",
            "ping", "ethtool", "curl", "jq");

    private final Path root = Path.of(System.getProperty("vnicteam.root", "..")).toAbsolutePath().normalize();
    private final Path runDir = Path.of(System.getProperty("vnicteam.it.dir", "target/it")).toAbsolutePath()
            .resolve("run-" + PID);
    private final String prefix = "vt-" + PID + "-";
    private Testbed tb;

    @BeforeAll
    void up() throws Exception {
        Sh.Result id = Sh.run(5, "id", "-u");
        assertEquals("0", id.output().strip(), "the testbed needs root (network namespaces, Open vSwitch)");
        for (String tool : TOOLS) {
            if (!Sh.run(5, "sh", "-c", "command -v " + tool).ok()) {
                fail(tool + " is missing: ./test.sh installs openvswitch-switch, iperf3, iputils-ping, ethtool, curl, jq");
            }
        }
        Path image = Path.of(System.getProperty("vnicteam.image", "../appliance.launcher/target/vnicteam.jar"));
        assertTrue(Files.isRegularFile(image), "the appliance image " + image + " is built before this module");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Sh.Result up = Sh.run(120, root.resolve("testbed/up").toString(), "--run", runDir.toString(), "--prefix",
                prefix, "--http-port", String.valueOf(port));
        System.out.println(up.output());
        up.check();
        tb = new Testbed(runDir);
    }

    @AfterAll
    void down() throws Exception {
        Sh.Result down = Sh.run(60, root.resolve("testbed/down").toString(), "--run", runDir.toString());
        System.out.println(down.output());
        down.check();
        String namespaces = Sh.run(5, "ip", "netns", "list").output();
        assertFalse(namespaces.contains(prefix), "no namespace " + prefix + "* left: " + namespaces);
        List<String> left = ProcessHandle.allProcesses().map(p -> p.info().commandLine().orElse(""))
                .filter(c -> c.contains(runDir.toString())).toList();
        assertTrue(left.isEmpty(), "no testbed process left: " + left);
        assertFalse(Files.exists(runDir), "run dir removed");
    }

    @Test
    @Order(1)
    void givenTheTestbed_whenEachClientPingsTheServerOnItsVlan_thenEveryReplyArrives() {
        for (Client c : Testbed.CLIENTS) {
            Sh.Result r = Sh.run(10, Sh.inNs(tb.ns(c.ns()), "ping", "-n", "-c", "3", "-i", "0.2", "-W", "1",
                    Sut.OURS.serverIp(c.vlan())));
            assertTrue(r.ok() && r.output().contains("3 received"), c.ns() + " pings " + Sut.OURS.serverIp(c.vlan())
                    + ": " + r.output());
        }
    }

    @Test
    @Order(2)
    void givenEachClient_whenItSendsFourMegabytesOverTcp_thenTheServerReceivesThemByteExact() throws Exception {
        byte[] data = new byte[4 << 20];
        new Random(PID).nextBytes(data);
        byte[] sent = MessageDigest.getInstance("SHA-256").digest(data);
        int port = 5301;
        for (Client c : Testbed.CLIENTS) {
            String server = Sut.OURS.serverIp(c.vlan());
            try (ServerSocket listener = NetNamespace.named(tb.ns(Sut.OURS.serverNs)).call(() -> {
                ServerSocket s = new ServerSocket();
                s.bind(new InetSocketAddress(server, port));
                return s;
            })) {
                listener.setSoTimeout(10_000);
                CompletableFuture<byte[]> received = CompletableFuture.supplyAsync(() -> receiveDigest(listener, data.length));
                // java.net.Socket makes its file descriptor at bind/connect, not in the constructor:
                // both inside the namespace, bound to the client's own address
                try (Socket s = NetNamespace.named(tb.ns(c.ns())).call(() -> {
                    Socket so = new Socket();
                    so.bind(new InetSocketAddress(c.ip(), 0));
                    so.connect(new InetSocketAddress(server, port), 5_000);
                    return so;
                })) {
                    try (OutputStream out = s.getOutputStream()) {
                        out.write(data);
                    }
                }
                assertArrayEquals(sent, received.get(30, TimeUnit.SECONDS),
                        c.ns() + " -> " + server + ": 4 MiB over TCP arrive byte-exact (SHA-256)");
            }
        }
    }

    private static byte[] receiveDigest(ServerSocket listener, int length) {
        try (Socket s = listener.accept(); InputStream in = s.getInputStream()) {
            s.setSoTimeout(10_000);
            byte[] got = new byte[length];
            new DataInputStream(in).readFully(got);
            if (in.read() != -1) {
                throw new IOException("more than " + length + " bytes arrived");
            }
            return MessageDigest.getInstance("SHA-256").digest(got);
        } catch (Exception e) {
            throw new IllegalStateException("receiving: " + e, e);
        }
    }

    @Test
    @Order(3)
    void givenEachClient_whenIperf3RunsTwoSeconds_thenTcpFlowsToTheServer() throws Exception {
        for (Client c : Testbed.CLIENTS) {
            String server = Sut.OURS.serverIp(c.vlan());
            Process iperf = new ProcessBuilder(Sh.inNs(tb.ns(Sut.OURS.serverNs), "iperf3", "-s", "-1", "-B", server,
                    "-p", "5201")).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            try {
                Thread.sleep(300);
                Sh.Result r = Sh.run(15, Sh.inNs(tb.ns(c.ns()), "iperf3", "-c", server, "-p", "5201", "-t", "2", "-J"));
                assertTrue(r.ok(), c.ns() + ": iperf3 -c " + server + ": " + r.output());
                Map<String, Object> end = MiniJson.object(MiniJson.object(MiniJson.parse(r.output())).get("end"));
                double bits = ((Number) MiniJson.object(end.get("sum_received")).get("bits_per_second")).doubleValue();
                System.out.printf("iperf3 %s -> %s: %.3f Gbit/s%n", c.ns(), server, bits / 1e9);
                assertTrue(bits > 10e6, c.ns() + ": TCP flows (" + bits + " bit/s)");
            } finally {
                iperf.destroy();
                iperf.waitFor(2, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    @Order(4)
    void givenTwoVlans_whenAClientAddressesTheOtherVlan_thenNeitherTheServerNorTheClientsThereAnswer() {
        // An address of the other VLAN's subnet on the client's own interface: the only barrier left
        // is the VLAN itself (no routing in the way).
        for (int[] c : new int[][] {{1, 2, 13}, {3, 1, 11}}) {
            String ns = tb.ns("client" + c[0]);
            String foreign = "198.18." + c[1] + ".2" + c[0] + "0/24";
            Sh.run(5, Sh.inNs(ns, "ip", "addr", "add", foreign, "dev", "eth0")).check();
            try {
                for (String target : List.of(Sut.OURS.serverIp(c[1]), "198.18." + c[1] + "." + c[2])) {
                    Sh.Result r = Sh.run(10, Sh.inNs(ns, "ping", "-n", "-c", "2", "-i", "0.2", "-W", "1", target));
                    assertFalse(r.ok(), "client" + c[0] + " must not reach " + target + " on the other VLAN: " + r.output());
                }
            } finally {
                Sh.run(5, Sh.inNs(ns, "ip", "addr", "del", foreign, "dev", "eth0"));
            }
        }
    }

    @Test
    @Order(5)
    void givenStreamsBothWaysAt4000PerSecond_whenTheActiveBridgesLinkIsCut_thenTheTeamFailsOverWithinTheLossBounds()
            throws Exception {
        // Bridge A has the higher priority, but which bridge carries the team after start-up depends on
        // which logged in and had its path confirmed first: cut whichever does.
        String active = tb.oursActiveLink();
        String backup = active.equals(Sut.OURS.linkA) ? Sut.OURS.linkB : Sut.OURS.linkA;
        Outage up;
        Outage down;
        Map<String, Object> status;
        long movedNanos = 0;
        long c2sWorstStream;
        System.out.println(Traffic.warmUp(tb, Sut.OURS, 4000, 2000, 5400));
        long wireDrops = tb.bridgeWireDrops();
        long switchDrops = tb.switchInputDrops(Sut.OURS);
        try (Traffic traffic = Traffic.start(tb, Sut.OURS, 4000, 10, 5400)) {
            Thread.sleep(1000);
            long cut = tb.setSwitchLink(active, false);
            // as HostFailoverIT: the time from the cut to the team showing the backup active, polled every 2 ms
            boolean moved = false;
            while (!moved && System.nanoTime() - cut < 2_000_000_000L) {
                moved = backup.equals(tb.oursActiveLink());
                movedNanos = System.nanoTime() - cut;
                Thread.sleep(2);
            }
            Thread.sleep(1000);
            Map<String, Object> team = tb.team();
            long restore = tb.setSwitchLink(active, true);
            assertTrue(moved, "the team moved from " + active + " to " + backup + ": " + Testbed.members(team));
            assertTrue(Testbed.await(5000, () -> {
                try {
                    return tb.oursHealthy();
                } catch (Exception e) {
                    return false;
                }
            }), "the cut bridge back as the backup: " + Testbed.members(tb.team()));
            assertEquals(backup, tb.oursActiveLink(), "fail-back none: the new active stays");
            Thread.sleep(500);
            traffic.stop();
            status = tb.status();
            wireDrops = tb.bridgeWireDrops() - wireDrops;
            switchDrops = Math.max(0, tb.switchInputDrops(Sut.OURS) - switchDrops);
            traffic.summaries().forEach(System.out::println);
            // The fail-over: the frames sent from the cut until the link came back. What happened
            // before and after is printed (a restore with fail-back none should cost nothing either).
            up = traffic.between(Direction.UP, cut, restore);
            down = traffic.between(Direction.DOWN, cut, restore);
            c2sWorstStream = traffic.maxLostPerStream(Direction.UP, cut, restore);
            System.out.printf("%s cut -> %s active after %d us; lost before the cut c→s %d s→c %d, from the restore"
                    + " on c→s %d s→c %d, whole run c→s %d s→c %d%n", active, backup, movedNanos / 1000,
                    traffic.between(Direction.UP, cut - HOUR, cut).lost(), traffic.between(Direction.DOWN, cut - HOUR, cut).lost(),
                    traffic.between(Direction.UP, restore, restore + HOUR).lost(),
                    traffic.between(Direction.DOWN, restore, restore + HOUR).lost(), traffic.whole(Direction.UP).lost(),
                    traffic.whole(Direction.DOWN).lost());
            System.out.printf("fail-over at 4000 frames/s (cut to restore): client→server outage %.3f ms, %d lost;"
                    + " server→client outage %.3f ms, %d lost; last fail-over: %s; bridges' frames dropped by the dead"
                    + " link: %d; dropped at the switch's input: %d%n", up.millis(), up.lost(), down.millis(), down.lost(),
                    team.get("lastFailover"), wireDrops, switchDrops);
            assertEquals(0, traffic.socketDrops(Direction.UP) + traffic.socketDrops(Direction.DOWN),
                    "the measuring sockets dropped nothing (else the loss figures are the test's own)");
        }
        String diagnostics = "; team counters " + MiniJson.object(status.get("team")).get("counters") + "; bridges "
                + status.get("bridges") + "; VLANs " + status.get("vlans");
        // As in the embedded HostFailoverIT: frames the cut bridge put on its wire after the cut and before
        // it noticed (the veth dropped them: its TX dropped) cannot be replayed by any host; nor can
        // frames the switch itself dropped at its input from the bridges' links (its packet sockets
        // overflow while it stalls moving the MAC on a loaded machine; counted by the kernel). Every
        // other server→client frame must arrive.
        assertTrue(down.lost() <= wireDrops + switchDrops, "server→client: nothing lost but what the cut bridge sent"
                + " into the dead link (" + wireDrops + ") or the switch dropped at its input (" + switchDrops + "), was "
                + down.lost() + diagnostics);
        // ~50 ms of 2 streams at 4000/s, plus the bridge's own probes (2 VLANs every 2 ms)
        assertTrue(wireDrops <= 450, "the cut bridge noticed the carrier loss within ~50 ms: it sent " + wireDrops
                + " frames into the dead link" + diagnostics);
        // As HostFailoverIT: what clients send to the cut port until the switch learns the team MAC at the
        // backup's: the stream's rate times (the cut → backup active time + 10 ms), plus 2
        long c2sBound = (long) (4000 * (movedNanos / 1e9 + 0.010)) + 2;
        assertTrue(c2sWorstStream <= c2sBound, "client→server: at most " + c2sBound + " lost per stream (backup active "
                + movedNanos / 1000 + " us after the cut), was " + c2sWorstStream + diagnostics);
    }
}
