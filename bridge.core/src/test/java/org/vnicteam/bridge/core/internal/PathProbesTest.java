package org.vnicteam.bridge.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.vnicteam.api.bridge.ProbeStatus;
import org.vnicteam.api.ethernet.CarrierListener;
import org.vnicteam.api.ethernet.EthernetPort;
import org.vnicteam.api.ethernet.FrameReceiver;

/**
 * Two bridges' path probes on a tiny switch that floods every frame to every attached port, driven
 * tick by tick with a fake clock (2 ms, 4 misses): arming, loss when a port is removed from the
 * switch (the removed bridge hears nothing, its peer still hears the clients), the lone bridge,
 * other teams, malformed probes, carrier changes and sessions that log in again.
 */
class PathProbesTest {

    static final long MS = 1_000_000L;
    static final ProbeSettings SETTINGS = new ProbeSettings(2 * MS, 4);
    static final long TEAM = 0x02_76_6e_00_00_01L;
    static final long OTHER_TEAM = 0x02_76_6e_00_00_02L;
    static final long MAC_A = 0x02_00_00_00_0a_01L;
    static final long MAC_B = 0x02_00_00_00_0b_01L;
    static final long CLIENT = 0x02_00_c6_12_01_0bL;

    /** Floods every frame to the other attached ports; a port removed from it sends into nothing. */
    static final class Switch {
        final List<Port> ports = new ArrayList<>();
        /** While set, the switch holds every frame (in order) instead of forwarding it. */
        boolean holding;
        final List<Runnable> held = new ArrayList<>();

        Port port(String name) {
            Port p = new Port(name, this);
            ports.add(p);
            return p;
        }

        void flood(Port from, ByteBuffer frame, int offset, int length) {
            if (!from.attached) {
                return;
            }
            for (Port p : ports) {
                if (p != from && p.attached && p.probes != null) {
                    ByteBuffer copy = ByteBuffer.allocate(length);
                    copy.put(0, frame, offset, length);
                    Runnable deliver = () -> p.probes.onFrame(copy, 0, length, Frames.mac(copy, 0), Frames.mac(copy, 6),
                            Frames.vlan(copy, 0, length));
                    if (holding) {
                        held.add(deliver);
                    } else {
                        deliver.run();
                    }
                }
            }
        }

        /** Forwards what it held, late and in order, and forwards again. */
        void release() {
            holding = false;
            held.forEach(Runnable::run);
            held.clear();
        }
    }

    static final class Port implements EthernetPort {
        final String name;
        final Switch sw;
        boolean attached = true;
        PathProbes probes;

        Port(String name, Switch sw) {
            this.name = name;
            this.sw = sw;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public boolean send(ByteBuffer frame, int offset, int length) {
            sw.flood(this, frame, offset, length);
            return true;
        }

        @Override
        public void setReceiver(FrameReceiver receiver) {
        }

        @Override
        public boolean carrier() {
            return true;
        }

        @Override
        public void addCarrierListener(CarrierListener listener) {
        }

        @Override
        public void removeCarrierListener(CarrierListener listener) {
        }

        @Override
        public int maxFrameSize() {
            return 1518;
        }

        @Override
        public byte[] macAddress() {
            return new byte[6];
        }

        @Override
        public PortCounters counters() {
            return new PortCounters(0, 0, 0, 0, 0, 0, 0);
        }
    }

    /** One bridge's probes, with what its listener heard. */
    static final class Side {
        final Port port;
        final PathProbes probes;
        final List<String> events = new ArrayList<>();
        final Object channel;

        Side(Switch sw, String name, long mac) {
            this(sw, name, mac, SETTINGS);
        }

        Side(Switch sw, String name, long mac, ProbeSettings settings) {
            port = sw.port(name);
            channel = name + "-session";
            probes = new PathProbes(mac, port, settings, (evs, epoch) -> evs.forEach(e -> events.add(
                    (e.up() ? "up" : "lost") + "@" + (e.nanoTime() - START) / MS)));
            port.probes = probes;
        }

