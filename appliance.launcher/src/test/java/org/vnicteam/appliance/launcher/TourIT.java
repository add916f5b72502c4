package org.vnicteam.appliance.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The README's console tour, exactly as a newcomer runs it: the built image with
 * {@code --script docs/tour.gosh} as a child process (own home under target/it/, own HTTP port,
 * bounded wait, killed in the end). The whole FIG. 5 embedded default must come up from the
 * image's etc/ files alone, and the tour's output must show the fail-over: A active first, B active
 * and A failed after A's Ethernet link is cut, no datagram of the server's stream to client1 lost,
 * A back as the backup after the restore and after its device bundle is swapped.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class TourIT {

    /** The tour sleeps ~8 s; start-up ~1.5 s; a loaded build machine is slower. */
    private static final long WAIT_SECONDS = 60;

    @Test
    void givenTheEmbeddedDefault_whenTheReadmeTourRuns_thenTheTeamFailsOverToBWithoutLossServerToClient()
            throws Exception {
        Path tour = Path.of(System.getProperty("vnicteam.tour", "../docs/tour.gosh")).toAbsolutePath();
        assertTrue(Files.isRegularFile(tour), "the README's tour script: " + tour);
        Path home = newHome("tour");

        Result r = run(home, "--script", tour.toString());

        assertEquals(0, r.exit, r.toString());
        List<String> expected = Files.readAllLines(tour, StandardCharsets.UTF_8).stream().map(String::strip)
                .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        assertEquals(expected, r.commands(), "every line of the tour ran, in order");

        // 1. A active, B backup; the server answers on VLAN 1
        String first = r.outputOf("team:status", 0);
        assertTrue(first.startsWith("team team0: active vnicA; 2 members (1 active, 1 backup, 0 failed)"), first);
        assertTrue(row(first, "vnicA").matches("vnicA\\s+bridgeA\\s+200\\s+active\\s+UP\\s.*"), first);
        assertTrue(row(first, "vnicB").matches("vnicB\\s+bridgeB\\s+100\\s+backup\\s+UP\\s.*"), first);
        String miniports = r.outputOf("team:miniports", 0);
        assertTrue(row(miniports, "vlan1").matches("vlan1\\s+1\\s+server-vlan1\\s+connected\\s+198\\.18\\.1\\.1\\s.*"),
                miniports);
        assertTrue(row(miniports, "vlan2").matches("vlan2\\s+2\\s+server-vlan2\\s+connected\\s+198\\.18\\.2\\.1\\s.*"),
                miniports);
        assertTrue(r.outputOf("team:ping 1 198.18.1.11", 0).startsWith("ping 198.18.1.11: 3 sent, 3 received, 0 lost"),
                r.toString());

        // 3. after the cut: B active, A failed, the fail-over with its cause and measured duration
        String cut = r.outputOf("team:status", 1);
        assertTrue(cut.startsWith("team team0: active vnicB; 2 members (1 active, 0 backup, 1 failed), 1 fail-overs"),
                cut);
        // (its last-cause column may already show the session events that follow the fail-over;
        // the cause of the fail-over itself is checked on the "last fail-over" line below)
        assertTrue(row(cut, "vnicA").matches("vnicA\\s+bridgeA\\s+200\\s+failed\\s+DOWN\\s.*"), cut);
        assertTrue(row(cut, "vnicB").matches("vnicB\\s+bridgeB\\s+100\\s+active\\s+UP\\s.*"), cut);
        Matcher f = Pattern.compile("last fail-over #1 at \\S+: vnicA -> vnicB, cause: vnicA BRIDGE_LINK down .*\\R"
                + "  first frame through vnicB ([0-9.]+) ms after the report, action done in ([0-9.]+) ms").matcher(cut);
        assertTrue(f.find(), cut);
        double firstFrameMillis = Double.parseDouble(f.group(1));
        assertTrue(firstFrameMillis < 50, "first frame through B within 50 ms of A's report: " + cut);

        // 4. the streams: nothing of the server's stream to client1 lost, nothing duplicated
        String atClient = r.outputOf("ethernet:streams client1", 0);
        Matcher c = line(atClient,
                "client1\\s+198\\.18\\.1\\.1:\\d+\\s+\\d+\\s+5001\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)\\s.*");
        assertEquals("4000", c.group(1), "client1 received every datagram the server sent: " + atClient);
        assertEquals("0", c.group(2), "lost server -> client1: " + atClient);
        assertEquals("0", c.group(3), "duplicates server -> client1: " + atClient);
        String atServer = r.outputOf("team:streams", 0);
        Matcher s = line(atServer,
                "server VLAN 1\\s+198\\.18\\.1\\.11:\\d+\\s+\\d+\\s+5001\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)\\s.*");
        long received = Long.parseLong(s.group(1));
        long lost = Long.parseLong(s.group(2));
        assertEquals(4000, received + lost, "client1 -> server: every datagram counted: " + atServer);
        assertTrue(lost <= 50, "client1 -> server: only frames in flight at the cut are lost: " + atServer);

        // 5. restored: A is the backup (fail-back none), B stays active
        String restored = r.outputOf("team:status", 2);
        assertTrue(restored.startsWith("team team0: active vnicB; 2 members (1 active, 1 backup, 0 failed)"), restored);
        assertTrue(row(restored, "vnicA").matches("vnicA\\s+bridgeA\\s+200\\s+backup\\s+UP\\s.*"), restored);

        // 6. bundle swap: unplugged A is failed; plugged in again it is the backup with a new session
        String unplugged = r.outputOf("team:status", 3);
        assertTrue(row(unplugged, "vnicA").matches("vnicA\\s+bridgeA\\s+200\\s+failed\\s.*"), unplugged);
        assertTrue(row(unplugged, "vnicB").matches("vnicB\\s+bridgeB\\s+100\\s+active\\s.*"), unplugged);
        String replugged = r.outputOf("team:status", 4);
        assertTrue(replugged.startsWith("team team0: active vnicB; 2 members (1 active, 1 backup, 0 failed), "
                + "1 fail-overs"), replugged);
        assertTrue(row(replugged, "vnicA").matches("vnicA\\s+bridgeA\\s+200\\s+backup\\s+UP\\s.*"), replugged);

        // 7. fail-back primary applied live; the host driver's bundle updated: the team keeps it
        String updated = r.outputOf("team:status", 5);
        assertTrue(updated.startsWith("team team0: active vnicA; 2 members (1 active, 1 backup, 0 failed)"), updated);
        assertTrue(updated.contains("fail-back primary"), "configuration kept across the update: " + updated);

        assertTrue(r.err.lines().noneMatch(l -> l.startsWith("vnicteam:")), r.toString());
        System.out.printf("tour: fail-over A -> B first frame after %s ms, action %s ms; server -> client1 %s of 4000 "
                + "received, 0 lost; client1 -> server %d received, %d lost%n", f.group(1), f.group(2), c.group(1),
                received, lost);
    }

    // --- helpers (as ApplianceImageIT's) ---------------------------------------------------------

    private record Result(int exit, String out, String err) {

        List<String> commands() {
            return out.lines().filter(l -> l.startsWith("g! ")).map(l -> l.substring(3)).toList();
        }

        /** What the n-th run (from 0) of {@code command} printed, up to the next echo. */
        String outputOf(String command, int n) {
            int seen = -1;
            boolean in = false;
            StringBuilder sb = new StringBuilder();
            for (String l : out.lines().toList()) {
                if (l.startsWith("g! ")) {
                    if (in) {
                        break;
                    }
                    if (l.substring(3).equals(command) && ++seen == n) {
                        in = true;
                    }
                    continue;
                }
                if (in) {
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

    /** The row of a table that starts with {@code first} (and a blank), or "". */
    private static String row(String output, String first) {
        return output.lines().filter(l -> l.startsWith(first + " ")).findFirst().orElse("");
    }

    /** The matcher of the first line that matches {@code regex} whole; fails without one. */
    private static Matcher line(String output, String regex) {
        Pattern p = Pattern.compile(regex);
        return output.lines().map(p::matcher).filter(Matcher::matches).findFirst()
                .orElseThrow(() -> new AssertionError("no line like " + regex + " in\n" + output));
    }

    private static Path newHome(String name) throws IOException {
        Path base = Path.of(System.getProperty("vnicteam.it.dir", "target/it"));
        Path home = base.resolve(name + "-" + System.nanoTime());
        Files.createDirectories(home.resolve("etc"));
        return home;
    }

    private static Result run(Path home, String... args) throws Exception {
        Path image = Path.of(System.getProperty("vnicteam.image", "target/vnicteam.jar"));
        assertTrue(Files.isRegularFile(image), "the image is built: " + image);
        Files.writeString(home.resolve("etc/framework.properties"), "org.osgi.service.http.port=" + freePort() + "\n");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", image.toAbsolutePath().toString(), "--home", home.toAbsolutePath().toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(home.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(home.resolve("stdout.txt").toFile())
                .redirectError(home.resolve("stderr.txt").toFile())
                .start();
        try {
            assertTrue(p.waitFor(WAIT_SECONDS, TimeUnit.SECONDS), "the tour ends within " + WAIT_SECONDS + " s: "
                    + Files.readString(home.resolve("stdout.txt")));
            return new Result(p.exitValue(), Files.readString(home.resolve("stdout.txt")),
                    Files.readString(home.resolve("stderr.txt")));
        } finally {
            p.destroyForcibly();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
