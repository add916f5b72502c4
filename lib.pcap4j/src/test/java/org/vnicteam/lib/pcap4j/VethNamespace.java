package org.vnicteam.lib.pcap4j;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.Platform;

/**
 * A network namespace of the test's own ({@code PREFIX + pid}) holding one veth pair, both ends
 * up, IPv6 off (no frames of the kernel's own), deleted with the pair on {@link #close()}. Handles
 * opened through {@link #call} keep the namespace (the socket's is the creating thread's). Needs
 * root and iproute2; a missing tool fails the test with its output. (lib.linux has the full
 * version of this; it depends on this module, so this module's tests cannot use it.)
 */
final class VethNamespace implements AutoCloseable {

    private static final int CLONE_NEWNET = 0x40000000;

    private final String name;

    private VethNamespace(String name) {
        this.name = name;
    }

    static VethNamespace create(String prefix, String a, String b) throws IOException, InterruptedException {
        VethNamespace ns = new VethNamespace(prefix + ProcessHandle.current().pid());
        run("ip", "netns", "add", ns.name);
        try {
            run("ip", "netns", "exec", ns.name, "sysctl", "-qw", "net.ipv6.conf.default.disable_ipv6=1");
            run("ip", "-n", ns.name, "link", "add", a, "type", "veth", "peer", "name", b);
            run("ip", "-n", ns.name, "link", "set", a, "up");
            run("ip", "-n", ns.name, "link", "set", b, "up");
        } catch (IOException | InterruptedException e) {
            ns.close();
            throw e;
        }
        return ns;
    }

    /** A pool of daemon threads for a test's blocking reads (a stuck read does not hold the JVM). */
    static ExecutorService daemonThreads(String name) {
        return Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
    }

    /** Runs {@code task} on a short-lived thread that joined the namespace. */
    <T> T call(Callable<T> task) throws Exception {
        CompletableFuture<T> result = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                int fd = Libc.open("/var/run/netns/" + name, 0);
                try {
                    Libc.setns(fd, CLONE_NEWNET);
                } finally {
                    Libc.close(fd);
                }
                result.complete(task.call());
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        }, "netns " + name);
        t.start();
        try {
            return result.get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        run("ip", "netns", "del", name);
    }

    private static void run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", command) + ": no answer in 10 s");
        }
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " exited " + p.exitValue() + ": "
                    + new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    private static final class Libc {
        static {
            Native.register(Libc.class, Platform.C_LIBRARY_NAME);
        }

        static native int open(String path, int flags) throws LastErrorException;

        static native int setns(int fd, int nstype) throws LastErrorException;

        static native int close(int fd) throws LastErrorException;
    }
}