        void program(long team, Integer... vlans) {
            probes.setPrograms(List.of(new PathProbes.Program(channel, team, List.of(vlans))), START);
        }
    }

    static final long START = 1_000 * MS;
    final Switch sw = new Switch();
    /** Two bridges on the switch; one that programs nothing sends nothing. */
    final Side a = new Side(sw, "a", MAC_A);
    final Side b = new Side(sw, "b", MAC_B);
    long now = START;

    void tick(Side... sides) {
        now += 2 * MS;
        for (Side s : sides) {
            s.probes.tick(now);
        }
    }

    /** Both bridges program the team on {@code vlans} and probe once. */
    void pair(Integer... vlans) {
        a.program(TEAM, vlans);
        b.program(TEAM, vlans);
        tick(a, b);
    }

    /** A client's frame reaching {@code to}: flooded on its VLAN, as frames for the team MAC are once the switch forgot it. */
    static void clientFrame(Port to, int vlan) {
        if (to.attached) {
            ByteBuffer f = ByteBuffer.wrap(TestFrames.frame(TestFrames.TEAM_MAC, CLIENT, vlan, 64, 1));
            to.probes.onFrame(f, 0, 64, TestFrames.TEAM_MAC, CLIENT, vlan);
        }
    }

    /** A and B probe VLAN 1; A's port is removed from the switch until A reported its path lost. */
    void losePathOfA() {
        pair(1);
        a.port.attached = false;
        for (int i = 0; i < 6; i++) {
            tick(a, b);
        }
        assertEquals(1, a.events.size(), a.events.toString());
    }

    @Test
    void givenTwoBridgesOfATeam_whenTheyProbe_thenBothArmOnBothVlans_andNothingIsLost() {
        a.program(TEAM, 1, 2);
        b.program(TEAM, 1, 2);
        for (int i = 0; i < 20; i++) {
            tick(a, b);
        }
        ProbeStatus s = a.probes.status();
        assertEquals(40, s.sent(), "one probe per VLAN per interval");
        assertEquals(40, s.received());
        assertEquals(2, s.watches().size());
        for (ProbeStatus.Watch w : s.watches()) {
            assertTrue(w.armed() && !w.lost() && w.programmed(), w.toString());
            assertEquals(List.of("02:00:00:00:0b:01"), w.peers());
            assertEquals(8 * MS, w.windowNanos(), "the configured window: 4 × 2 ms");
            assertEquals(0, w.delaySeenNanos());
        }
        assertEquals(List.of(), a.events);
        assertEquals(List.of(), b.events);
        assertTrue(s.pathUp());
    }

    @Test
    void givenAsPortRemovedFromTheSwitch_whenClientsKeepSending_thenOnlyAReportsItsPathLost_andBothHearEachOtherWhenItIsBack() {
        pair(1, 2);
        tick(a, b);
        a.port.attached = false;
        for (int i = 0; i < 10; i++) {
            clientFrame(b.port, 1);
            clientFrame(b.port, 2);
            tick(a, b);
        }
        assertEquals(List.of("lost@14"), a.events, "4 silent checks after the last probe heard, at the check of 6 ms");
        assertFalse(a.probes.pathUp(a.channel));
        assertEquals(List.of(), b.events, "B hears the clients: its path is fine");
        assertEquals(2, a.probes.status().pathLostEvents(), "both VLANs lost");

        a.port.attached = true;
        tick(a, b);
        tick(a, b);
        assertEquals(List.of("lost@14", "up@28"), a.events, "B's probe of 26 ms, heard at the check of 28 ms");
        assertTrue(a.probes.pathUp(a.channel));
    }

    @Test
    void givenAsLinkCut_whenTheHostMovesTheTeamToB_thenBDoesNotBlameItsPathWhileTheSwitchMovesTheMac() {
        pair(1, 2);
        tick(a, b);
        a.port.attached = false; // A's link is cut: its probes stop; the switch still sends the clients to A
        tick(b);
        b.probes.learningFrameSent(TEAM, 1); // the host fails over: a learning frame per VLAN through B
        b.probes.learningFrameSent(TEAM, 2);
        for (int i = 0; i < 5; i++) {
            tick(b); // 10 ms without a frame: a window and more
        }
        for (int i = 0; i < 10; i++) { // the switch moved the team MAC to B: the clients' frames arrive
            clientFrame(b.port, 1);
            clientFrame(b.port, 2);
            tick(b);
        }
        assertEquals(List.of(), b.events, "B's path was never in doubt");
        assertEquals(0, b.probes.status().pathLostEvents());
    }

