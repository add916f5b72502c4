package org.vnicteam.testbed;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a command with a time limit and collects its output (stdout and stderr together). */
final class Sh {

    /** What a command did. */
    record Result(List<String> command, int exitCode, String output) {

        boolean ok() {
            return exitCode == 0;
        }

        /** This result if the command succeeded, else an exception naming it and its output. */
        Result check() {
            if (!ok()) {
                throw new IllegalStateException(String.join(" ", command) + " failed (exit " + exitCode + "): "
                        + output.strip());
            }
            return this;
        }
    }

    private Sh() {
    }

    /** Runs {@code command}; killed after {@code timeoutSeconds} (exit code -1 then). */
    static Result run(long timeoutSeconds, String... command) {
        return run(timeoutSeconds, List.of(command));
    }

    static Result run(long timeoutSeconds, List<String> command) {
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.PIPE)
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command.get(0) + " (installed? testbed/up installs it)", e);
        }
        try {
            p.getOutputStream().close();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            Thread reader = new Thread(() -> copy(p.getInputStream(), out), "sh-output");
            reader.setDaemon(true);
            reader.start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
                reader.join(1000);
                return new Result(command, -1, out + "\n(killed after " + timeoutSeconds + " s)");
            }
            reader.join(5000);
            return new Result(command, p.exitValue(), out.toString());
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running " + command, e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code ip netns exec NS command...} */
    static List<String> inNs(String ns, String... command) {
        List<String> c = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        c.addAll(List.of(command));
        return c;
    }

    private static void copy(InputStream in, ByteArrayOutputStream out) {
        byte[] buf = new byte[8192];
        try {
            int n;
            while ((n = in.read(buf)) > 0) {
                synchronized (out) {
                    out.write(buf, 0, n);
                }
            }
        } catch (IOException e) {
            // the process ended
        }
    }
}
