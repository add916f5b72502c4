package org.vnicteam.appliance.launcher;

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
 * (Debian's {@code chromium}, installed by ./test.sh) missing is a failure, never a skip.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class VnicTeamHttpIT {

    private static final long WAIT_SECONDS = 10;
    private static final String PASSWORD = "it-" + Long.toHexString(System.nanoTime()) + "-Secret";
    private static final Set<String> STATES = Set.of("active", "backup", "failed");

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
                for (Object o : members) {
                    Map<String, Object> m = MiniJson.object(o);
                    assertTrue(teamTable.contains(m.get("name") + " " + m.get("state") + " " + m.get("bridge")),
                            "row of " + m.get("name") + " in: " + teamTable);
                }
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

    // --- the image ---------------------------------------------------------------------------------

    private static Path newHome(String name) throws IOException {
        Path base = Path.of(System.getProperty("vnicteam.it.dir", "target/it"));
        Path home = base.resolve(name + "-" + System.nanoTime());
        Files.createDirectories(home.resolve("etc"));
        return home;
    }

    /** java -jar vnicteam.jar --home HOME --daemon; HTTP on PORT, a known Web Console password. */
    private static Process start(Path home, int port) throws IOException {
        Path image = Path.of(System.getProperty("vnicteam.image", "target/vnicteam.jar"));
        assertTrue(Files.isRegularFile(image), "the image is built: " + image);
        Files.writeString(home.resolve("etc/framework.properties"),
                "org.osgi.service.http.port=" + port + "\nfelix.webconsole.password=" + PASSWORD + "\n");
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                image.toAbsolutePath().toString(), "--home", home.toAbsolutePath().toString(), "--daemon");
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
