package org.vnicteam.host.driver.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.vnicteam.host.driver.internal.HostHarness.fromClient;
import static org.vnicteam.host.driver.internal.HostHarness.ids;
import static org.vnicteam.host.driver.internal.HostHarness.waitFor;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.lang.management.ManagementFactory;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.vnicteam.api.eoib.ControlMessage;
import org.vnicteam.api.host.FailbackPolicy;
import org.vnicteam.api.host.LinkState;
import org.vnicteam.api.host.TeamStatus;
import org.vnicteam.api.host.Vnic;
import org.vnicteam.api.host.VnicEvent;
import org.vnicteam.host.vnic.internal.BridgeDouble;
import org.vnicteam.host.vnic.internal.VnicSettings;

/**
 * The host path end to end outside a framework: miniports with recording upper bindings, the
 * team, the protocol edge, real VNICs over the simulated fabric, and two bridge test doubles.
 * Proves tagging and demultiplexing, replay ordering across a fail-over, and the team's
 * reactions to each kind of failure.
 */
class DriverPathTest {

    private HostHarness h;
    private BridgeDouble a;
    private BridgeDouble b;
    private HostHarness.Recorder v1;
    private HostHarness.Recorder v2;

    @AfterEach
    void close() {
        if (h != null) {
            h.close();
        }
    }

    /**
     * Two bridges, VLANs 1 (IP known) and 2 (no IP). A joins first and becomes active, then B as
     * backup. Only A's keep-alive settings vary: this machine is shared and loaded, and a stall of
     * the fabric's thread must not make both members look dead at once. Returns once the team is
     * in that state: A active, B a backup whose link is UP (not merely joined, or still logging in).
     */
    private void start(Map<String, Object> teamConfig, long keepaliveNanos, int misses) throws Exception {
        start(teamConfig, keepaliveNanos, misses, UnaryOperator.identity());
    }

    /** As above, the protocol edge telling the team through {@code wrap}. */
    private void start(Map<String, Object> teamConfig, long keepaliveNanos, int misses, UnaryOperator<TeamCore> wrap)
            throws Exception {
        Map<String, Object> cfg = new HashMap<>(Map.of("up_delay_millis", 0L, "rx_grace_millis", 0L));
        cfg.putAll(teamConfig);
        h = new HostHarness(cfg, wrap);
        a = h.bridge("bridgeA");
        b = h.bridge("bridgeB");
        v1 = h.miniport("vlan1", 1, "198.18.1.1");
        v2 = h.miniport("vlan2", 2, "");
        h.vnic(VnicSettings.defaults("vnicA", "bridgeA").withPriority(200, false).withKeepalive(keepaliveNanos, misses));
        waitFor(() -> "vnicA".equals(h.team.active()), () -> "A active: " + h.team.status());
        h.vnic(VnicSettings.defaults("vnicB", "bridgeB").withPriority(100, false).withKeepalive(50_000_000L, 10));
        waitFor(() -> {
            TeamStatus st = h.team.status();
            return "vnicA".equals(st.active()) && st.member("vnicA").link() == LinkState.UP
                    && st.member("vnicB").role() == TeamStatus.Role.BACKUP && st.member("vnicB").link() == LinkState.UP;
        }, () -> "A active, B backup: " + h.team.status());
    }

    private void start() throws Exception {
        start(Map.of(), 50_000_000L, 10);
    }

    private static void sendAll(HostHarness.Recorder up, int from, int to) {
        for (int i = from; i <= to; i++) {
            assertTrue(up.send(HostHarness.frame(i, 60)) || true);
        }
    }

    /** Every id of {@code 1..n} on the wires together. */
    private static void assertAllOnTheWire(List<Integer> all, int n) {
        TreeSet<Integer> set = new TreeSet<>(all);
        java.util.Map<Integer, Integer> seen = new java.util.TreeMap<>();
        all.forEach(i -> seen.merge(i, 1, Integer::sum));
        List<Integer> dups = seen.entrySet().stream().filter(e -> e.getValue() > 1).map(java.util.Map.Entry::getKey).toList();
        if (!dups.isEmpty()) {
            System.out.println("DUPLICATES " + dups.size() + ": " + dups.get(0) + ".." + dups.get(dups.size() - 1));
        }
        List<Integer> missing = IntStream.rangeClosed(1, n).filter(i -> !set.contains(i)).boxed().toList();
        assertTrue(missing.isEmpty(), () -> "lost " + missing.size() + " (" + missing.get(0) + ".."
                + missing.get(missing.size() - 1) + ") of " + n + "; on the wires " + all.size() + ", distinct "
                + set.size());
    }

