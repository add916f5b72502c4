package org.vnicteam.appliance.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.vnicteam.lib.linux.TestNamespace;

/**
 * The built image, target/vnicteam.jar, run as a child process the way a user runs it: scripts of
 * console commands (exit codes, output, the failing line) and the Web Console behind its generated
 * password. Each run gets its own home under target/it/ and its own HTTP port; every wait is
 * bounded and every child JVM is killed in the end.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ApplianceImageIT {

    private static final long WAIT_SECONDS = 10;

    @Test
    void givenFabricScript_whenRunWithScript_thenExitsZeroAndPrintsEachResult() throws Exception {
        Path home = newHome("script-ok");
        Path script = write(home.resolve("tour.gogo"), """
                # the fabric before and after cutting an inter-switch link
                fabric:status
                fabric:cut isl1
                fabric:status
                """);

        Result r = run(home, "--script", script.toString());

        assertEquals(0, r.exit, r.toString());
        List<String> commands = r.commands();
        assertEquals(List.of("fabric:status", "fabric:cut isl1", "fabric:status"), commands, r.toString());
        String before = r.outputOf(0);
        String cut = r.outputOf(1);
        String after = r.outputOf(2);
        assertTrue(before.startsWith("fabric: 5 nodes (3 CAs, 2 switches), 5 links"), before);
        assertTrue(linkRow(before, "isl1").matches("isl1\\s+sw1:1 <-> sw2:1\\s+up\\s.*"), before);
        assertTrue(linkRow(cut, "isl1").matches("isl1\\s+sw1:1 <-> sw2:1\\s+DOWN\\s.*"), cut);
        assertTrue(linkRow(after, "isl1").matches("isl1\\s+sw1:1 <-> sw2:1\\s+DOWN\\s.*"), after);
        assertTrue(linkRow(after, "isl2").matches("isl2\\s+sw1:2 <-> sw2:2\\s+up\\s.*"), after);
        for (String section : new String[] { "NODE", "LINK", "COUNTERS" }) {
            assertTrue(after.lines().anyMatch(l -> l.startsWith(section + " ")), section + " table in " + after);
        }
        // the launcher's own complaints (a bundle that did not start, configuration not applied, ...)
        assertTrue(r.err.lines().noneMatch(l -> l.startsWith("vnicteam:")), r.toString());
    }

    @Test
    void givenTheEmbeddedDefault_whenBridgeAndEthernetCommandsRun_thenBothBridgesPlugAndUnplugAndClientsPing()
            throws Exception {
        Path home = newHome("bridges");
        Path script = write(home.resolve("bridges.gogo"), """
                # both bridges plugged in by their device bundles; the FIG. 5 segment
                bridge:status
                # cut bridge A's Ethernet link: its carrier drops; restore it
                ethernet:cut bridgeA-eth
                bridge:status bridgeA
                ethernet:restore bridgeA-eth
                bridge:status bridgeA
                # same VLAN answers; the other VLAN (another subnet) does not
                ethernet:ping client1 198.18.1.12
                try { ethernet:ping client1 198.18.2.13 1 } { echo "failed:" ($exception message) }
                # unplug bridge A (its device bundle stops) and plug it back
                bridge:unplug bridgeA
                lb -s device
                bridge:status
                bridge:plug bridgeA
                lb -s device
                bridge:status
                """);

        Result r = run(home, "--script", script.toString());

        assertEquals(0, r.exit, r.toString());
        assertEquals(List.of("bridge:status", "ethernet:cut bridgeA-eth", "bridge:status bridgeA",
                "ethernet:restore bridgeA-eth", "bridge:status bridgeA", "ethernet:ping client1 198.18.1.12",
                "try { ethernet:ping client1 198.18.2.13 1 } { echo \"failed:\" ($exception message) }",
                "bridge:unplug bridgeA", "lb -s device", "bridge:status", "bridge:plug bridgeA", "lb -s device",
                "bridge:status"), r.commands(), r.toString());
        String first = r.outputOf(0);
        assertTrue(first.startsWith("bridges: 2, 2 plugged, 0 unplugged"), first);
        assertTrue(row(first, "bridgeA").matches("bridgeA\\s+plugged\\s+up\\s+\\d+\\s+02:00:00:00:0a:01\\s.*\\d+ ACTIVE"), first);
        assertTrue(row(first, "bridgeB").matches("bridgeB\\s+plugged\\s+up\\s+\\d+\\s+02:00:00:00:0b:01\\s.*\\d+ ACTIVE"), first);

        assertTrue(row(r.outputOf(1), "p1").matches("p1\\s+trunk\\s+1,2\\s+DOWN\\s+bridgeA-eth \\(bridge\\).*"), r.outputOf(1));
        assertTrue(r.outputOf(2).startsWith("bridge bridgeA: plugged, carrier DOWN,"), r.outputOf(2));
        assertTrue(row(r.outputOf(3), "p1").matches("p1\\s+trunk\\s+1,2\\s+up\\s+bridgeA-eth \\(bridge\\).*"), r.outputOf(3));
        assertTrue(r.outputOf(4).startsWith("bridge bridgeA: plugged, carrier up,"), r.outputOf(4));
        assertTrue(r.outputOf(4).contains("2 carrier changes"), r.outputOf(4));

        assertTrue(r.outputOf(5).startsWith("ping 198.18.1.12: 3 sent, 3 received, 0 lost; rtt"), r.outputOf(5));
        assertTrue(r.outputOf(6).startsWith("failed: ping 198.18.2.13 from client1: 1 sent, 0 received; 198.18.2.13 "
                + "(client3 on VLAN 2) is outside client1's subnet 198.18.1.0/24 on VLAN 1"), r.outputOf(6));

        assertTrue(r.outputOf(7).startsWith("bridge bridgeA: unplugged\n"), r.outputOf(7));
        assertTrue(deviceLine(r.outputOf(8), "bridgeA").contains("|Resolved "), r.outputOf(8));
        assertTrue(deviceLine(r.outputOf(8), "bridgeB").contains("|Active "), r.outputOf(8));
        String gone = r.outputOf(9);
        assertTrue(gone.startsWith("bridges: 2, 1 plugged, 1 unplugged"), gone);
        assertTrue(row(gone, "bridgeA").matches("bridgeA\\s+unplugged\\s+-.*\\d+ RESOLVED"), gone);
        assertTrue(row(gone, "bridgeB").matches("bridgeB\\s+plugged\\s+up\\s.*"), gone);

        assertTrue(r.outputOf(10).startsWith("bridge bridgeA: plugged, carrier up,"), r.outputOf(10));
        assertTrue(deviceLine(r.outputOf(11), "bridgeA").contains("|Active "), r.outputOf(11));
        String back = r.outputOf(12);
        assertTrue(back.startsWith("bridges: 2, 2 plugged, 0 unplugged"), back);
        assertTrue(row(back, "bridgeA").matches("bridgeA\\s+plugged\\s+up\\s.*\\d+ ACTIVE"), back);

        // the device bundles are files in the home, to install again after an uninstall
        assertTrue(Files.isRegularFile(home.resolve("data/bridges/org.vnicteam.bridge.device.bridgeA.jar")));
        assertTrue(Files.isRegularFile(home.resolve("data/bridges/org.vnicteam.bridge.device.bridgeB.jar")));
        assertTrue(r.err.lines().noneMatch(l -> l.startsWith("vnicteam:")), r.toString());
    }

    /** The row of a table that starts with {@code first} (and a blank), or "". */
    private static String row(String output, String first) {
        return output.lines().filter(l -> l.startsWith(first + " ")).findFirst().orElse("");
    }

    /** The line of {@code lb -s} for a bridge's device bundle. */
    private static String deviceLine(String output, String bridge) {
        return output.lines().filter(l -> l.contains("|org.vnicteam.bridge.device." + bridge + " ")).findFirst()
                .orElse("(no device bundle of " + bridge + " in lb)");
    }

    @Test
    void givenScriptWithAFailingLine_whenRun_thenExitsNonZeroEchoingTheLineAndStops() throws Exception {
        Path home = newHome("script-fails");
        Path script = write(home.resolve("bad.gogo"), """
                fabric:status

                fabric:cut no-such-link
                fabric:restore isl1
                """);

        Result r = run(home, "--script", script.toString());

        assertEquals(1, r.exit, r.toString());
        assertTrue(r.err.contains("vnicteam: script failed at bad.gogo:3: fabric:cut no-such-link"), r.toString());
        assertTrue(r.err.contains("unknown link 'no-such-link'; links: server-sw1, isl1, isl2, bridgeA-sw2, bridgeB-sw2"),
                r.toString());
        assertEquals(List.of("fabric:status", "fabric:cut no-such-link"), r.commands(), "stops at the failing line");
    }

    @Test
    void givenBadArguments_whenCommandsRun_thenEachMessageSaysWhatIsAllowed() throws Exception {
        Path home = newHome("script-bad-args");
        // Gogo's try/catch keeps the script going past the expected failures; the last line fails it
        Path script = write(home.resolve("args.gogo"), """
                try { fabric:impair isl2 lots 0 } { echo "failed:" ($exception message) }
                try { fabric:impair isl2 0 1.5 } { echo "failed:" ($exception message) }
                try { fabric:capture sw9 1 x.pcap } { echo "failed:" ($exception message) }
                try { fabric:capture bridgeA 2 x.pcap } { echo "failed:" ($exception message) }
                try { fabric:stopcapture server 1 } { echo "failed:" ($exception message) }
                try { bridge:unplug bridgeC } { echo "failed:" ($exception message) }
                try { ethernet:cut p9 } { echo "failed:" ($exception message) }
                try { ethernet:ping client1 198.18.1 } { echo "failed:" ($exception message) }
                fabric:nosuch
                """);

        Result r = run(home, "--script", script.toString());

        assertEquals(1, r.exit, r.toString());
        assertTrue(r.out.contains("failed: LOSS 'lots' is not a number; 0 <= LOSS < 1"), r.toString());
        assertTrue(r.out.contains("failed: BER 1.5 is out of range; 0 <= BER < 1"), r.toString());
        assertTrue(r.out.contains("failed: unknown node 'sw9'; nodes: server, bridgeA, bridgeB, sw1, sw2"), r.toString());
        assertTrue(r.out.contains("failed: PORT '2': bridgeA has port 1"), r.toString());
        assertTrue(r.out.contains("failed: no capture at server:1; running: none"), r.toString());
        assertTrue(r.out.contains("failed: unknown bridge 'bridgeC'; bridges: bridgeA (plugged), bridgeB (plugged)"),
                r.toString());
        assertTrue(r.out.contains("failed: unknown port 'p9'; ports: p1 (bridgeA-eth), p2 (bridgeB-eth), p3 (client1), "
                + "p4 (client2), p5 (client3), p6 (client4)"), r.toString());
        assertTrue(r.out.contains("failed: IP '198.18.1' is not an IPv4 address A.B.C.D"), r.toString());
        assertTrue(r.err.contains("vnicteam: script failed at args.gogo:9: fabric:nosuch"), r.toString());
        assertTrue(r.err.contains("command not found: fabric:nosuch"), r.toString());
    }

    @Test
    void givenMissingScript_whenRun_thenUsageExitTwo() throws Exception {
        Path home = newHome("no-script");
        Result r = run(home, "--script", home.resolve("nothing.gogo").toString());
        assertEquals(2, r.exit, r.toString());
        assertTrue(r.err.contains("cannot read script"), r.toString());
    }

    @Test
    void givenFreshHome_whenStarted_thenWebConsoleWantsTheGeneratedPasswordShownOnce() throws Exception {
        Path home = newHome("webconsole");
        int port = freePort();
        String password;
        Process p = start(home, port, "--daemon");
        try {
            String banner = awaitOutput(p, home, "Web Console: ");
            Matcher m = Pattern.compile("Web Console: (http://127\\.0\\.0\\.1:" + port
                    + "/system/console)\\s+user admin, password (\\S+)").matcher(banner);
            assertTrue(m.find(), banner);
            String console = m.group(1);
            password = m.group(2);
            assertTrue(password.length() >= 16, password);
            assertFalse(password.equals("admin"), "not the Web Console's default");

            assertEquals(200, awaitHttp(console + "/bundles", "admin:" + password), "the generated password");
            assertEquals(401, get(console + "/bundles", null), "no credentials");
            assertEquals(401, get(console + "/bundles", "admin:admin"), "the default password");
            String hash = Files.readString(home.resolve("data/webconsole.password")).trim();
            assertTrue(hash.startsWith("{sha-256}") && !hash.contains(password), hash);
        } finally {
            stop(p);
        }

        // second start of the same home: the same password, not printed again
        Process again = start(home, port, "--daemon");
        try {
            String banner = awaitOutput(again, home, "Web Console: ");
            assertFalse(banner.contains(password), banner);
            assertTrue(banner.contains("password generated at the first start"), banner);
            String console = "http://127.0.0.1:" + port + "/system/console";
            assertEquals(200, awaitHttp(console + "/bundles", "admin:" + password));
        } finally {
            stop(again);
        }
    }

    @Test
    void givenTheImage_whenEtcIsExported_thenTheCommonFilesAndEachModesOwnInItsFolder() throws Exception {
        Path home = newHome("export-etc");
        Path dir = home.resolve("exported");

        Result r = run(home, "--real", "--export-etc", dir.toString());

        assertEquals(0, r.exit, r.toString());
        for (String common : List.of("framework.properties", "org.vnicteam.fabric.config", "org.vnicteam.team.config",
                "org.vnicteam.miniport-vlan1.config", "org.vnicteam.vnic-vnicA.config")) {
            assertTrue(Files.isRegularFile(dir.resolve(common)), common);
        }
        for (String embedded : List.of("org.vnicteam.ethernet.config", "org.vnicteam.upper.simhost-server-vlan1.config",
                "org.vnicteam.upper.simhost-server-vlan2.config")) {
            assertTrue(Files.isRegularFile(dir.resolve("embedded").resolve(embedded)), embedded);
            assertFalse(Files.exists(dir.resolve(embedded)), "only in embedded/: " + embedded);
        }
        for (String real : List.of("org.vnicteam.ethernet.config", "org.vnicteam.ethernet.pcap-bridgeA-eth.config",
                "org.vnicteam.ethernet.pcap-bridgeB-eth.config", "org.vnicteam.upper.tap-server-vlan1.config",
                "org.vnicteam.upper.tap-server-vlan2.config")) {
            assertTrue(Files.isRegularFile(dir.resolve("real").resolve(real)), real);
        }
        String tap = Files.readString(dir.resolve("real/org.vnicteam.upper.tap-server-vlan1.config"));
        assertTrue(tap.contains("interface=\"vlan1\"") && tap.contains("address=\"198.18.1.1/24\""), tap);
        String pcap = Files.readString(dir.resolve("real/org.vnicteam.ethernet.pcap-bridgeB-eth.config"));
        assertTrue(pcap.contains("name=\"bridgeB-eth\"") && pcap.contains("interface=\"ethB\""), pcap);
        assertTrue(r.out.contains("file(s) written"), r.toString());
    }

    /**
     * The real mode started inside a namespace of the test's own (root, iproute2): the server's
     * VLANs are TAP interfaces there, without carrier while the bridges have no Ethernet link;
     * only the real mode's files are applied (no simulated segment, no simulated server hosts).
     */
    @Test
    void givenTheRealModeInATestNamespace_whenStarted_thenTheServersVlansAreTapsAndNothingSimulatedOnEthernet()
            throws Exception {
        Path home = newHome("real");
        Path script = write(home.resolve("real.gogo"), """
                team:miniports
                ethernet:status
                """);
        Result r;
        try (TestNamespace ns = TestNamespace.create("vt-imgreal-")) {
            ns.ip("link", "set", "lo", "up"); // HTTP listens on 127.0.0.1
            r = runIn(ns, home, "--real", "--script", script.toString());
            assertFalse(ns.hasInterface("vlan1"), "the TAPs go with the process");
        }

        assertEquals(0, r.exit, r.toString());
        assertTrue(r.out.contains("\nMode: real ("), r.toString());
        String miniports = r.outputOf(0);
        assertTrue(row(miniports, "vlan1").matches("vlan1\\s+1\\s+server-vlan1\\s+DISCONNECTED\\s+198\\.18\\.1\\.1\\s.*"),
                miniports);
        assertTrue(miniports.contains("upper server-vlan1: TAP vlan1 198.18.1.1/24 NO-CARRIER;"), miniports);
        assertTrue(miniports.contains("upper server-vlan2: TAP vlan2 198.18.2.1/24 NO-CARRIER;"), miniports);
        assertFalse(miniports.contains("SimIpHost"), miniports);
        List<String> applied;
        try (var files = Files.list(home.resolve("data/etc-image"))) {
            applied = files.map(f -> f.getFileName().toString()).sorted().toList();
        }
        assertEquals(List.of("org.vnicteam.ethernet.config", "org.vnicteam.ethernet.pcap-bridgeA-eth.config",
                "org.vnicteam.ethernet.pcap-bridgeB-eth.config", "org.vnicteam.fabric.config",
                "org.vnicteam.host.hca.config", "org.vnicteam.miniport-vlan1.config",
                "org.vnicteam.miniport-vlan2.config", "org.vnicteam.team.config",
                "org.vnicteam.upper.tap-server-vlan1.config", "org.vnicteam.upper.tap-server-vlan2.config",
                "org.vnicteam.vnic-vnicA.config", "org.vnicteam.vnic-vnicB.config"), applied);
        assertTrue(r.outputOf(1).lines().noneMatch(l -> l.startsWith("p1 ")), "no simulated switch ports: "
                + r.outputOf(1));
    }

    /**
     * A TAP upper binding in the embedded default, inside a namespace of the test's own (root,
     * iproute2): VLAN 1's miniport is bound to the TAP instead of the simulated host, so the
     * simulated clients' pings to 198.18.1.1 are answered by the Linux kernel through the whole
     * stack (TAP, miniport, team, VNIC, fabric, bridge, segment).
     */
    @Test
    void givenATapBindingOnVlan1_whenClientsPingTheServer_thenTheServersKernelAnswersThroughTheTeam()
            throws Exception {
        Path home = newHome("tap-e2e");
        write(home.resolve("etc/org.vnicteam.upper.tap-kernel-vlan1.config"), """
                upper.name="kernel-vlan1"
                interface="vlan1"
                address="198.18.1.1/24"
                """);
        write(home.resolve("etc/org.vnicteam.miniport-vlan1.config"), """
                name="vlan1"
                vlan=I"1"
                ip.address="198.18.1.1"
                upper.target="(upper.name=kernel-vlan1)"
                """);
        Path script = write(home.resolve("tap.gogo"), """
                ethernet:ping client1 198.18.1.1 20
                ethernet:ping client2 198.18.1.1 20
                team:miniports
                """);
        Result r;
        try (TestNamespace ns = TestNamespace.create("vt-imgtap")) {
            ns.ip("link", "set", "lo", "up"); // HTTP listens on 127.0.0.1
            r = runIn(ns, home, "--script", script.toString());
        }

        assertEquals(0, r.exit, r.toString());
        assertTrue(r.outputOf(0).startsWith("ping 198.18.1.1: 20 sent, 20 received, 0 lost"), r.toString());
        assertTrue(r.outputOf(1).startsWith("ping 198.18.1.1: 20 sent, 20 received, 0 lost"), r.toString());
        String miniports = r.outputOf(2);
        assertTrue(row(miniports, "vlan1").matches("vlan1\\s+1\\s+kernel-vlan1\\s+connected\\s.*"), miniports);
        Matcher m = Pattern.compile("upper kernel-vlan1: TAP vlan1 198\\.18\\.1\\.1/24 carrier; from the kernel (\\d+) "
                + "frames \\(dropped: 0 by the miniport, 0 unbound, 0 read errors\\); to the kernel (\\d+) frames "
                + "\\(dropped: 0 refused, 0 errors\\)").matcher(miniports);
        assertTrue(m.find(), miniports);
        assertTrue(Integer.parseInt(m.group(1)) >= 40 && Integer.parseInt(m.group(2)) >= 40,
                "40 echo replies from the kernel, 40 requests into it: " + miniports);
        assertTrue(r.err.lines().noneMatch(l -> l.startsWith("vnicteam:")), r.toString());
    }

    // --- helpers --------------------------------------------------------------------------------

    private record Result(int exit, String out, String err) {

        /** The commands the script runner echoed ("g! LINE"), in order. */
        List<String> commands() {
            return out.lines().filter(l -> l.startsWith("g! ")).map(l -> l.substring(3)).toList();
        }

        /** What the i-th command printed, up to the next echo. */
        String outputOf(int i) {
            List<String> lines = out.lines().toList();
            int seen = -1;
            StringBuilder sb = new StringBuilder();
            for (String l : lines) {
                if (l.startsWith("g! ")) {
                    seen++;
                    continue;
                }
                if (seen == i) {
                    sb.append(l).append('\n');
                }
            }
            return sb.toString();
        }

        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    private static String linkRow(String output, String link) {
        return output.lines().filter(l -> l.startsWith(link + " ")).findFirst().orElse("(no row for " + link + ")");
    }

    private static Path newHome(String name) throws IOException {
        Path base = Path.of(System.getProperty("vnicteam.it.dir", "target/it"));
        Path home = base.resolve(name + "-" + System.nanoTime());
        Files.createDirectories(home.resolve("etc"));
        return home;
    }

    private static Path write(Path file, String text) throws IOException {
        return Files.writeString(file, text, StandardCharsets.UTF_8);
    }

    private static Result run(Path home, String... args) throws Exception {
        return runIn(null, home, args);
    }

    /** As {@link #run}, inside the network namespace {@code netns} ({@code ip netns exec}) unless null. */
    private static Result runIn(TestNamespace netns, Path home, String... args) throws Exception {
        Process p = start(netns, home, freePort(), args);
        try {
            assertTrue(p.waitFor(WAIT_SECONDS, TimeUnit.SECONDS), "the image ends within " + WAIT_SECONDS + " s");
            return new Result(p.exitValue(), Files.readString(home.resolve("stdout.txt")),
                    Files.readString(home.resolve("stderr.txt")));
        } finally {
            p.destroyForcibly();
        }
    }

    /** java -jar vnicteam.jar --home HOME ARGS, HTTP on PORT, output into HOME/stdout.txt and stderr.txt. */
    private static Process start(Path home, int port, String... args) throws IOException {
        return start(null, home, port, args);
    }

    private static Process start(TestNamespace netns, Path home, int port, String... args) throws IOException {
        Path image = Path.of(System.getProperty("vnicteam.image", "target/vnicteam.jar"));
        assertTrue(Files.isRegularFile(image), "the image is built: " + image);
        write(home.resolve("etc/framework.properties"), "org.osgi.service.http.port=" + port + "\n");
        List<String> cmd = new ArrayList<>();
        if (netns != null) {
            cmd.addAll(List.of("ip", "netns", "exec", netns.name()));
        }
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-jar");
        cmd.add(image.toAbsolutePath().toString());
        cmd.add("--home");
        cmd.add(home.toAbsolutePath().toString());
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).directory(home.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectOutput(home.resolve("stdout.txt").toFile())
                .redirectError(home.resolve("stderr.txt").toFile())
                .start();
    }

    private static String awaitOutput(Process p, Path home, String marker) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (System.nanoTime() < deadline) {
            String out = Files.readString(home.resolve("stdout.txt"));
            if (out.contains(marker) && out.substring(out.indexOf(marker)).contains("\n")) {
                return out;
            }
            assertTrue(p.isAlive(), "the image died: " + Files.readString(home.resolve("stderr.txt")));
            Thread.sleep(50);
        }
        throw new AssertionError("no '" + marker + "' within " + WAIT_SECONDS + " s: "
                + Files.readString(home.resolve("stdout.txt")) + Files.readString(home.resolve("stderr.txt")));
    }

    /**
     * The first settled answer, polling (bounded) while HTTP does not listen yet and while the Web
     * Console registers itself: it registers its servlet, then registers it again when Config Admin
     * hands it its configuration, and answers 404 or 500 ("Servlet has been unregistered") between.
     */
    private static int awaitHttp(String url, String credentials) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        IOException last = null;
        while (System.nanoTime() < deadline) {
            try {
                int status = get(url, credentials);
                if (status != 404 && status != 500 && status != 503) {
                    return status;
                }
            } catch (IOException e) {
                last = e;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no answer from " + url + " within " + WAIT_SECONDS + " s", last);
    }

    private static int get(String url, String credentials) throws IOException, InterruptedException {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest.Builder rq = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).GET();
        if (credentials != null) {
            rq.header("Authorization",
                    "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)));
        }
        return client.send(rq.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static void stop(Process p) throws InterruptedException {
        p.destroy(); // SIGTERM: the shutdown hook stops the framework
        if (!p.waitFor(WAIT_SECONDS, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("the image did not stop within " + WAIT_SECONDS + " s of SIGTERM");
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
