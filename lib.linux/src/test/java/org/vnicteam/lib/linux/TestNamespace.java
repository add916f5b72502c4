package org.vnicteam.lib.linux;

import java.io.IOException;

/**
 * A network namespace a test makes for itself ({@code ip netns add PREFIX-PID}) and deletes on
 * close, with what was in it. Needs root and iproute2. Shared with other modules' tests through
 * this module's test jar.
 */
public final class TestNamespace implements AutoCloseable {

    private final String name;
    private final NetNamespace namespace;

    private TestNamespace(String name) {
        this.name = name;
        this.namespace = NetNamespace.named(name);
    }

    /** Creates the namespace {@code prefix-PID} (this JVM's pid: parallel builds do not collide). */
    public static TestNamespace create(String prefix) throws IOException, InterruptedException {
        String name = prefix + "-" + ProcessHandle.current().pid();
        Shell.run("ip", "netns", "add", name);
        return new TestNamespace(name);
    }

    public String name() {
        return name;
    }

    public NetNamespace namespace() {
        return namespace;
    }

    /** {@code ip -n NAME ARGS...}: its output; a failure throws. */
    public String ip(String... args) throws IOException, InterruptedException {
        String[] cmd = new String[args.length + 3];
        cmd[0] = "ip";
        cmd[1] = "-n";
        cmd[2] = name;
        System.arraycopy(args, 0, cmd, 3, args.length);
        return Shell.run(cmd);
    }

    /** {@code ip -o link show} in the namespace: whether it has an interface of that name. */
    public boolean hasInterface(String ifname) throws IOException, InterruptedException {
        return ip("-o", "link", "show").lines().anyMatch(l -> l.matches("\\d+: " + ifname + "[:@].*"));
    }

    @Override
    public void close() throws IOException, InterruptedException {
        Shell.run("ip", "netns", "del", name);
    }
}