    private static void assertIncreasing(List<Integer> ids, String where) {
        for (int i = 1; i < ids.size(); i++) {
            assertTrue(ids.get(i) > ids.get(i - 1), where + " out of order at " + i + ": " + ids);
        }
    }

    @Test
    void givenTwoVlanMiniports_whenTheirUpperBindingsSend_thenEachFrameLeavesTaggedWithItsOwnVlan() throws Exception {
        start();
        assertTrue(v1.send(HostHarness.frame(1, 60)));
        assertTrue(v2.send(HostHarness.frame(2, 60)));
        waitFor(() -> ids(a).containsAll(List.of(1, 2)), () -> "on A's wire: " + ids(a));
        for (byte[] f : a.wireFrames()) {
            int id = HostHarness.id(f);
            if (id > 0) {
                assertEquals(id, HostHarness.vid(f), "frame " + id + " carries VLAN " + id);
                assertEquals(64, f.length, "60 + tag");
            }
        }
        assertEquals(List.of(1, 2), a.vlans, "both VLANs programmed into the bridge");
        assertEquals(List.of(1, 2), b.vlans, "and into the backup");
    }

    @Test
    void givenFramesFromTheWire_thenEachVlanGetsOnlyItsOwnUntagged_andOthersAreCountedDrops() throws Exception {
        start();
        a.receiveFromEthernet(fromClient(11, 1));
        a.receiveFromEthernet(fromClient(12, 2));
        a.receiveFromEthernet(fromClient(13, 3)); // no miniport for VLAN 3
        a.receiveFromEthernet(fromClient(14, -1)); // untagged: no untagged miniport yet
        a.receiveFromEthernet(fromClient(15, 0)); // priority-tagged: the untagged miniport's
        a.receiveFromEthernet(fromClient(16, (5 << 13) | 1)); // VLAN 1 with PCP 5
        waitFor(() -> h.team.status().counters().rxDroppedUnknownVlan() == 3 && v1.received.size() == 2,
                () -> h.team.status().counters().toString());
        assertEquals(List.of(11, 16), v1.received.stream().map(HostHarness::id).toList());
        assertEquals(List.of(12), v2.received.stream().map(HostHarness::id).toList());
        for (byte[] f : v1.received) {
            assertEquals(-1, HostHarness.vid(f), "indicated up untagged");
            assertEquals(60, f.length);
        }

        HostHarness.Recorder untagged = h.miniport("untagged", 0, "");
        waitFor(() -> a.vlans.equals(List.of(0, 1, 2)), () -> "reprogrammed: " + a.vlans);
        a.receiveFromEthernet(fromClient(17, -1));
        a.receiveFromEthernet(fromClient(18, 0));
        waitFor(() -> untagged.received.size() == 2, () -> "untagged got " + untagged.received.size());
        assertEquals(List.of(17, 18), untagged.received.stream().map(HostHarness::id).toList());
        assertEquals(List.of(11, 16), v1.received.stream().map(HostHarness::id).toList(), "nothing else reached VLAN 1");
        assertEquals(List.of(12), v2.received.stream().map(HostHarness::id).toList(), "nothing else reached VLAN 2");
        assertEquals(7, h.miniports.get(1).status().rxFrames() + h.miniports.get(2).status().rxFrames()
                + h.miniports.get(0).status().rxFrames() + 3 - 0 - 1 - 0, "every frame accounted for once");
    }

