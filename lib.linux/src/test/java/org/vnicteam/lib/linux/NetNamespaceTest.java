package org.vnicteam.lib.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Needs root and iproute2 (the README's test command installs it); fails, never skips, without. */
class NetNamespaceTest {

    static final String NS = "vt-nstest-" + ProcessHandle.current().pid();

    @BeforeAll
    static void createNamespace() throws Exception {
        Shell.run("ip", "netns", "add", NS);
    }

    @AfterAll
    static void deleteNamespace() throws Exception {
        Shell.run("ip", "netns", "del", NS);
    }

    static String ownNamespace() throws IOException {
        return Files.readSymbolicLink(Path.of("/proc/thread-self/ns/net")).toString();
    }

    @Test
    void givenANamedNamespace_whenCalling_thenTheTaskRunsInsideItAndTheCallerStaysOutside() throws Exception {
        String outside = ownNamespace();
        NetNamespace ns = NetNamespace.named(NS);
        assertTrue(ns.exists());
        String inside = ns.call(NetNamespaceTest::ownNamespace);
        assertNotEquals(outside, inside);
        assertEquals(outside, ownNamespace());
        assertEquals(inside, ns.call(NetNamespaceTest::ownNamespace), "the same namespace every time");
    }

    @Test
    void givenTheCurrentNamespace_whenCalling_thenTheTaskRunsInTheCallersThread() throws Exception {
        Thread caller = Thread.currentThread();
        assertEquals(caller, NetNamespace.named("").call(Thread::currentThread));
        assertTrue(NetNamespace.current().isCurrent());
    }

    @Test
    void givenAMissingNamespace_whenCalling_thenTheErrorNamesIt() {
        IOException e = assertThrows(IOException.class,
                () -> NetNamespace.named("vt-no-such-ns").call(() -> 1));
        assertTrue(e.getMessage().contains("vt-no-such-ns"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> NetNamespace.named("../etc"));
    }
}