    @Test
    void givenAsLinkCut_whenBHearsNothingAndNoLearningFrameWentThroughIt_thenBReportsItsPathLost() {
        pair(1);
        tick(a, b);
        a.port.attached = false;
        for (int i = 0; i < 6; i++) {
            tick(b);
        }
        assertEquals(List.of("lost@12"), b.events, "a lone bridge that hears nothing cannot tell");
    }

    @Test
    void givenOneVlanDroppedForA_thenAsPathIsLostWhileTheOtherVlanIsFine() {
        pair(1, 2);
        b.program(TEAM, 2); // B no longer probes VLAN 1: to A, VLAN 1 is silent
        for (int i = 0; i < 6; i++) {
            tick(a, b);
        }
        assertEquals(1, a.events.size(), a.events.toString());
        ProbeStatus s = a.probes.status();
        assertTrue(s.watches().get(0).lost() && s.watches().get(0).vlan() == 1, s.toString());
        assertFalse(s.watches().get(1).lost(), s.toString());
    }

    @Test
    void givenALoneBridge_whenItsPortIsRemoved_thenItNeverReportsItsPathLost() {
        a.program(TEAM, 1, 2);
        for (int i = 0; i < 5; i++) {
            clientFrame(a.port, 1);
            tick(a);
        }
        a.port.attached = false;
        for (int i = 0; i < 50; i++) {
            tick(a);
        }
        assertEquals(List.of(), a.events);
        assertTrue(a.probes.status().watches().stream().noneMatch(ProbeStatus.Watch::armed));
    }

    @Test
    void givenAnotherTeamsBridge_thenItsProbesAreIgnoredAndDoNotArm() {
        a.program(TEAM, 1);
        b.program(OTHER_TEAM, 1);
        for (int i = 0; i < 5; i++) {
            tick(a, b);
        }
        a.port.attached = false;
        for (int i = 0; i < 20; i++) {
            tick(a, b);
        }
        ProbeStatus s = a.probes.status();
        assertEquals(0, s.received());
        assertEquals(5, s.ignored(), "the other team's probes before the removal");
        assertFalse(s.watches().get(0).armed());
        assertEquals(List.of(), a.events);
    }

    @Test
    void givenMalformedProbesAndOwnEchoes_thenTheyAreCountedAndNeverTakenForAPeer() {
        a.program(TEAM, 1);
        ByteBuffer bad = ByteBuffer.allocate(60);
        ProbeFrame.write(bad, 0, new ProbeFrame.Probe(1, TEAM, MAC_B, 1, 2000));
        bad.put(18, (byte) 0);
        assertTrue(a.probes.onFrame(bad, 0, 60, ProbeFrame.GROUP, MAC_B, 1), "taken: never for the host");
        ByteBuffer own = ByteBuffer.allocate(60);
        ProbeFrame.write(own, 0, new ProbeFrame.Probe(1, TEAM, MAC_A, 1, 2000));
        assertTrue(a.probes.onFrame(own, 0, 60, ProbeFrame.GROUP, MAC_A, 1));
        assertFalse(a.probes.onFrame(ByteBuffer.wrap(TestFrames.frame(ProbeFrame.GROUP, MAC_B, 1, 60, 0)), 0, 60,
                ProbeFrame.GROUP, MAC_B, 1), "another EtherType to the group goes on as a normal frame");
        tick(a);
        ProbeStatus s = a.probes.status();
        assertEquals(1, s.malformed());
        assertEquals(1, s.ignored());
        assertEquals(0, s.received());
        assertFalse(s.watches().get(0).armed());
    }

