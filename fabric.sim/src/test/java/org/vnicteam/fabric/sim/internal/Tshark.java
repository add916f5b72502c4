package org.vnicteam.fabric.sim.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs Wireshark's tshark over a capture with link type 147 mapped to the infiniband dissector.
 * tshark is installed by the test command; without it the test fails and says so.
 */
final class Tshark {

    static final String USER_DLT = "uat:user_dlts:\"User 0 (DLT=147)\",\"infiniband\",\"0\",\"\",\"0\",\"\"";

    private Tshark() {
    }

    /** One line per packet, the given fields separated by '|'. */
    static List<String[]> fields(Path pcap, String displayFilter, String... fields) throws IOException,
            InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("tshark", "-n", "-r", pcap.toString(), "-o", USER_DLT, "-T",
                "fields", "-E", "separator=|", "-E", "occurrence=f"));
        if (displayFilter != null) {
            cmd.add("-Y");
            cmd.add(displayFilter);
        }
        for (String f : fields) {
            cmd.add("-e");
            cmd.add(f);
        }
        List<String[]> rows = new ArrayList<>();
        for (String line : run(cmd)) {
            rows.add(line.split("\\|", -1));
        }
        return rows;
    }

    static List<String> run(List<String> cmd) throws IOException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectErrorStream(false).start();
        } catch (IOException e) {
            throw new AssertionError("tshark is not installed; ./test.sh installs it (apt-get install tshark)", e);
        }
        byte[] out = p.getInputStream().readAllBytes();
        byte[] err = p.getErrorStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("tshark did not finish within 60 s");
        }
        if (p.exitValue() != 0) {
            throw new AssertionError("tshark failed (" + p.exitValue() + "): " + new String(err, StandardCharsets.UTF_8));
        }
        String s = new String(out, StandardCharsets.UTF_8).strip();
        return s.isEmpty() ? List.of() : List.of(s.split("\n"));
    }
}