    @Test
    void givenFramesFromTheBackup_thenTheyAreDroppedAndCounted_unlessAcceptFromBackup() throws Exception {
        start();
        b.receiveFromEthernet(fromClient(21, 1));
        waitFor(() -> h.team.status().member("vnicB").rxDroppedNotActive() == 1, () -> h.team.status().toString());
        assertTrue(v1.received.isEmpty());
        h.team.modified(Configs.of(TeamComponent.Config.class, Map.of("accept_from_backup", true,
                "up_delay_millis", 0L)));
        b.receiveFromEthernet(fromClient(22, 1));
        waitFor(() -> v1.received.size() == 1, () -> "accepted from the backup");
        assertEquals("vnicA", h.team.active(), "a configuration change does not move the active member");
    }

    @Test
    void givenAStream_whenTheActiveBridgeReportsLinkDown_thenItsUnconfirmedFramesAreReplayedThroughTheBackupInOrder()
            throws Exception {
        start();
        int n = 3000;
        sendAll(v1, 1, n / 2);
        a.setLink(false); // under the stream: frames are in flight to A, and more follow
        sendAll(v1, n / 2 + 1, n);
        waitFor(() -> ids(a).size() + ids(b).size() >= n, () -> "A " + ids(a).size() + " + B " + ids(b).size());
        List<Integer> onA = ids(a);
        List<Integer> onB = ids(b);
        List<Integer> all = new ArrayList<>(onA);
        all.addAll(onB);
        assertEquals(IntStream.rangeClosed(1, n).boxed().toList(), all,
                "A's wire then B's wire: every frame exactly once, in order (A carried " + onA.size() + ")");
        TeamStatus st = h.team.status();
        assertEquals("vnicB", st.active());
        assertEquals(1, st.failovers());
        TeamStatus.FailoverRecord f = st.lastFailover();
        assertEquals("vnicA", f.from());
        assertTrue(f.cause().contains("LINK_STATUS"), f.cause());
        assertEquals(TeamStatus.Role.FAILED, st.member("vnicA").role());
        // the learning frames came first on B's wire: a gratuitous ARP on VLAN 1, RARP on VLAN 2
        List<byte[]> bw = b.wireFrames();
        assertEquals(0x0806, HostHarness.etherType(bw.get(0)));
        assertEquals(1, HostHarness.vid(bw.get(0)));
        assertEquals(0xC6120101, ByteBuffer.wrap(bw.get(0)).getInt(18 + 14), "sender IP 198.18.1.1");
        assertEquals(0x8035, HostHarness.etherType(bw.get(1)));
        assertEquals(2, HostHarness.vid(bw.get(1)));
        assertEquals(2, f.learningFrames());
        assertTrue(f.firstFrameNanos() >= 0 && f.firstFrameNanos() <= f.durationNanos());
    }

    /**
     * The team as the protocol edge sees it, counting the classes the JVM defines on the fabric's
     * thread from the last frame it passed up before a LINK_STATUS down to the end of the team's
     * fail-over: the VNIC's handling of the message and the team's action.
     */
    private static final class ClassCountingTeam implements TeamCore {
        final TeamCore team;
        final java.lang.management.ClassLoadingMXBean classes = ManagementFactory.getClassLoadingMXBean();
        volatile long lastFrameClasses;
        volatile long lastFrameNanos;
        /** Per LINK_STATUS down: classes defined since the last frame, and the time since then (ns). */
        final List<long[]> linkDowns = new CopyOnWriteArrayList<>();

        ClassCountingTeam(TeamCore team) {
            this.team = team;
        }

        @Override
        public TeamMember join(Vnic vnic) {
            return team.join(vnic);
        }

        @Override
        public void leave(TeamMember member) {
            team.leave(member);
        }

        @Override
        public void linkEvent(TeamMember member, VnicEvent event) {
            team.linkEvent(member, event);
            if (!event.up() && event.cause() == VnicEvent.Cause.LINK_STATUS) {
                linkDowns.add(new long[] { classes.getTotalLoadedClassCount() - lastFrameClasses,
                        System.nanoTime() - lastFrameNanos });
            }
        }

        @Override
        public boolean accepts(TeamMember member) {
            return team.accepts(member);
        }

        @Override
        public void countReceived(TeamMember member, int length, boolean accepted) {
            team.countReceived(member, length, accepted);
            lastFrameClasses = classes.getTotalLoadedClassCount();
            lastFrameNanos = System.nanoTime();
        }
    }