    @Test
    void givenALostPath_whenTheCarrierGoesAndComesBack_thenNoPathReportWhileDown_andLostAgainAWindowAfter() {
        losePathOfA();
        a.probes.carrierChanged(false);
        tick(a, b);
        assertTrue(a.probes.pathUp(a.channel), "the carrier report says it all: the path counts as up");
        for (int i = 0; i < 10; i++) {
            tick(a, b);
        }
        assertEquals(1, a.events.size(), "nothing while the carrier is down");
        a.probes.carrierChanged(true);
        for (int i = 0; i < 4; i++) {
            tick(a, b);
        }
        assertEquals(1, a.events.size(), "a whole window first");
        tick(a, b);
        assertEquals(2, a.events.size(), a.events.toString());
        assertTrue(a.events.get(1).startsWith("lost"));
    }

    @Test
    void givenALostPath_whenTheSessionLogsInAgain_thenTheNewChannelIsToldAtTheNextCheck() {
        losePathOfA();
        a.probes.setPrograms(List.of(), now); // the session ended ...
        Object again = "a-session-2";
        a.probes.setPrograms(List.of(new PathProbes.Program(again, TEAM, List.of(1))), now); // ... and a new one began
        assertTrue(a.probes.pathUp(again), "a new session assumes up until told");
        tick(a, b);
        assertEquals(2, a.events.size(), a.events.toString());
        assertFalse(a.probes.pathUp(again), "the watch outlived the session: the path is still lost");
    }

    @Test
    void givenAWatchNoSessionProgramsAnyMore_thenItStopsProbing_andIsForgottenLater() {
        a.program(TEAM, 1);
        tick(a);
        a.probes.setPrograms(List.of(), now);
        long sent = a.probes.status().sent();
        tick(a);
        assertEquals(sent, a.probes.status().sent());
        assertFalse(a.probes.status().watches().get(0).programmed());
        now += PathProbes.FORGET_NANOS;
        tick(a);
        assertEquals(List.of(), a.probes.status().watches());
    }

    /** Steady ticks, ticks while the switch holds every frame, then it lets them through and more ticks. */
    void stallBetween(Switch sw, int before, int stalled, int after, Side... sides) {
        for (int i = 0; i < before + stalled + after; i++) {
            sw.holding = i >= before && i < before + stalled;
            if (i == before + stalled) {
                sw.release();
            }
            tick(sides);
        }
    }

    @Test
    void givenASwitchThatStalls30msAndThenDeliversEverything_thenOnlyTheFirstStallIsReported_andARemovedPortIsStillFound() {
        Switch stalling = new Switch();
        ProbeSettings adaptive = new ProbeSettings(2 * MS, 4, 0, 100 * MS);
        Side x = new Side(stalling, "x", MAC_A, adaptive);
        Side y = new Side(stalling, "y", MAC_B, adaptive);
        x.program(TEAM, 1);
        y.program(TEAM, 1);
        stallBetween(stalling, 10, 15, 1, x, y);
        assertEquals(2, x.events.size(), "the first stall is a false alarm: " + x.events);
        assertEquals(2, y.events.size(), y.events.toString());
        ProbeStatus.Watch learnt = x.probes.status().watches().get(0);
        assertEquals(30 * MS, learnt.delaySeenNanos(), 2 * MS, learnt.toString());
        assertEquals(PathWatch.DELAY_FACTOR * learnt.delaySeenNanos(), learnt.windowNanos(), MS, learnt.toString());

        stallBetween(stalling, 100, 15, 100, x, y);
        assertEquals(2, x.events.size(), "the second stall is tolerated: " + x.events);
        assertEquals(2, y.events.size(), y.events.toString());

        x.port.attached = false;
        long removed = now;
        for (int i = 0; i < 50 && x.events.size() == 2; i++) {
            clientFrame(y.port, 1);
            tick(x, y);
        }
        assertEquals(3, x.events.size(), x.events.toString());
        long detected = now - removed;
        assertTrue(detected > 30 * MS && detected <= 64 * MS, "found " + detected / MS + " ms after the removal");
        assertEquals(2, y.events.size(), "y hears the clients");
    }
}
