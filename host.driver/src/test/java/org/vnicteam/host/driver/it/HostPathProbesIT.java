package org.vnicteam.host.driver.it;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.vnicteam.host.driver.it.EmbeddedDefault.waitFor;
import static org.vnicteam.host.driver.it.Traffic.finish;
import static org.vnicteam.host.driver.it.Traffic.resolveArp;
import static org.vnicteam.host.driver.it.Traffic.startStreams;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import javax.inject.Inject;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerMethod;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.ConfigurationAdmin;
import org.vnicteam.api.bridge.ProbeStatus;
import org.vnicteam.api.host.LinkState;
import org.vnicteam.api.host.TeamStatus;

/**
 * Failures that keep carrier, found by the bridges' path probes (2 ms, 4 misses: the device
 * bundles' defaults), in the embedded default with everything real: a bridge's switch port
 * removed from the switch, a VLAN dropped from its trunk, under UDP streams both ways on both
 * VLANs; a lone bridge; both bridges losing each other with silent clients; and a team that does
 * not flap once the path is back, under 5,000 frames/s.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class HostPathProbesIT {

    static final Map<String, String> PROBES = Map.of("probe.interval.ms", "2", "probe.misses", "4");
    static final int REPETITIONS = 5;
    /** Needless switches (a stalled machine) a test of {@link #REPETITIONS} fail-overs tolerates. */
    static final int MAX_FALSE_SWITCHES = 3;
    /** Detection and fail-over, median over the repetitions. */
    static final long TARGET_NANOS = 20_000_000L;

    @Inject
    BundleContext context;

    @Inject
    ConfigurationAdmin cm;

    @Configuration
    public Option[] config() {
        return HostFrameworkOptions.felixWithTheEmbeddedDefault();
    }

    /** A failure that keeps carrier on one bridge's port, and its repair. */
    interface Failure {
        void apply(EmbeddedDefault env, String bridgePort, boolean failed);
    }

    static final Failure PORT_REMOVED = (env, port, failed) -> env.segment().setPortAttached(port, !failed);
    static final Failure VLAN1_DROPPED = (env, port, failed) -> env.segment().setVlanCarried(port, 1, !failed);

    @Test
    public void givenStreamsBothWays_whenTheActiveBridgesSwitchPortIsRemoved_thenTheTeamMovesWithin20msMedian_andLossIsBounded()
            throws Exception {
        repeatFailovers(PORT_REMOVED, "switch port removed", 9500);
    }

    @Test
    public void givenStreamsBothWays_whenVlan1IsDroppedFromTheActiveBridgesTrunk_thenTheTeamMovesWithin20msMedian_andLossIsBounded()
            throws Exception {
        repeatFailovers(VLAN1_DROPPED, "VLAN 1 dropped from the trunk", 9600);
    }

    /**
     * {@link #REPETITIONS} fail-overs, each away from the active bridge (A, B, A, ...: fail-back
     * none): the failure under streams both ways on both VLANs, the time from it to the end of the
     * team's switch, the loss of each stream against the carrier case's bound; then the repair,
     * after which the failed bridge's path comes back and its member is fully up again.
     */
    private void repeatFailovers(Failure failure, String what, int basePort) throws Exception {
        EmbeddedDefault env = new EmbeddedDefault(context, cm).withBridgeProperties(PROBES).start(Map.of(), Map.of());
        resolveArp(env);
        waitForArmedPaths(env);
        List<Long> took = new ArrayList<>();
        int falseSwitches = 0;
        for (int attempt = 0; took.size() < REPETITIONS; attempt++) {
            int i = took.size();
            String from = env.team().active();
            String to = from.equals("vnicA") ? "vnicB" : "vnicA";
            String port = from.equals("vnicA") ? "bridgeA-eth" : "bridgeB-eth";
            long failoversBefore = env.team().status().failovers();
            List<Traffic.Stream> streams = startStreams(env, basePort + 10 * attempt);
            Thread.sleep(300);
            if (env.team().status().failovers() != failoversBefore) {
                // A stall of this shared machine longer than the window can silence one bridge's
                // reports but not the other's: one needless, planned switch. Counted; the repetition
                // is done again, at most MAX_FALSE_SWITCHES times per test.
                falseSwitches++;
                System.out.println(what + ": a fail-over before the failure (" + env.team().status().lastFailover()
                        + "); repetition " + (i + 1) + " again");
                assertTrue("too many fail-overs without a failure: " + env.team().status().events(),
                        falseSwitches <= MAX_FALSE_SWITCHES);
                finish(streams);
                waitForPathsUp(env);
                continue;
            }
            long[] sentBefore = sent(streams);
            Instant failed = Instant.now();
            failure.apply(env, port, true);
            waitFor(() -> to.equals(env.team().active()), () -> to + " active after " + what + ": " + env.team().status());
            long[] sentAfter = sent(streams);
            TeamStatus.FailoverRecord f = env.team().status().lastFailover();
            long nanos = Duration.between(failed, f.time()).toNanos();
            took.add(nanos);
            finish(streams);
            System.out.printf("%s #%d at %s's port: %s active after %.2f ms (%s)%n", what, i + 1, from, to, nanos / 1e6,
                    f.cause());
            TeamStatus st = env.team().status();
            assertEquals(from + " -> " + to + ", once: " + st.events(), failoversBefore + 1, st.failovers());
            assertTrue(f.cause(), f.cause().contains("lost its path"));
            assertEquals("degraded, not failed: " + st.member(from), TeamStatus.Role.BACKUP, st.member(from).role());
            assertEquals(LinkState.DOWN, st.member(from).path());
            assertStreamLoss(env, streams, what + " #" + (i + 1), nanos, sentBefore, sentAfter);

            failure.apply(env, port, false);
            waitForPathsUp(env);
        }
        System.out.println(what + ": " + falseSwitches + " fail-overs without a failure");
        List<Long> sorted = took.stream().sorted().toList();
        long median = sorted.get(sorted.size() / 2);
        System.out.printf("%s: detection and fail-over over %d repetitions: median %.2f ms, min %.2f ms, max %.2f ms "
                + "(probes 2 ms x 4, path down delay 5 ms)%n", what, REPETITIONS, median / 1e6, sorted.get(0) / 1e6,
                sorted.get(sorted.size() - 1) / 1e6);
        assertTrue(what + ": median " + median / 1000 + " us of " + took, median <= TARGET_NANOS);
    }

    @Test
    public void givenALoneBridge_whenItsSwitchPortIsRemoved_thenItNeverReportsItsPathLost() throws Exception {
        EmbeddedDefault env = new EmbeddedDefault(context, cm).withBridgeProperties(PROBES).startWithA(Map.of(),
                Map.of());
        resolveArp(env);
        env.segment().setPortAttached("bridgeA-eth", false);
        Thread.sleep(500); // more than 60 probe windows
        TeamStatus.MemberStatus a = env.team().status().member("vnicA");
        ProbeStatus probes = env.probes("bridgeA");
        System.out.println("lone bridge A, port removed for 500 ms: " + probes);
        assertEquals("vnicA", env.team().active());
        assertEquals(LinkState.UP, a.path());
        assertEquals(0, a.pathLostEvents());
        assertEquals(0, env.vnic("vnicA").status().pathLostReports());
        assertTrue("never armed without a peer: " + probes, probes.watches().stream().noneMatch(w -> w.armed()));
        assertEquals(0, probes.pathLostEvents());
        assertTrue("it did probe: " + probes, probes.sent() > 0);
    }

    @Test
    public void givenSilentClients_whenBothBridgesLoseEachOther_thenBothAreDegraded_andTheTeamStaysOnTheActiveMember()
            throws Exception {
        EmbeddedDefault env = new EmbeddedDefault(context, cm).withBridgeProperties(PROBES).start(Map.of(), Map.of());
        waitForArmedPaths(env);
        for (int i = 0; i < 3; i++) {
            // A's port removed and nothing else on the wire: A hears nothing, nor does B (no probe, no client)
            env.segment().setPortAttached("bridgeA-eth", false);
            waitFor(() -> env.team().status().members().stream().allMatch(m -> m.path() == LinkState.DOWN),
                    () -> "both degraded: " + env.team().status());
            Thread.sleep(50);
            TeamStatus st = env.team().status();
            System.out.println("both paths lost #" + (i + 1) + ": " + EmbeddedDefault.summary(st) + "; bridge A "
                    + env.probes("bridgeA").pathLostEvents() + ", bridge B " + env.probes("bridgeB").pathLostEvents()
                    + " lost events");
            assertEquals("the team stays where it is: " + st.events(), "vnicA", st.active());
            assertEquals(0, st.failovers());
            assertTrue(st.mediaConnected());
            env.segment().setPortAttached("bridgeA-eth", true);
            waitForPathsUp(env);
        }
        assertEquals(0, env.team().status().failovers());
        assertEquals("vnicA", env.team().active());
    }

    @Test
    public void givenAPathLostAndRestored_whenStreamsOf5000FramesPerSecondRunForSeconds_thenTheTeamDoesNotFlap()
            throws Exception {
        EmbeddedDefault env = new EmbeddedDefault(context, cm).withBridgeProperties(PROBES).start(Map.of(), Map.of());
        resolveArp(env);
        waitForArmedPaths(env);
        List<Traffic.Stream> clients = startStreams(env, 9700); // B hears the clients: only A loses its path
        Thread.sleep(100);
        env.segment().setPortAttached("bridgeA-eth", false);
        waitFor(() -> "vnicB".equals(env.team().active()), () -> "B active: " + env.team().status());
        finish(clients);
        env.segment().setPortAttached("bridgeA-eth", true);
        waitFor(() -> env.team().status().member("vnicA").path() == LinkState.UP,
                () -> "A's path back: " + env.team().status());

        TeamStatus before = env.team().status();
        long lostA = env.probes("bridgeA").pathLostEvents();
        long lostB = env.probes("bridgeB").pathLostEvents();
        // four streams of 1,250 datagrams/s: 5,000 frames/s through the bridges, for 3 s
        List<Traffic.Stream> streams = startStreams(env, 9800, 3750, 1250);
        finish(streams);
        TeamStatus after = env.team().status();
        ProbeStatus a = env.probes("bridgeA");
        ProbeStatus b = env.probes("bridgeB");
        System.out.println("3 s at 5000 frames/s after the path came back: bridge A " + a + "\n  bridge B " + b
                + "\n  " + streams);
        // A stall of the machine longer than the window silences a VLAN for real (in the embedded default
        // one thread runs the switch and the clients; a backup hears only the active bridge's probes):
        // the bridges may report it. What must not happen is the team moving.
        System.out.printf("path losses reported during the 3 s: bridge A %d, bridge B %d; committed by the team: "
                + "vnicA %d, vnicB %d%n", a.pathLostEvents() - lostA, b.pathLostEvents() - lostB,
                after.member("vnicA").pathLostEvents() - before.member("vnicA").pathLostEvents(),
                after.member("vnicB").pathLostEvents() - before.member("vnicB").pathLostEvents());
        assertEquals("no fail-over: " + after.events(), before.failovers(), after.failovers());
        assertEquals("vnicB", after.active());
        waitForPathsUp(env);
        long[] none = new long[streams.size()];
        assertStreamLoss(env, streams, "steady 5000 frames/s", 0, none, none);
    }

    /** Every member's path and link are UP (after a repair: the up delay is over). */
    private static void waitForPathsUp(EmbeddedDefault env) throws InterruptedException {
        waitFor(() -> env.team().status().members().stream()
                .allMatch(m -> m.path() == LinkState.UP && m.link() == LinkState.UP),
                () -> "every path up: " + env.team().status());
    }

    /** Both bridges heard each other on both VLANs: their watches are armed. */
    private static void waitForArmedPaths(EmbeddedDefault env) throws InterruptedException {
        for (String bridge : List.of("bridgeA", "bridgeB")) {
            waitFor(() -> {
                ProbeStatus p = env.probes(bridge);
                return p != null && p.watches().size() == 2 && p.watches().stream().allMatch(w -> w.armed());
            }, () -> bridge + " armed on VLANs 1 and 2: " + env.probes(bridge));
        }
    }

    private static long[] sent(List<Traffic.Stream> streams) {
        return streams.stream().mapToLong(Traffic.Stream::sent).toArray();
    }

    /**
     * Each stream, either way, lost at most what the carrier case allows a client's stream: its rate
     * times the fail-over time plus 10 ms, plus 2 (and what the bridges dropped for want of buffers
     * on a stalled machine). Here the server's frames are lost too: the failed bridge put them on
     * a wire that led nowhere. A stream that stalled with the machine sends what it owes in a burst
     * when it resumes, so the bound is also at least what it sent between the failure and the
     * moment the test saw the new member active.
     */
    private static void assertStreamLoss(EmbeddedDefault env, List<Traffic.Stream> streams, String when,
            long failoverNanos, long[] sentBefore, long[] sentAfter) {
        System.out.println(when + ": " + streams);
        long bridgeDrops = env.bridgeBufferDrops();
        for (int i = 0; i < streams.size(); i++) {
            Traffic.Stream s = streams.get(i);
            long inOutage = sentAfter[i] - sentBefore[i] + Traffic.lossBound(s.fps(), 0);
            long bound = Math.max(Traffic.lossBound(s.fps(), failoverNanos), inOutage) + bridgeDrops;
            assertNotNull(when + ": " + s, s.stats());
            assertTrue(when + ": " + s + " (bound " + bound + ")" + Traffic.diagnostics(env), s.missing() <= bound);
        }
    }
}