    /**
     * Nothing moves on the fabric while its thread handles a LINK_STATUS and runs the fail-over it
     * starts: frames from the new member's bridge wait in its queue pair, and the learning frames
     * leave only when the thread is back in its loop. Code linked there for the first time (a
     * lambda's class spun, a class loaded) cost 0.7-7 ms on the 2-core build machine, at the first
     * fail-over of every run: the failure path must be linked before the failure.
     */
    @Test
    void givenFramesInFlight_whenTheActiveBridgeReportsLinkDown_thenTheFabricsThreadLinksNoNewCodeToFailOver()
            throws Exception {
        ClassCountingTeam[] counting = new ClassCountingTeam[1];
        start(Map.of(), 50_000_000L, 10, t -> counting[0] = new ClassCountingTeam(t));
        // what every run does before a failure: frames both ways through A, B's broadcasts dropped
        sendAll(v1, 1, 200);
        a.receiveFromEthernet(fromClient(1, 1));
        b.receiveFromEthernet(fromClient(2, 1));
        waitFor(() -> ids(a).size() == 200 && v1.received.size() == 1, () -> "A carries both ways: " + ids(a).size());
        sendAll(v1, 201, 1200);
        // made before the failure: this thread's own first-time code would count too
        java.util.function.BooleanSupplier onB = () -> "vnicB".equals(h.team.active())
                && new TreeSet<>(ids(b)).contains(1400);
        java.util.function.Supplier<String> what = () -> "B carries on: " + h.team.status();
        // A's VNIC thread resets the fenced session meanwhile, its RESET the first of the run: the
        // count is the JVM's, so that class is loaded here (off the fabric's thread it costs nothing)
        new ControlMessage.Reset(ControlMessage.Reset.REPLACED);
        // under the stream: frames are in flight to A, and are replayed through B; the frame just before
        // the LINK_STATUS is the last the team passes up before the failure
        a.receiveThenSetLink(fromClient(3, 1), false);
        sendAll(v1, 1201, 1400);
        waitFor(onB, what);
        TeamStatus.FailoverRecord f = h.team.status().lastFailover();
        assertEquals("vnicA", f.from());
        assertTrue(f.replayedFrames() > 0, "frames in flight were replayed: " + f);
        long[] failOver = counting[0].linkDowns.get(0);
        System.out.println("LINK_STATUS down -> fail-over done " + failOver[1] / 1000 + " us after the last frame up, "
                + failOver[0] + " classes defined meanwhile; replayed " + f.replayedFrames());
        assertEquals(0, failOver[0], () -> "classes the JVM defined while the fabric's thread failed over ("
                + failOver[1] / 1000 + " us after the last frame up; replayed " + f.replayedFrames() + ")");
    }

    @Test
    void givenABridgeGoneSilent_thenTheTeamMovesWithinTheKeepaliveBoundAndNothingIsLost() throws Exception {
        long interval = 2_000_000L;
        int misses = 4;
        // A's bound is 8 ms: a stall of the fabric's thread while B is being set up (seen on this
        // loaded machine: 11 ms) loses A's session before the test begins, and B becomes active.
        // Fail-back to the primary lets A, which logs straight in again, take the team back, so
        // start() can wait for its state (A active, B backup). A silent bridge answers no LOGIN:
        // A cannot come back once the test has silenced it.
        start(Map.of("failback", FailbackPolicy.PRIMARY), interval, misses);
        int n = 2000;
        sendAll(v1, 1, 1000);
        waitFor(() -> ids(a).size() + ids(b).size() >= 1000, () -> "1000 on the wire");
        long silent = System.nanoTime();
        a.setSilent(true);
        sendAll(v1, 1001, n);
        waitFor(() -> "vnicB".equals(h.team.active()), () -> "moved to B: " + h.team.status());
        long took = System.nanoTime() - silent;
        sendAll(v1, n + 1, n + 10);
        waitFor(() -> new TreeSet<>(ids(b)).containsAll(List.of(n + 1, n + 10)), () -> "B carries the rest");
        List<Integer> all = new ArrayList<>(ids(a));
        all.addAll(ids(b));
        assertAllOnTheWire(all, n + 10);
        assertIncreasing(ids(b).subList(0, ids(b).size()), "B's wire");
        assertTrue(took < interval * misses + 50_000_000L, "moved after " + took / 1000 + " us");
        TeamStatus.FailoverRecord f = h.team.status().lastFailover();
        assertEquals("vnicA", f.from(), f.toString());
        assertTrue(f.cause().contains("KEEPALIVE_LOST"), f.cause());
    }

