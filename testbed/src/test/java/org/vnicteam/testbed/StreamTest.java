package org.vnicteam.testbed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class StreamTest {

    /** Runs the tool; returns exit code and what it wrote to stderr. */
    private static Object[] run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Stream.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Object[] {code, err.toString(StandardCharsets.UTF_8)};
    }

    private static void assertRefused(String expected, String... args) {
        Object[] r = run(args);
        assertEquals(2, r[0], "exit code of " + String.join(" ", args));
        assertTrue(((String) r[1]).contains(expected), "says '" + expected + "': " + r[1]);
        assertTrue(((String) r[1]).contains("usage: Stream send"), "shows the usage: " + r[1]);
    }

    @Test
    void givenBadArguments_whenRun_thenExit2WithTheReasonAndTheUsage() {
        assertRefused("first argument: send or recv");
        assertRefused("first argument: send or recv", "talk");
        assertRefused("--to ADDRESS:PORT is required", "send", "--rate", "1000", "--count", "10");
        assertRefused("'198.18.1.1' is not ADDRESS:PORT", "send", "--to", "198.18.1.1", "--rate", "1", "--count", "1");
        assertRefused("port not in 1..65535", "send", "--to", "198.18.1.1:70000", "--rate", "1", "--count", "1");
        assertRefused("give an IPv4 address, not a name", "send", "--to", "server:5001", "--rate", "1", "--count", "1");
        assertRefused("--rate 'fast' is not a number", "send", "--to", "198.18.1.1:5001", "--rate", "fast", "--count", "1");
        assertRefused("--count is required", "recv", "--port", "5001", "--rate", "1000");
        assertRefused("unknown option --speed", "recv", "--port", "5001", "--speed", "1");
        assertRefused("--port needs a value", "recv", "--port");
        assertRefused("--netns given more than once", "recv", "--netns", "a", "--netns", "b", "--port", "1",
                "--rate", "1", "--count", "1");
    }

    @Test
    void givenOutOfRangeSettings_whenASenderIsMade_thenItIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new StreamSender(java.util.List.of(), 0, 1, 64));
        assertThrows(IllegalArgumentException.class, () -> new StreamSender(java.util.List.of(), 1000, 0, 64));
        assertThrows(IllegalArgumentException.class, () -> new StreamSender(java.util.List.of(), 1000, 1, 23));
        assertThrows(IllegalArgumentException.class, () -> new StreamSender(java.util.List.of(), 1000, 1, 1473));
    }
}
