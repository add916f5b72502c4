package org.vnicteam.host.vnic.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.vnicteam.api.host.Vnic;
import org.vnicteam.api.host.VnicEvent;
import org.vnicteam.api.host.VnicEvent.Cause;
import org.vnicteam.api.host.VnicEvent.Watcher;
import org.vnicteam.api.host.VnicListener;
import org.vnicteam.api.host.VnicStatus;
import org.vnicteam.api.verbs.Hca;
import org.vnicteam.fabric.sim.SimulatedFabric;

/** One VNIC against a bridge double on the simulated fabric (default two-switch topology). */
class VnicChannelTest {

    static final byte[] TEAM_MAC = { 2, 0, 0x5e, 0x10, 0, 1 };
    static final long WAIT_NANOS = 10_000_000_000L;

    private SimulatedFabric fabric;
    private Hca server;
    private BridgeDouble bridge;
    private VnicChannel vnic;
    private final Recorder up = new Recorder();

    /** What the VNIC tells its listener. */
    static final class Recorder implements VnicListener {
        final LinkedBlockingQueue<VnicEvent> events = new LinkedBlockingQueue<>();
        final LinkedBlockingQueue<byte[]> frames = new LinkedBlockingQueue<>();

        @Override
        public void frameReceived(Vnic v, ByteBuffer frame, int offset, int length) {
            byte[] f = new byte[length];
            frame.get(offset, f);
            frames.add(f);
        }

        @Override
        public void linkEvent(Vnic v, VnicEvent event) {
            events.add(event);
        }

        VnicEvent next(Watcher w, boolean state) throws InterruptedException {
            long deadline = System.nanoTime() + WAIT_NANOS;
            while (System.nanoTime() < deadline) {
                VnicEvent e = events.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
                if (e != null && e.watcher() == w && e.up() == state) {
                    return e;
                }
            }
            throw new AssertionError("no " + w + (state ? " up" : " down") + " event");
        }
    }

    @BeforeEach
    void setUp() throws Exception {
        fabric = SimulatedFabric.createDefault("vnic-test");
        server = fabric.open("server");
        bridge = new BridgeDouble(fabric, "bridgeA");
    }

    @AfterEach
    void tearDown() {
        if (vnic != null) {
            vnic.close();
        }
        fabric.close();
    }

    private VnicChannel start(VnicSettings settings) throws Exception {
        vnic = new VnicChannel(server, settings);
        vnic.setListener(up);
        vnic.configureAddresses(TEAM_MAC, List.of(1, 2));
        waitFor(() -> vnic.status().ready(), "VNIC ready: " + vnic.status());
        up.events.clear();
        return vnic;
    }