    @Test
    void givenFailBackPrimary_whenAComesBack_thenItTakesOverAfterTheUpDelayWithoutLossOrReplay() throws Exception {
        start(Map.of("failback", FailbackPolicy.PRIMARY, "up_delay_millis", 30L), 50_000_000L, 10);
        sendAll(v1, 1, 500);
        a.setLink(false);
        sendAll(v1, 501, 1000);
        waitFor(() -> "vnicB".equals(h.team.active()), () -> "on B");
        a.setLink(true);
        long back = System.nanoTime();
        sendAll(v1, 1001, 1500);
        waitFor(() -> "vnicA".equals(h.team.active()), () -> "back on A");
        assertTrue(System.nanoTime() - back >= 25_000_000L, "not before the up delay");
        sendAll(v1, 1501, 2000);
        waitFor(() -> ids(a).size() + ids(b).size() >= 2000, () -> "all sent");
        List<Integer> all = new ArrayList<>(ids(a));
        all.addAll(ids(b));
        assertAllOnTheWire(all, 2000);
        assertEquals(2000, all.size(), "no duplicates: the planned switch replays nothing");
        TeamStatus st = h.team.status();
        assertEquals(2, st.failovers(), () -> st.events().toString());
        assertEquals(0, st.lastFailover().replayedFrames());
        assertTrue(st.events().stream().anyMatch(e -> e.text().contains("planned")), st.events().toString());
    }

    @Test
    void givenNoFailBack_whenAComesBack_thenItStaysBackup() throws Exception {
        start();
        a.setLink(false);
        waitFor(() -> "vnicB".equals(h.team.active()), () -> "on B");
        a.setLink(true);
        waitFor(() -> h.team.status().member("vnicA").role() == TeamStatus.Role.BACKUP, () -> "A backup");
        Thread.sleep(20);
        assertEquals("vnicB", h.team.active());
    }

    @Test
    void givenEveryBridgeDown_thenMiniportsReportMediaDisconnected_andTheFirstBackReconnects() throws Exception {
        start();
        a.setLink(false);
        b.setLink(false);
        waitFor(() -> h.team.active() == null && !h.miniports.get(1).mediaConnected()
                && !h.miniports.get(2).mediaConnected(), () -> "no active member");
        assertEquals(Boolean.FALSE, v1.media.get(v1.media.size() - 1));
        assertFalse(h.miniports.get(2).mediaConnected());
        assertFalse(v1.send(HostHarness.frame(1, 60)), "nothing to send through");
        assertEquals(1, h.miniports.get(1).status().txDroppedDisconnected());
        b.setLink(true);
        waitFor(() -> "vnicB".equals(h.team.active()) && h.miniports.get(2).mediaConnected()
                && Boolean.TRUE.equals(v2.media.get(v2.media.size() - 1)), () -> "B back");
        assertEquals(Boolean.TRUE, v2.media.get(v2.media.size() - 1));
    }

    @Test
    void givenTheActiveVnicIsRemoved_thenTheBackupTakesOverAndItsFramesAreReplayed() throws Exception {
        start();
        sendAll(v1, 1, 200);
        h.protocol.removeVnic(h.vnics.get("vnicA"));
        h.vnics.remove("vnicA").close();
        sendAll(v1, 201, 400);
        waitFor(() -> new TreeSet<>(ids(b)).contains(400), () -> "B carries the stream");
        List<Integer> all = new ArrayList<>(ids(a));
        all.addAll(ids(b));
        assertAllOnTheWire(all, 400);
        assertEquals("vnicB", h.team.active());
        assertNotNull(h.team.status().lastFailover());
        assertEquals(1, h.team.status().members().size());
    }
}
