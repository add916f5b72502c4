package org.vnicteam.lib.linux;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A network namespace a test makes for itself, named with a prefix and the JVM's pid so that
 * parallel builds never share one, and deleted on {@link #close()} with every interface in it.
 * Needs root and iproute2; a missing tool fails the test with the command's output. Shared with
 * other modules' tests through this module's test jar.
 */
public final class TestNamespace implements AutoCloseable {

    private final String name;
    private final NetNamespace netns;

    private TestNamespace(String name) {
        this.name = name;
        this.netns = NetNamespace.named(name);
    }

    /** Creates the namespace {@code prefix + pid} (a prefix ending in '-' reads best). */
    public static TestNamespace create(String prefix) throws IOException, InterruptedException {
        String name = prefix + ProcessHandle.current().pid();
        Shell.run("ip", "netns", "add", name);
        return new TestNamespace(name);
    }

    public String name() {
        return name;
    }

    public NetNamespace netns() {
        return netns;
    }

    /** {@code ip -n NAME ARGS...}: its output; a failure throws. */
    public String ip(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("ip", "-n", name));
        command.addAll(List.of(args));
        return Shell.run(command.toArray(String[]::new));
    }

    /** {@code ip -o link show} in the namespace: whether it has an interface of that name. */
    public boolean hasInterface(String ifname) throws IOException, InterruptedException {
        return ip("-o", "link", "show").lines().anyMatch(l -> l.matches("\\d+: " + ifname + "[:@].*"));
    }

    /**
     * Turns IPv6 off for interfaces made from now on, so that a fresh link carries no frames of the
     * kernel's own (router solicitations, MLD reports): tests can count frames exactly.
     */
    public void disableIpv6() throws IOException, InterruptedException {
        Shell.run(inside("sysctl", "-qw", "net.ipv6.conf.default.disable_ipv6=1").toArray(String[]::new));
        Shell.run(inside("sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1").toArray(String[]::new));
    }

    /** A veth pair {@code a}–{@code b} inside the namespace, both ends up. */
    public void addVethPair(String a, String b) throws IOException, InterruptedException {
        ip("link", "add", a, "type", "veth", "peer", "name", b);
        ip("link", "set", a, "up");
        ip("link", "set", b, "up");
    }

    /** The command line that runs {@code command} inside the namespace ({@code ip netns exec}). */
    public List<String> inside(String... command) {
        List<String> line = new ArrayList<>(List.of("ip", "netns", "exec", name));
        line.addAll(List.of(command));
        return line;
    }

    /** Deletes the namespace and what it holds (veth pairs go with it). */
    @Override
    public void close() throws IOException, InterruptedException {
        Shell.run("ip", "netns", "del", name);
    }

    @Override
    public String toString() {
        return "netns " + name;
    }
}