    static void waitFor(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT_NANOS;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(1);
        }
    }

    static byte[] frame(int id, int length) {
        byte[] f = new byte[length];
        for (int i = 0; i < 6; i++) {
            f[i] = (byte) 0xff;
        }
        System.arraycopy(TEAM_MAC, 0, f, 6, 6);
        f[12] = 0x08;
        f[13] = 0x00;
        ByteBuffer.wrap(f).putInt(14, id);
        return f;
    }

    static int id(byte[] wireFrame, boolean tagged) {
        return ByteBuffer.wrap(wireFrame).getInt(tagged ? 18 : 14);
    }

    @Test
    void givenABridge_whenTheVnicStarts_thenItLogsInProgramsTheTeamMacAndVlansAndEveryWatcherIsUp() throws Exception {
        start(VnicSettings.defaults("vnicA", "bridgeA"));
        assertArrayEquals(TEAM_MAC, bridge.teamMac);
        assertEquals(List.of(1, 2), bridge.vlans);
        VnicStatus st = vnic.status();
        assertEquals(VnicStatus.SessionState.READY, st.state());
        assertTrue(st.sessionUp() && st.bridgeLinkUp() && st.fabricUp());
        assertEquals(1, st.control().logins());
        assertEquals("bridgeA", st.bridgeName());
    }

    @Test
    void givenASession_whenFramesGoBothWays_thenTheyArriveTaggedAsAskedAndInOrder() throws Exception {
        start(VnicSettings.defaults("vnicA", "bridgeA"));
        for (int i = 1; i <= 100; i++) {
            assertTrue(vnic.send(ByteBuffer.wrap(frame(i, 60)), 0, 60, i % 2 == 0 ? (5 << 13) | 2 : Vnic.NO_TAG));
        }
        waitFor(() -> bridge.wire.size() == 100, "100 frames on the wire");
        for (int i = 0; i < 100; i++) {
            byte[] w = bridge.wire.get(i).frame();
            boolean tagged = (i + 1) % 2 == 0;
            assertEquals(tagged ? 64 : 60, w.length);
            assertEquals(i + 1, id(w, tagged), "in order");
            assertEquals(i + 1, bridge.wire.get(i).sequence(), "DATA sequence numbers from 1");
            if (tagged) {
                assertEquals(0x8100, ByteBuffer.wrap(w).getShort(12) & 0xFFFF);
                assertEquals((5 << 13) | 2, ByteBuffer.wrap(w).getShort(14) & 0xFFFF, "PCP 5, VID 2");
            }
        }
        bridge.receiveFromEthernet(frame(4242, 60));
        byte[] got = up.frames.poll(10, TimeUnit.SECONDS);
        assertNotNull(got);
        assertEquals(4242, id(got, false));
        assertEquals(100, vnic.status().traffic().txFrames());
    }

    @Test
    void givenLinkStatusDown_thenTheEventComesAtOnceAndExactlyTheFramesAfterTheLastOnWireAreReplayedInOrder()
            throws Exception {
        start(VnicSettings.defaults("vnicA", "bridgeA"));
        for (int i = 1; i <= 20; i++) {
            vnic.send(ByteBuffer.wrap(frame(i, 60)), 0, 60, Vnic.NO_TAG);
        }
        waitFor(() -> bridge.wire.size() == 20, "20 on the wire");
        bridge.setLink(false);
        VnicEvent down = up.next(Watcher.BRIDGE_LINK, false);
        assertEquals(Cause.LINK_STATUS, down.cause());
        assertEquals(20, down.lastSequenceOnWire());
        // frames sent after the carrier loss do not reach the wire: the bridge drops them
        for (int i = 21; i <= 30; i++) {
            assertTrue(vnic.send(ByteBuffer.wrap(frame(i, 60)), 0, 60, Vnic.NO_TAG));
        }
        waitFor(() -> bridge.droppedNoCarrier == 10, "bridge dropped 10");
        List<Integer> replayed = new ArrayList<>();
        vnic.replayUnconfirmed((b, off, len) -> replayed.add(ByteBuffer.wrap(b.array(), off, len).getInt(off + 14)));
        // frames may have been confirmed by keep-alive answers: those never drop below 20
        assertEquals(List.of(21, 22, 23, 24, 25, 26, 27, 28, 29, 30), replayed);
        assertEquals(0, vnic.replayUnconfirmed((b, off, len) -> true), "replayed once");
        // fenced: the session restarts so that nothing still in flight reaches the wire later
        assertEquals(Cause.FENCED, up.next(Watcher.SESSION, false).cause());
        up.next(Watcher.SESSION, true);
        assertFalse(vnic.watcherUp(Watcher.BRIDGE_LINK), "the new session learns the link is still down");
        assertTrue(bridge.log.contains("reset from VNIC"), "the bridge was told: " + bridge.log);
        bridge.setLink(true);
        assertEquals(Cause.LINK_STATUS, up.next(Watcher.BRIDGE_LINK, true).cause());
    }

    @Test
    void givenLinkStatusWithCauseProbesLost_thenOnlyThePathWatcherGoesDown_andALaterLinkUpBringsItBack()
            throws Exception {
        start(VnicSettings.defaults("vnicA", "bridgeA"));
        assertTrue(vnic.watcherUp(Watcher.PATH), "a bridge that says nothing about its path: up");
        bridge.setPath(false);
        VnicEvent lost = up.next(Watcher.PATH, false);
        assertEquals(Cause.LINK_STATUS, lost.cause());
        assertTrue(lost.detail().contains("cause probes lost"), lost.detail());
        assertTrue(vnic.watcherUp(Watcher.BRIDGE_LINK), "the carrier is up: degraded, not failed");
        VnicStatus s = vnic.status();
        assertTrue(s.ready() && s.degraded() && !s.pathUp(), s.toString());
        assertEquals(1, s.pathLostReports());

        // the carrier wins: down and up again, and up means the path too
        bridge.setLink(false);
        up.next(Watcher.BRIDGE_LINK, false);
        assertFalse(vnic.watcherUp(Watcher.PATH), "a carrier loss says nothing about the path");
        bridge.setLink(true);
        assertEquals(Cause.LINK_STATUS, up.next(Watcher.PATH, true).cause());
        up.next(Watcher.BRIDGE_LINK, true);
        assertFalse(vnic.status().degraded());

        bridge.setPath(false);
        up.next(Watcher.PATH, false);
        bridge.setPath(true);
        up.next(Watcher.PATH, true);
        assertEquals(2, vnic.status().pathLostReports());
    }

    @Test
    void givenASilentBridge_thenTheSessionIsLostWithinIntervalTimesMisses_andALoginFollowsWhenItSpeaksAgain()
            throws Exception {
        long interval = 1_000_000L;
        int misses = 4;
        start(VnicSettings.defaults("vnicA", "bridgeA").withKeepalive(interval, misses));
        up.events.clear();
        long silentAt = System.nanoTime();
        bridge.setSilent(true);
        VnicEvent lost = up.next(Watcher.SESSION, false);
        long took = lost.nanoTime() - silentAt;
        assertEquals(Cause.KEEPALIVE_LOST, lost.cause());
        // bound: interval x misses after the last word; the last word came at most an interval
        // before the bridge went silent. Generous slack for a loaded 2-core machine.
        assertTrue(took <= interval * misses + 20_000_000L, "detected after " + took / 1000 + " us");
        assertTrue(took >= interval * (misses - 1), "not before the bound: " + took / 1000 + " us");
        bridge.setSilent(false);
        up.next(Watcher.SESSION, true);
        assertEquals(2, vnic.status().control().logins());
    }

    @Test
    void givenTheBridgesFabricLinkIsCut_thenFabricDownAndSessionLost_andRestoringItBringsANewSession()
            throws Exception {
        start(VnicSettings.defaults("vnicA", "bridgeA"));
        up.events.clear();
        fabric.setLinkUp("bridgeA-sw2", false);
        VnicEvent f = up.next(Watcher.FABRIC, false);
        assertEquals(Cause.BRIDGE_PORT_DOWN, f.cause());
        up.next(Watcher.SESSION, false);
        assertFalse(vnic.status().ready());
        fabric.setLinkUp("bridgeA-sw2", true);
        up.next(Watcher.FABRIC, true);
        up.next(Watcher.SESSION, true);
    }

    @Test
    void givenBothInterSwitchLinksCut_thenThePathIsLost() throws Exception {
        start(VnicSettings.defaults("vnicA", "bridgeA"));
        up.events.clear();
        fabric.setLinkUp("isl1", false);
        assertTrue(vnic.status().fabricUp(), "one inter-switch link left: rerouted, still reachable");
        fabric.setLinkUp("isl2", false);
        VnicEvent f = up.next(Watcher.FABRIC, false);
        assertTrue(f.cause() == Cause.PATH_LOST || f.cause() == Cause.BRIDGE_PORT_DOWN, f.toString());
    }

    @Test
    void givenTheBridgeIsUnplugged_thenTheVnicLosesItAndLogsInToTheReplacement() throws Exception {
        start(VnicSettings.defaults("vnicA", "bridgeA"));
        up.events.clear();
        bridge.close();
        up.next(Watcher.SESSION, false);
        bridge = new BridgeDouble(fabric, "bridgeA");
        up.next(Watcher.SESSION, true);
        assertArrayEquals(TEAM_MAC, bridge.teamMac, "the replacement is programmed too");
    }

    @Test
    void givenResetFromTheBridge_thenTheSessionEndsAndAFreshOneFollows() throws Exception {
        start(VnicSettings.defaults("vnicA", "bridgeA"));
        up.events.clear();
        bridge.sendReset();
        assertEquals(Cause.RESET, up.next(Watcher.SESSION, false).cause());
        up.next(Watcher.SESSION, true);
    }

    @Test
    void givenNoBridgeYet_thenTheVnicKeepsTryingAndLogsInOnceItAppears() throws Exception {
        bridge.close();
        vnic = new VnicChannel(server, VnicSettings.defaults("vnicB", "bridgeB"));
        vnic.setListener(up);
        vnic.configureAddresses(TEAM_MAC, List.of(0));
        Thread.sleep(120);
        assertEquals(VnicStatus.SessionState.IDLE, vnic.status().state());
        bridge = new BridgeDouble(fabric, "bridgeB");
        up.next(Watcher.SESSION, true);
        assertEquals(List.of(0), bridge.vlans);
    }

    @Test
    void givenTooLongOrTooShortFrames_thenTheyAreRefusedAndCounted() throws Exception {
        start(VnicSettings.defaults("vnicA", "bridgeA"));
        assertFalse(vnic.send(ByteBuffer.allocate(2000), 0, 1515, 1));
        assertFalse(vnic.send(ByteBuffer.allocate(20), 0, 13, Vnic.NO_TAG));
        assertTrue(vnic.send(ByteBuffer.wrap(frame(1, 1514)), 0, 1514, 1), "1514 + tag = 1518 fits");
        assertEquals(2, vnic.status().traffic().txDroppedBadLength());
    }
}
