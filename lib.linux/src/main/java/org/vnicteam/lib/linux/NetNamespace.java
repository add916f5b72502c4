package org.vnicteam.lib.linux;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

import com.sun.jna.LastErrorException;

import org.vnicteam.lib.linux.internal.LibC;

/**
 * A named network namespace ({@code ip netns add NAME}, i.e. /var/run/netns/NAME), or the
 * process's own. Sockets, pcap handles and TAP devices belong to the namespace of the thread that
 * created them and keep it for life, whichever thread uses them later: so {@link #call} runs the
 * creation on a short-lived thread that has joined the namespace ({@code setns(2)} changes only
 * the calling thread), and everything else runs anywhere.
 */
public final class NetNamespace {

    /** Where {@code ip netns} keeps its namespaces. */
    public static final Path NETNS_DIR = Path.of("/var/run/netns");

    private static final NetNamespace CURRENT = new NetNamespace("");

    private final String name;

    private NetNamespace(String name) {
        this.name = name;
    }

    /** The process's own namespace (no setns at all). */
    public static NetNamespace current() {
        return CURRENT;
    }

    /**
     * The namespace of that name; {@code null} or empty is {@link #current()}.
     *
     * @throws IllegalArgumentException if the name is not a plain file name
     */
    public static NetNamespace named(String name) {
        if (name == null || name.isBlank()) {
            return CURRENT;
        }
        if (name.contains("/") || name.equals(".") || name.equals("..")) {
            throw new IllegalArgumentException("network namespace name '" + name + "' is not a plain name");
        }
        return new NetNamespace(name);
    }

    /** The name, empty for the process's own namespace. */
    public String name() {
        return name;
    }

    public boolean isCurrent() {
        return name.isEmpty();
    }

    /** Whether the namespace exists now (the process's own always does). */
    public boolean exists() {
        return isCurrent() || Files.exists(NETNS_DIR.resolve(name));
    }

    /**
     * Runs {@code task} inside this namespace and returns its result. For the process's own
     * namespace it runs in the caller's thread.
     *
     * @throws IOException if the namespace does not exist or cannot be joined, or what the task threw
     */
    public <T> T call(Callable<T> task) throws IOException {
        if (isCurrent()) {
            try {
                return task.call();
            } catch (IOException | RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IOException(e.getMessage(), e);
            }
        }
        CompletableFuture<T> result = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                join();
                result.complete(task.call());
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        }, "netns " + name);
        t.setDaemon(true);
        t.start();
        try {
            return result.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while working in network namespace " + name, e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            throw new IOException("in network namespace " + name + ": " + cause, cause);
        }
    }

    /** Moves the calling thread into this namespace (for good). */
    private void join() throws IOException {
        Path path = NETNS_DIR.resolve(name);
        if (!Files.exists(path)) {
            throw new IOException("network namespace " + name + " does not exist (no " + path + ")");
        }
        int fd;
        try {
            fd = LibC.open(path.toString(), LibC.O_RDONLY | LibC.O_CLOEXEC);
        } catch (LastErrorException e) {
            throw LibC.io("open", path.toString(), e);
        }
        try {
            LibC.setns(fd, LibC.CLONE_NEWNET);
        } catch (LastErrorException e) {
            throw LibC.io("setns", "network namespace " + name, e);
        } finally {
            LibC.close(fd);
        }
    }

    @Override
    public String toString() {
        return isCurrent() ? "(own network namespace)" : "netns " + name;
    }
}
