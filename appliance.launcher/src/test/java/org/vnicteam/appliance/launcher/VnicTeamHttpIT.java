package org.vnicteam.appliance.launcher;

import org.vnicteam.appliance.http.internal.MiniJson;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
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
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The image's HTTP status as a user sees it (module appliance.http): {@code GET /vnicteam/status}
 * and {@code /vnicteam/metrics} on 127.0.0.1 and the configured port, and the Web Console page
 * "VNIC Team" rendered by headless Chromium (a screenshot, and the team table's text from the
 * DOM). The team part is checked as far as the image holds a team: with no Team service the JSON
 * says {@code team.active} null and no members; with one, exactly one member is active, it is the
 * one {@code team.active} names, its bridge has carrier, the others are backups. Chromium
 * (Debian's {@code chromium}, installed by ./test.sh) missing is a failure, never a skip. A second
 * test is issue 5's done-when: the image runs a console script that cuts A's Ethernet link under
 * UDP streams while the test polls {@code /vnicteam/status} (A active, then B active and A failed),
 * and the console's stream figures are checked against the status and metrics.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class VnicTeamHttpIT {

    private static final long WAIT_SECONDS = 10;
    private static final String PASSWORD = "it-" + Long.toHexString(System.nanoTime()) + "-Secret";
    private static final Set<String> STATES = Set.of("active", "backup", "failed");

    /** Echo of the script's cut line; the launcher prints and flushes it before it runs the command. */
    private static final String CUT_ECHO = "g! ethernet:cut bridgeA-eth\n";
    private static final String FIGURES_PRINTED = "figures-printed";
    /** ARP frames on VLAN 1 besides the streams (one request and its reply seen; a few allowed). */
    private static final long ARP_SLACK = 4;

    /**
     * Streams of 4000 datagrams at 1000/s both ways on VLAN 1 (4 s); the cut 2 s in; the figures
     * after the streams ended (1 s margin); then 2 s in which the test reads HTTP.
     */
    private static final String FAILOVER_SCRIPT = """
            # issue 5: A's Ethernet link cut under traffic, checked over /vnicteam/status by VnicTeamHttpIT
            team:stream 1 198.18.1.11 5001 1000 4000
            ethernet:stream client1 198.18.1.1 5001 1000 4000
            sleep 2
            ethernet:cut bridgeA-eth
            sleep 3
            ethernet:streams client1
            team:streams
            echo %s
            sleep 2
            """.formatted(FIGURES_PRINTED);

    @Test
    void givenTheEmbeddedDefault_whenStatusMetricsAndPluginPageAreFetched_thenTeamBridgesAndVlansShow()
            throws Exception {
        Path home = newHome("http");
        int port = freePort();
        String base = "http://127.0.0.1:" + port;
        Process p = start(home, port);
        try {
            // --- GET /vnicteam/status: JSON; wait (bounded) until both bridges have carrier and,
            // when the host side runs (a team with members, or VNICs), until the team has chosen
            // its active member
            Map<String, Object> status = awaitStatus(base + "/vnicteam/status", home, s -> {
                boolean bridgesUp = carrier(s, "bridgeA") && carrier(s, "bridgeB");
                return bridgesUp && (!hostRuns(s) || MiniJson.object(s.get("team")).get("active") != null);
            });
            Map<String, Object> team = MiniJson.object(status.get("team"));
            assertTrue(team.containsKey("active"), "team.active is always present: " + status);
            List<Object> members = MiniJson.array(team.get("members"));
            String active = (String) team.get("active");
            boolean hasTeam = hostRuns(status);
            if (!hasTeam) {
                // no team service, or a team without a VNIC configured: nothing can be active
                assertNull(active, "no host side: team.active null: " + status);
                assertEquals(List.of(), members, "no host side: no members: " + status);
            } else {
                assertNotNull(active, "a team, both bridges up: an active member: " + status);
                assertTrue(members.size() >= 2, "the embedded default has a member per bridge: " + status);
                List<Map<String, Object>> ms = members.stream().map(MiniJson::object).toList();
                for (Map<String, Object> m : ms) {
                    assertTrue(STATES.contains(m.get("state")), "state of " + m);
                    assertTrue(m.get("txFrames") instanceof Long && m.get("rxFrames") instanceof Long, "counters " + m);
                }
                List<Map<String, Object>> actives = ms.stream().filter(m -> "active".equals(m.get("state"))).toList();
                assertEquals(1, actives.size(), "exactly one active member: " + status);
                assertEquals(active, actives.get(0).get("name"), "team.active names the active member");
                // which bridge wins at start is the team's business (the one whose VNIC is up first,
                // without fail-back): here only that the active member's bridge has carrier
                assertTrue(carrier(status, (String) actives.get(0).get("bridge")),
                        "the active member's bridge has carrier: " + status);
                assertTrue(ms.stream().filter(m -> m != actives.get(0)).allMatch(m -> "backup".equals(m.get("state"))),
                        "the others are backups: " + status);
            }
            for (String key : new String[] { "bridges", "vlans", "vnics", "teams" }) {
                assertTrue(status.get(key) instanceof List, key + " is a list: " + status);
            }
            Map<String, Object> bridgeA = bridge(status, "bridgeA");
            assertEquals(true, bridgeA.get("carrier"), status.toString());
            assertTrue(bridgeA.get("txFrames") instanceof Long && bridgeA.get("rxFrames") instanceof Long, "" + bridgeA);
            assertEquals("02:00:00:00:0a:01", bridgeA.get("mac"));

            // --- GET /vnicteam/metrics: Prometheus text
            HttpResponse<String> metrics = get(base + "/vnicteam/metrics", null);
            assertEquals(200, metrics.statusCode(), metrics.body());
            assertTrue(metrics.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"),
                    metrics.headers().toString());
            String text = metrics.body();
            assertTrue(text.contains("# HELP vnicteam_bridge_carrier "), text);
            assertTrue(text.contains("# TYPE vnicteam_bridge_carrier gauge\n"), text);
            assertTrue(text.contains("\nvnicteam_bridge_carrier{bridge=\"bridgeA\"} 1\n"), text);
            assertTrue(text.contains("\nvnicteam_bridge_carrier{bridge=\"bridgeB\"} 1\n"), text);
            assertTrue(text.contains("# TYPE vnicteam_team_member_tx_frames_total counter\n"), text);
            assertTrue(Pattern.compile("(?m)^vnicteam_bridge_tx_frames_total\\{bridge=\"bridgeA\"} \\d+$")
                    .matcher(text).find(), text);
            if (hasTeam) {
                assertTrue(text.contains("vnicteam_team_member_state{team=\"" + team.get("name") + "\",member=\""
                        + active + "\",state=\"active\"} 1\n"), text);
            }

            // --- the Web Console page: behind the console's login
            String page = base + "/system/console/vnicteam";
            assertEquals(200, awaitHttp(page, "admin:" + PASSWORD), "the plugin page with the password");
            assertEquals(401, get(page, null).statusCode(), "no credentials");
            assertEquals(401, get(page + "/status.json", null).statusCode(), "its JSON needs them too");
            HttpResponse<String> json = get(page + "/status.json", "admin:" + PASSWORD);
            assertEquals(200, json.statusCode());
            MiniJson.parse(json.body());

            // --- headless Chromium: a screenshot, and the DOM after the page refreshed itself
            String chromium = chromium();
            String url = "http://admin:" + PASSWORD + "@127.0.0.1:" + port + "/system/console/vnicteam";
            Path png = Path.of(System.getProperty("vnicteam.it.dir", "target/it"), "vnicteam-plugin.png");
            Files.deleteIfExists(png);
            Chrome shot = chrome(chromium, "--screenshot=" + png.toAbsolutePath(), "--window-size=1200,800", url);
            assertTrue(Files.isRegularFile(png), "no screenshot " + png + ": " + shot);
            byte[] bytes = Files.readAllBytes(png);
            assertTrue(bytes.length > 10_000 && bytes[1] == 'P' && bytes[2] == 'N' && bytes[3] == 'G',
                    "a PNG of the rendered page (" + bytes.length + " bytes): " + shot);

            Chrome dom = chrome(chromium, "--virtual-time-budget=3000", "--dump-dom", url);
            String html = dom.out;
            assertTrue(html.contains("id=\"vnicteam-team\""), "the team table in the DOM: " + dom);
            String teamTable = tableText(html, "vnicteam-team");
            assertTrue(teamTable.startsWith("Member State Bridge Link TX frames RX frames"), teamTable);
            if (!hasTeam) {
                assertTrue(teamTable.contains(team.get("name") == null ? "no team (the host side is not running)"
                        : "no members"), teamTable);
            } else {
                // the page is read after the JSON: a member's state may have moved on since, its row not
                for (Object o : members) {
                    Map<String, Object> m = MiniJson.object(o);
                    assertTrue(Pattern.compile(Pattern.quote(String.valueOf(m.get("name")))
                            + " (active|backup|failed) " + Pattern.quote(String.valueOf(m.get("bridge"))))
                            .matcher(teamTable).find(), "row of " + m.get("name") + " in: " + teamTable);
                }
                assertEquals(1, Pattern.compile(" active ").matcher(teamTable).results().count(),
                        "exactly one active member: " + teamTable);
            }
            String bridges = tableText(html, "vnicteam-bridges");
            assertTrue(Pattern.compile("bridgeA up \\d+ 02:00:00:00:0a:01 ").matcher(bridges).find(), bridges);
            assertTrue(Pattern.compile("bridgeB up \\d+ 02:00:00:00:0b:01 ").matcher(bridges).find(), bridges);
            assertTrue(html.contains("id=\"vnicteam-vlans\""), "the VLAN table: " + dom);
            Matcher refreshes = Pattern.compile("id=\"vnicteam-updated\" data-refreshes=\"(\\d+)\">([^<]*)<")
                    .matcher(html);
            assertTrue(refreshes.find(), "the refresh line: " + html);
            assertTrue(Integer.parseInt(refreshes.group(1)) >= 1 && refreshes.group(2).startsWith("as of "),
                    "the page refreshed itself from status.json at least once: " + refreshes.group());
            assertTrue(Files.readString(home.resolve("stderr.txt")).lines().noneMatch(l -> l.startsWith("vnicteam:")),
                    Files.readString(home.resolve("stderr.txt")));
        } finally {
            stop(p);
            deleteTree(home);
        }
    }

    /**
     * Issue 5's done-when over HTTP: the image runs {@link #FAILOVER_SCRIPT} (UDP streams both ways on
     * VLAN 1, then the console cuts A's Ethernet link) while this test polls {@code /vnicteam/status}.
     * Before the cut: vnicA active and carrying the stream, vnicB backup and idle. After it: vnicB
     * active, vnicA failed, vnicA's counters frozen and vnicB's growing. At the end the figures the
     * console printed ({@code ethernet:streams client1}, {@code team:streams}) are checked against
     * what {@code /vnicteam/status} and {@code /vnicteam/metrics} say where they overlap. "Before" and
     * "after" are decided by the console's own echo of the cut line in stdout (printed and flushed
     * before the command runs), not by timing: a snapshot counts as before the cut only if the echo
     * was not there when its answer had arrived, and as after it only if the echo was there before
     * it was asked for.
     */
    @Test
    void givenStreamsOnVlan1_whenTheConsoleCutsALink_thenStatusShowsBActiveAFailedAndTheConsoleFiguresAgree()
            throws Exception {
        Path home = newHome("failover");
        int port = freePort();
        String status = "http://127.0.0.1:" + port + "/vnicteam/status";
        Path script = home.resolve("failover.gosh");
        Files.writeString(script, FAILOVER_SCRIPT);
        long t0 = System.nanoTime();
        Process p = start(home, port, "--script", script.toAbsolutePath().toString());
        try {
            // --- before the cut: the last snapshot taken while the cut line was not echoed yet
            Map<String, Object> before = null;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
            while (!stdout(home).contains(CUT_ECHO)) {
                assertTrue(System.nanoTime() < deadline && p.isAlive(), "the script cuts A's link within "
                        + WAIT_SECONDS + " s\n" + output(home));
                Map<String, Object> s = tryStatus(status);
                if (s != null && !stdout(home).contains(CUT_ECHO) && "vnicA".equals(team(s).get("active"))) {
                    before = s;
                }
                Thread.sleep(50);
            }
            assertNotNull(before, "/vnicteam/status showed vnicA active before the cut\n" + output(home));
            assertEquals("active", member(before, "vnicA").get("state"), "" + before);
            assertEquals("backup", member(before, "vnicB").get("state"), "" + before);
            long aBefore = (Long) member(before, "vnicA").get("txFrames");
            assertTrue(aBefore > 0, "the server's stream goes through vnicA before the cut: " + before);
            assertEquals(0L, member(before, "vnicB").get("txFrames"), "the backup carries nothing: " + before);

            // --- after the cut (the echo is in stdout, so every answer from here is after it started)
            Map<String, Object> after = awaitStatus(status, home, s -> "vnicB".equals(team(s).get("active")));
            assertEquals("active", member(after, "vnicB").get("state"), "" + after);
            assertEquals("failed", member(after, "vnicA").get("state"), "" + after);
            long aAfter = (Long) member(after, "vnicA").get("txFrames");
            long bAfter = (Long) member(after, "vnicB").get("txFrames");
            assertTrue(aAfter >= aBefore, "" + after);
            assertEquals(false, bridge(after, "bridgeA").get("carrier"), "bridge A lost its carrier: " + after);
            assertEquals(true, bridge(after, "bridgeB").get("carrier"), "" + after);

            // --- the end: the console has printed its stream figures; HTTP while the script sleeps
            deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
            while (!stdout(home).contains("\n" + FIGURES_PRINTED + "\n")) {
                assertTrue(System.nanoTime() < deadline && p.isAlive(), "the console prints its stream figures within "
                        + WAIT_SECONDS + " s\n" + output(home));
                Thread.sleep(50);
            }
            Map<String, Object> end = awaitStatus(status, home, s -> true);
            HttpResponse<String> metricsResponse = get(base(port) + "/vnicteam/metrics", null);
            assertEquals(200, metricsResponse.statusCode(), metricsResponse.body());
            String metrics = metricsResponse.body();
            Map<String, Object> end2 = awaitStatus(status, home, s -> true);

            assertTrue(p.waitFor(WAIT_SECONDS, TimeUnit.SECONDS), "the script ends\n" + output(home));
            double seconds = (System.nanoTime() - t0) / 1e9;
            assertEquals(0, p.exitValue(), output(home));
            String out = stdout(home);
            assertEquals(FAILOVER_SCRIPT.lines().filter(l -> !l.isBlank() && !l.startsWith("#")).toList(),
                    out.lines().filter(l -> l.startsWith("g! ")).map(l -> l.substring(3)).toList(),
                    "every line of the script ran, in order");
            assertTrue(Files.readString(home.resolve("stderr.txt")).lines().noneMatch(l -> l.startsWith("vnicteam:")),
                    output(home));

            // the fail-over as /vnicteam/status reports it
            Map<String, Object> team = team(end);
            assertEquals("vnicB", team.get("active"), "" + end);
            assertEquals("failed", member(end, "vnicA").get("state"), "" + end);
            assertEquals("active", member(end, "vnicB").get("state"), "" + end);
            assertEquals(1L, team.get("failovers"), "" + end);
            Map<String, Object> last = MiniJson.object(team.get("lastFailover"));
            assertEquals("vnicA", last.get("from"), "" + last);
            assertEquals("vnicB", last.get("to"), "" + last);
            assertTrue(((String) last.get("cause")).startsWith("vnicA BRIDGE_LINK down"), "" + last);
            long aEnd = (Long) member(end, "vnicA").get("txFrames");
            long bEnd = (Long) member(end, "vnicB").get("txFrames");
            assertEquals(aAfter, aEnd, "nothing goes through failed vnicA after the fail-over: " + end);
            assertTrue(bEnd > bAfter, "vnicB carries the stream after the cut: " + bAfter + " -> " + bEnd);

            // the console's figures: ethernet:streams client1 and team:streams
            String atClient = outputOf(out, "ethernet:streams client1");
            String atServer = outputOf(out, "team:streams");
            Matcher clientSent = line(atClient, "client1\\s+\\d+\\s+198\\.18\\.1\\.1:5001\\s+1000\\s+(\\d+)\\s+4000\\s+done");
            Matcher clientGot = line(atClient,
                    "client1\\s+198\\.18\\.1\\.1:\\d+\\s+\\d+\\s+5001\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)\\s.*");
            Matcher serverSent = line(atServer,
                    "server VLAN 1\\s+\\d+\\s+198\\.18\\.1\\.11:5001\\s+1000\\s+(\\d+)\\s+4000\\s+done");
            Matcher serverGot = line(atServer,
                    "server VLAN 1\\s+198\\.18\\.1\\.11:\\d+\\s+\\d+\\s+5001\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)\\s.*");
            long serverToClientSent = Long.parseLong(serverSent.group(1));
            long clientReceived = Long.parseLong(clientGot.group(1));
            long clientToServerSent = Long.parseLong(clientSent.group(1));
            long serverReceived = Long.parseLong(serverGot.group(1));
            long serverLost = Long.parseLong(serverGot.group(2));
            assertEquals(4000, serverToClientSent, atServer);
            assertEquals(serverToClientSent, clientReceived, "client1 received all the server sent: " + atClient);
            assertEquals("0", clientGot.group(2), "lost server -> client1 across the fail-over: " + atClient);
            assertEquals("0", clientGot.group(3), "duplicates server -> client1: " + atClient);
            assertEquals(4000, clientToServerSent, atClient);
            assertEquals(clientToServerSent, serverReceived + serverLost, "client1 -> server, every one counted: "
                    + atServer);
            assertTrue(serverLost <= 50, "client1 -> server: only frames in flight at the cut are lost: " + atServer);

            // ... against /vnicteam/status: every frame the VLAN miniports sent went through exactly one
            // member (nothing dropped), and on VLAN 1 that is the server's stream plus ARP
            Map<String, Object> counters = MiniJson.object(team.get("counters"));
            Map<String, Object> vlan1 = vlan(end, 1);
            Map<String, Object> vlan2 = vlan(end, 2);
            long teamTx = (Long) counters.get("txFrames");
            long teamRx = (Long) counters.get("rxFrames");
            assertEquals(0L, counters.get("txDroppedNoActive"), "" + counters);
            assertEquals(0L, counters.get("txDroppedMember"), "" + counters);
            assertEquals(teamTx, aEnd + bEnd, "team tx = vnicA tx + vnicB tx: " + team);
            assertEquals(teamRx, (Long) member(end, "vnicA").get("rxFrames") + (Long) member(end, "vnicB").get("rxFrames"),
                    "team rx = vnicA rx + vnicB rx: " + team);
            assertEquals(teamTx, (Long) vlan1.get("txFrames") + (Long) vlan2.get("txFrames"),
                    "what the miniports sent, the team sent: " + end);
            long vlan1Tx = (Long) vlan1.get("txFrames");
            long vlan1Rx = (Long) vlan1.get("rxFrames");
            assertTrue(vlan1Tx >= serverToClientSent && vlan1Tx - serverToClientSent <= ARP_SLACK,
                    "VLAN 1 tx " + vlan1Tx + " = the console's " + serverToClientSent + " sent + ARP");
            assertTrue(vlan1Rx >= serverReceived && vlan1Rx - serverReceived <= ARP_SLACK,
                    "VLAN 1 rx " + vlan1Rx + " = the console's " + serverReceived + " received + ARP");
            long bridgesTx = (Long) bridge(end, "bridgeA").get("txFrames") + (Long) bridge(end, "bridgeB").get("txFrames");
            assertTrue(bridgesTx >= clientReceived, "every datagram client1 received left a bridge: " + bridgesTx);

            // ... and /vnicteam/metrics says the same as /vnicteam/status (traffic over: both stable)
            assertEquals(end.get("team"), end2.get("team"), "team figures stable after the streams");
            assertEquals(end.get("vlans"), end2.get("vlans"), "VLAN figures stable after the streams");
            String t = "team=\"" + team.get("name") + "\",";
            for (String m : new String[] { "vnicA", "vnicB" }) {
                Map<String, Object> mm = member(end, m);
                assertMetric(metrics, "vnicteam_team_member_tx_frames_total{" + t + "member=\"" + m + "\"}", mm.get("txFrames"));
                assertMetric(metrics, "vnicteam_team_member_rx_frames_total{" + t + "member=\"" + m + "\"}", mm.get("rxFrames"));
                assertMetric(metrics, "vnicteam_team_member_state{" + t + "member=\"" + m + "\",state=\"" + mm.get("state")
                        + "\"}", 1L);
            }
            assertMetric(metrics, "vnicteam_team_failovers_total{team=\"" + team.get("name") + "\"}", 1L);
            assertMetric(metrics, "vnicteam_vlan_tx_frames_total{vlan=\"1\",miniport=\"vlan1\"}", vlan1Tx);
            assertMetric(metrics, "vnicteam_vlan_rx_frames_total{vlan=\"1\",miniport=\"vlan1\"}", vlan1Rx);
            assertMetric(metrics, "vnicteam_bridge_carrier{bridge=\"bridgeA\"}", 0L);
            assertMetric(metrics, "vnicteam_bridge_carrier{bridge=\"bridgeB\"}", 1L);

            System.out.printf("failover over HTTP: before the cut vnicA active (tx %d), vnicB backup (tx 0); after it "
                    + "vnicB active, vnicA failed (tx %d, frozen); vnicB tx %d -> %d; console: server -> client1 %d sent, "
                    + "%d received, 0 lost; client1 -> server %d sent, %d received, %d lost; status: team tx %d = VLAN 1 "
                    + "tx %d, VLAN 1 rx %d; %.1f s%n", aBefore, aEnd, bAfter, bEnd, serverToClientSent, clientReceived,
                    clientToServerSent, serverReceived, serverLost, teamTx, vlan1Tx, vlan1Rx, seconds);
        } finally {
            stop(p);
            deleteTree(home);
        }
    }

    private static String base(int port) {
        return "http://127.0.0.1:" + port;
    }

    private static Map<String, Object> tryStatus(String url) throws InterruptedException {
        try {
            HttpResponse<String> r = get(url, null);
            return r.statusCode() == 200 ? MiniJson.object(MiniJson.parse(r.body())) : null;
        } catch (IOException e) {
            return null; // not listening yet
        }
    }

    private static Map<String, Object> team(Map<String, Object> status) {
        return MiniJson.object(status.get("team"));
    }

    private static Map<String, Object> member(Map<String, Object> status, String name) {
        return MiniJson.array(team(status).get("members")).stream().map(MiniJson::object)
                .filter(m -> name.equals(m.get("name"))).findFirst()
                .orElseThrow(() -> new AssertionError("no member " + name + " in " + status));
    }

    private static Map<String, Object> vlan(Map<String, Object> status, long vlan) {
        return MiniJson.array(status.get("vlans")).stream().map(MiniJson::object)
                .filter(v -> Long.valueOf(vlan).equals(v.get("vlan"))).findFirst()
                .orElseThrow(() -> new AssertionError("no VLAN " + vlan + " in " + status));
    }

    private static void assertMetric(String metrics, String series, Object value) {
        assertTrue(metrics.contains("\n" + series + " " + value + "\n"), series + " " + value + " in\n" + metrics);
    }

    private static String stdout(Path home) throws IOException {
        Path f = home.resolve("stdout.txt");
        return Files.exists(f) ? Files.readString(f) : "";
    }

    private static String output(Path home) throws IOException {
        Path err = home.resolve("stderr.txt");
        return "--- stdout\n" + stdout(home) + "--- stderr\n" + (Files.exists(err) ? Files.readString(err) : "");
    }

    /** What the console printed for {@code command} (its first run), up to the next echo. */
    private static String outputOf(String out, String command) {
        StringBuilder sb = new StringBuilder();
        boolean in = false;
        for (String l : out.lines().toList()) {
            if (l.startsWith("g! ")) {
                if (in) {
                    break;
                }
                in = l.substring(3).equals(command);
            } else if (in) {
                sb.append(l).append('\n');
            }
        }
        return sb.toString();
    }

    /** The matcher of the first line that matches {@code regex} whole; fails without one. */
    private static Matcher line(String output, String regex) {
        Pattern p = Pattern.compile(regex);
        return output.lines().map(p::matcher).filter(Matcher::matches).findFirst()
                .orElseThrow(() -> new AssertionError("no line like " + regex + " in\n" + output));
    }

    // --- the image ---------------------------------------------------------------------------------

    private static Path newHome(String name) throws IOException {
        Path base = Path.of(System.getProperty("vnicteam.it.dir", "target/it"));
        Path home = base.resolve(name + "-" + System.nanoTime());
        Files.createDirectories(home.resolve("etc"));
        return home;
    }

    /** java -jar vnicteam.jar --home HOME --daemon; HTTP on PORT, a known Web Console password. */
    private static Process start(Path home, int port) throws IOException {
        return start(home, port, "--daemon");
    }

    /** java -jar vnicteam.jar --home HOME MODE...; HTTP on PORT, a known Web Console password. */
    private static Process start(Path home, int port, String... mode) throws IOException {
        Path image = Path.of(System.getProperty("vnicteam.image", "target/vnicteam.jar"));
        assertTrue(Files.isRegularFile(image), "the image is built: " + image);
        Files.writeString(home.resolve("etc/framework.properties"),
                "org.osgi.service.http.port=" + port + "\nfelix.webconsole.password=" + PASSWORD + "\n");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", image.toAbsolutePath().toString(), "--home", home.toAbsolutePath().toString()));
        cmd.addAll(List.of(mode));
        return new ProcessBuilder(cmd).directory(home.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(home.resolve("stdout.txt").toFile())
                .redirectError(home.resolve("stderr.txt").toFile())
                .start();
    }

    private static void stop(Process p) throws InterruptedException {
        p.destroy();
        if (!p.waitFor(WAIT_SECONDS, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            p.waitFor(WAIT_SECONDS, TimeUnit.SECONDS);
        }
    }

    private static Map<String, Object> awaitStatus(String url, Path home, Predicate<Map<String, Object>> ready)
            throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        String last = "(no answer)";
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<String> r = get(url, null);
                last = r.statusCode() + " " + r.headers().firstValue("Content-Type").orElse("") + "\n" + r.body();
                if (r.statusCode() == 200) {
                    assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"), last);
                    Map<String, Object> s = MiniJson.object(MiniJson.parse(r.body()));
                    if (ready.test(s)) {
                        return s;
                    }
                }
            } catch (IOException e) {
                last = e.toString();
            }
            Thread.sleep(100);
        }
        throw new AssertionError("GET " + url + " not ready within " + WAIT_SECONDS + " s; last: " + last
                + "\n--- stderr\n" + Files.readString(home.resolve("stderr.txt")));
    }

    /** Whether the host side runs: a team with members, or VNIC services (members are on their way). */
    private static boolean hostRuns(Map<String, Object> status) {
        Map<String, Object> team = MiniJson.object(status.get("team"));
        return team.get("name") != null
                && (!MiniJson.array(team.get("members")).isEmpty() || !MiniJson.array(status.get("vnics")).isEmpty());
    }

    private static boolean carrier(Map<String, Object> status, String name) {
        Map<String, Object> b = bridge(status, name);
        return b != null && Boolean.TRUE.equals(b.get("carrier"));
    }

    private static Map<String, Object> bridge(Map<String, Object> status, String name) {
        return MiniJson.array(status.get("bridges")).stream().map(MiniJson::object)
                .filter(b -> name.equals(b.get("name"))).findFirst().orElse(null);
    }

    /** Polls (bounded) while the Web Console registers itself (404/500/503 in between, see ApplianceImageIT). */
    private static int awaitHttp(String url, String credentials) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        int status = -1;
        while (System.nanoTime() < deadline) {
            try {
                status = get(url, credentials).statusCode();
                if (status != 404 && status != 500 && status != 503) {
                    return status;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        return status;
    }

    private static HttpResponse<String> get(String url, String credentials) throws IOException, InterruptedException {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest.Builder rq = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).GET();
        if (credentials != null) {
            rq.header("Authorization",
                    "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)));
        }
        return client.send(rq.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    // --- Chromium ----------------------------------------------------------------------------------

    private record Chrome(int exit, String out, String err) {
        @Override
        public String toString() {
            return "chromium exit " + exit + "\n--- stdout\n" + out + "\n--- stderr\n" + err;
        }
    }

    /** The chromium binary; its absence fails the test (./test.sh installs Debian's chromium). */
    private static String chromium() {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
            for (String name : new String[] { "chromium", "chromium-browser" }) {
                Path p = Path.of(dir, name);
                if (Files.isExecutable(p)) {
                    return p.toString();
                }
            }
        }
        return fail("headless Chromium is needed to check the Web Console page and none is on the PATH: "
                + "install Debian's chromium (./test.sh does: apt-get install chromium)");
    }

    /** Runs headless Chromium with a fresh profile (removed after), bounded; kills it in the end. */
    private static Chrome chrome(String chromium, String... args) throws Exception {
        Path profile = Files.createTempDirectory("vnicteam-chromium-");
        Path out = Files.createTempFile("vnicteam-chromium-", ".out");
        Path err = Files.createTempFile("vnicteam-chromium-", ".err");
        List<String> cmd = new ArrayList<>(List.of(chromium, "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--disable-dev-shm-usage", "--user-data-dir=" + profile));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        try {
            if (!p.waitFor(WAIT_SECONDS, TimeUnit.SECONDS)) {
                throw new AssertionError("chromium did not finish within " + WAIT_SECONDS + " s: " + cmd
                        + "\n--- stderr\n" + Files.readString(err));
            }
            Chrome c = new Chrome(p.exitValue(), Files.readString(out), Files.readString(err));
            assertEquals(0, c.exit, c.toString());
            return c;
        } finally {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            p.waitFor(WAIT_SECONDS, TimeUnit.SECONDS);
            deleteTree(profile);
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /** The text of a table's cells, header included, one space between cells and rows. */
    private static String tableText(String html, String id) {
        Matcher m = Pattern.compile("<table[^>]*id=\"" + id + "\"[^>]*>(.*?)</table>", Pattern.DOTALL).matcher(html);
        assertTrue(m.find(), "table " + id + " in: " + html);
        return m.group(1).replaceAll("<[^>]+>", " ").replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")
                .replaceAll("\\s+", " ").trim();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
