package org.vnicteam.bridge.core.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.vnicteam.bridge.core.internal.PathWatch.Change;

/**
 * One path watch driven by a fake clock: checks every 2 ms, 4 misses. {@code heard} plays the
 * VLAN's frame counter.
 */
class PathWatchTest {

    static final long MS = 1_000_000L;
    static final int MISSES = 4;
    static final long WINDOW = MISSES * 2 * MS;
    static final long PEER = 0x02_00_00_00_0b_01L;

    long now = 1_000 * MS;
    long heard;
    final PathWatch w = new PathWatch(0x02_76_6e_00_00_01L, 1, 0, now);

    Change check() {
        now += 2 * MS;
        return w.check(now, heard, false, MISSES, WINDOW);
    }

    int peerSequence;

    void hearPeer() {
        w.probeFrom(PEER, ++peerSequence);
        heard++;
    }

    @Test
    void givenNoPeerEverHeard_whenTheVlanIsSilent_thenTheWatchNeverArmsAndNeverLoses() {
        for (int i = 0; i < 100; i++) {
            assertEquals(Change.NONE, check());
        }
        heard += 5; // clients' frames alone do not arm it
        check();
        for (int i = 0; i < 100; i++) {
            assertEquals(Change.NONE, check());
        }
        assertFalse(w.armed());
        assertEquals(0, w.lostEvents());
    }

    @Test
    void givenAPeerWasHeard_whenTheVlanIsSilentForMissesChecks_thenLost_andTheFirstFrameBringsItBack() {
        hearPeer();
        assertEquals(Change.NONE, check());
        assertTrue(w.armed());
        for (int i = 1; i < MISSES; i++) {
            assertEquals(Change.NONE, check(), "silent check " + i);
        }
        assertEquals(Change.LOST, check(), "silent check " + MISSES);
        assertTrue(w.lost());
        assertEquals(Change.NONE, check(), "reported once");
        heard++; // any frame, not only a probe
        assertEquals(Change.BACK, check());
        assertFalse(w.lost());
        assertEquals(1, w.lostEvents());
        assertArrayEquals(new long[] { PEER }, w.peers());
    }

    @Test
    void givenFramesWaitingUnreadInThePort_whenTheWindowIsSilent_thenNoVerdictUntilTheyAreRead() {
        hearPeer();
        check();
        boolean[] pending = { true }; // the port's receive thread is behind: frames sit in its ring
        for (int i = 1; i < MISSES + 2; i++) {
            now += 2 * MS;
            assertEquals(Change.NONE, w.check(now, heard, false, MISSES, WINDOW, 0, () -> pending[0]), "check " + i);
        }
        heard += 3; // the thread catches up: what waited was the peer's probes
        pending[0] = false;
        now += 2 * MS;
        assertEquals(Change.NONE, w.check(now, heard, false, MISSES, WINDOW, 0, () -> pending[0]));
        assertFalse(w.lost());
        assertEquals(0, w.lostEvents());
    }

    @Test
    void givenAPortThatAlwaysSaysFramesWait_whenTheVlanStaysSilent_thenLostAtMostMissesChecksLater() {
        hearPeer();
        check();
        int checks = 0;
        Change c;
        do {
            now += 2 * MS;
            c = w.check(now, heard, false, MISSES, WINDOW, 0, () -> true);
            checks++;
        } while (c == Change.NONE && checks < 100);
        assertEquals(Change.LOST, c);
        assertEquals(2 * MISSES, checks, "one window, then at most one more of deferred checks");
    }

    @Test
    void givenAnArmedWatch_whenOtherFramesKeepComingWithoutProbes_thenItStaysGood() {
        hearPeer();
        check();
        for (int i = 0; i < 50; i++) {
            heard++; // the clients' traffic the switch floods once it forgot the peer's port
            assertEquals(Change.NONE, check());
        }
        assertFalse(w.lost());
    }

    @Test
    void givenAnArmedWatch_whenItsOwnCheckComesLaterThanAWindow_thenTheWindowStartsAgainInsteadOfALoss() {
        hearPeer();
        check();
        check();
        check(); // 2 silent checks
        now += 30 * MS; // the probe thread stalled 30 ms
        assertEquals(Change.NONE, w.check(now, heard, true, MISSES, WINDOW), "a late check re-arms the window");
        for (int i = 1; i < MISSES; i++) {
            assertEquals(Change.NONE, check());
        }
        assertEquals(Change.LOST, check(), "a full window after the stall");
    }

    @Test
    void givenAStalledCheckThatIsLateByLessThanAWindow_thenItCountsAsOneMiss() {
        hearPeer();
        check();
        now += 5 * MS;
        assertEquals(Change.NONE, w.check(now, heard, false, MISSES, WINDOW));
        for (int i = 2; i < MISSES; i++) {
            assertEquals(Change.NONE, check());
        }
        assertEquals(Change.LOST, check());
    }

    @Test
    void givenALostWatch_whenTheCarrierChanges_thenItRestartsSilently_stillArmed() {
        hearPeer();
        check();
        for (int i = 0; i < MISSES; i++) {
            check();
        }
        assertTrue(w.lost());
        w.restart(now, heard);
        assertFalse(w.lost());
        assertTrue(w.armed(), "the peer is still expected");
        for (int i = 1; i < MISSES; i++) {
            assertEquals(Change.NONE, check());
        }
        assertEquals(Change.LOST, check(), "still silent a window after the restart: lost again");
        assertEquals(2, w.lostEvents());
    }

    @Test
    void givenTheHostMovedTheTeamHere_whenTheVlanStaysSilent_thenNoLossWithinTheGrace_butRightAfterIt() {
        hearPeer();
        check();
        check(); // the peer's link is cut: its probes stop, and the clients' frames still go to its port
        w.learningFrameSent(); // the host fails over to this bridge
        long graceEnds = now + 2 * MS + PathWatch.MOVE_GRACE_NANOS; // counted from the next check
        while (now + 2 * MS < graceEnds) {
            assertEquals(Change.NONE, check(), "within the grace, " + (graceEnds - now) / MS + " ms left");
        }
        assertEquals(Change.LOST, check(), "the grace is over and the VLAN is still silent");
    }

    @Test
    void givenTheHostMovedTheTeamHere_whenTheSwitchSendsTheClientsHere_thenTheWatchGoesOnAsBefore() {
        hearPeer();
        check();
        w.learningFrameSent();
        check();
        check();
        heard += 3; // the switch moved the team MAC: clients' frames arrive
        check();
        for (int i = 0; i < 30; i++) {
            heard++;
            assertEquals(Change.NONE, check());
        }
        assertEquals(0, w.lostEvents());
    }

    @Test
    void givenALostWatch_whenTheHostMovesTheTeamHereAnyway_thenItStaysLost() {
        hearPeer();
        check();
        for (int i = 0; i < MISSES; i++) {
            check();
        }
        assertTrue(w.lost());
        w.learningFrameSent();
        for (int i = 0; i < 30; i++) {
            assertEquals(Change.NONE, check());
        }
        assertTrue(w.lost(), "a move does not mend a path");
    }

    @Test
    void givenChecksThatCrowdTogetherAfterALateOne_thenTheLossWaitsForAWholeWindowOfTime() {
        hearPeer();
        check(); // heard at 2 ms
        for (int i = 0; i < MISSES; i++) {
            now += MS / 10; // four checks within 0.4 ms
            assertEquals(Change.NONE, w.check(now, heard, false, MISSES, WINDOW), "check " + i);
        }
        now += 2 * MS;
        assertEquals(Change.NONE, w.check(now, heard, false, MISSES, WINDOW), "2.4 ms is not a window");
        now += 6 * MS;
        assertEquals(Change.LOST, w.check(now, heard, false, MISSES, WINDOW), "8.4 ms and enough checks");
    }

    @Test
    void givenManyPeers_thenTheStatusListsAFewAndCountsEveryProbe() {
        for (long p = 1; p <= 20; p++) {
            w.probeFrom(PEER + p, 1);
        }
        assertEquals(PathWatch.MAX_PEERS, w.peers().length);
        assertEquals(20, w.probesReceived());
    }

    Change checkSettling(long settle) {
        now += 2 * MS;
        return w.check(now, heard, false, MISSES, WINDOW, settle, PathWatch.NOTHING_PENDING);
    }

    @Test
    void givenASettleTime_whenPeersAreHeardShorterThanIt_thenTheWatchDoesNotArm_andASilenceStartsItOver() {
        long settle = 100 * MS;
        for (int i = 0; i < 40; i++) { // 80 ms of peer probes
            hearPeer();
            assertEquals(Change.NONE, checkSettling(settle));
        }
        assertFalse(w.armed(), "heard 80 ms of a 100 ms settle time");
        for (int i = 0; i < MISSES + 2; i++) { // a silent window: nothing is lost, the settling starts over
            assertEquals(Change.NONE, checkSettling(settle));
        }
        for (int i = 0; i < 40; i++) {
            hearPeer();
            checkSettling(settle);
        }
        assertFalse(w.armed(), "80 ms again after the silence, not 160 ms");
        for (int i = 0; i < 11; i++) {
            hearPeer();
            checkSettling(settle);
        }
        assertTrue(w.armed(), "armed after 100 ms of peers heard without a silent window");
        for (int i = 1; i < MISSES; i++) {
            assertEquals(Change.NONE, checkSettling(settle));
        }
        assertEquals(Change.LOST, checkSettling(settle), "armed: a silent window is a lost path");
    }

    // ---- a window that learns how late the path's frames can be --------------------------------

    static final long MAX_WINDOW = 100 * MS;
    /** Probes the switch holds back, in the order they were sent. */
    final List<Integer> held = new ArrayList<>();

    Change adaptiveCheck() {
        now += 2 * MS;
        return w.check(now, heard, false, MISSES, WINDOW, MAX_WINDOW, 0, PathWatch.NOTHING_PENDING);
    }

    /** The peer's probe of this interval arrives, then the check. */
    void steady(int checks) {
        for (int i = 0; i < checks; i++) {
            hearPeer();
            assertEquals(Change.NONE, adaptiveCheck(), "steady check " + i);
        }
    }

    /** The switch holds every frame for this many checks; the peer keeps sending. */
    List<Change> stall(int checks) {
        List<Change> changes = new ArrayList<>();
        for (int i = 0; i < checks; i++) {
            held.add(++peerSequence);
            changes.add(adaptiveCheck());
        }
        return changes;
    }

    /** The switch lets the oldest {@code delivered} held probes through, late and in order, and drops the rest. */
    void release(int delivered) {
        for (int i = 0; i < delivered; i++) {
            w.probeFrom(PEER, held.get(i));
            heard++;
        }
        held.clear();
    }

    @Test
    void givenASteadyPath_whenTheProbesStop_thenTheWindowStaysEightMillisecondsAndTheFourthSilentCheckIsLost() {
        steady(500);
        assertEquals(WINDOW, w.windowNanos());
        assertEquals(0, w.delaySeenNanos());
        for (int i = 1; i < MISSES; i++) {
            assertEquals(Change.NONE, adaptiveCheck(), "silent check " + i);
        }
        assertEquals(Change.LOST, adaptiveCheck(), "silent check " + MISSES + ", 8 ms");
    }

    @Test
    void givenA30msStallDeliveredLateWithoutGaps_whenTheSwitchStalls30msAgain_thenNoLoss_butProbesStoppedForGoodAreLost() {
        steady(100);
        List<Change> first = stall(15);
        assertEquals(Change.LOST, first.get(MISSES - 1), "nothing learnt yet: the first stall is a false alarm");
        release(15);
        assertEquals(Change.BACK, adaptiveCheck(), "the held probes arrive, every one");
        assertEquals(30 * MS, w.delaySeenNanos(), "the false alarm was a delay of 30 ms");
        assertEquals((long) (PathWatch.DELAY_FACTOR * 30 * MS), w.windowNanos());

        steady(500); // a second later
        assertTrue(stall(15).stream().allMatch(c -> c == Change.NONE), "a 30 ms stall is tolerated now");
        release(15);
        assertEquals(Change.NONE, adaptiveCheck());
        assertEquals(1, w.lostEvents());

        steady(500);
        long lastHeard = now;
        Change c;
        do {
            c = adaptiveCheck(); // the peer's path is gone for good
        } while (c == Change.NONE && now - lastHeard < 200 * MS);
        assertEquals(Change.LOST, c);
        long detected = now - lastHeard;
        assertTrue(detected > 30 * MS && detected <= PathWatch.DELAY_FACTOR * 30 * MS, "lost after " + detected / MS + " ms");
        assertEquals(w.windowNanos(), detected, 2 * MS, "at the learnt window");
    }

    @Test
    void givenALearntDelay_whenThePathStaysSteady_thenItDecaysAndTheWindowIsBackToEightMilliseconds() {
        steady(100);
        stall(15);
        release(15);
        adaptiveCheck();
        long learnt = (long) (PathWatch.DELAY_FACTOR * 30 * MS);
        assertEquals(learnt, w.windowNanos());
        steady((int) (PathWatch.DELAY_HALF_LIFE_NANOS / (2 * MS))); // one half-life
        assertEquals(learnt / 2, w.windowNanos(), MS, "halved");
        steady((int) (3 * PathWatch.DELAY_HALF_LIFE_NANOS / (2 * MS)));
        assertEquals(WINDOW, w.windowNanos(), "the learnt window / 16 is less than the configured window");
        for (int i = 1; i < MISSES; i++) {
            assertEquals(Change.NONE, adaptiveCheck());
        }
        assertEquals(Change.LOST, adaptiveCheck(), "at the fourth silent check again");
    }

    @Test
    void givenStallsWhoseProbesWereLost_thenTheWindowDoesNotWiden() {
        steady(100);
        for (int round = 0; round < 3; round++) {
            List<Change> changes = stall(15);
            assertEquals(Change.LOST, changes.get(MISSES - 1), "round " + round + ": lost at the fourth check");
            release(0); // all dropped
            hearPeer(); // the next probe, after a gap
            assertEquals(Change.BACK, adaptiveCheck());
            assertEquals(0, w.delaySeenNanos(), "round " + round);
            assertEquals(WINDOW, w.windowNanos());
            steady(50);
        }
        assertEquals(3, w.lostEvents());
    }

    @Test
    void givenAStallThatDeliveredTheOldestProbesAndDroppedTheNewest_thenTheFirstOneCameLate_andItIsADelay() {
        steady(100);
        stall(15);
        release(5); // a tail-dropping queue: the oldest survive, late
        hearPeer(); // then a gap
        assertEquals(Change.BACK, adaptiveCheck());
        assertEquals(30 * MS, w.delaySeenNanos(), "the probe sent right after the last one heard took 30 ms");
    }

    @Test
    void givenOtherFramesEndTheSilenceBeforeTheProbes_thenTheProbesStillTellItWasADelay() {
        steady(100);
        stall(15);
        heard += 3; // a client's frames first
        assertEquals(Change.BACK, adaptiveCheck());
        assertEquals(Change.NONE, adaptiveCheck());
        release(15); // then the held probes (those sent since come later still)
        assertEquals(Change.NONE, adaptiveCheck());
        assertEquals(30 * MS, w.delaySeenNanos());
    }

    @Test
    void givenSequencesThatWrapAround_whenAStallIsDeliveredLate_thenItIsADelay() {
        for (int start : new int[] { Integer.MAX_VALUE - 105, -105 }) {
            PathWatchTest t = new PathWatchTest();
            t.peerSequence = start;
            t.steady(100);
            t.stall(15); // from 5 before the wrap: crosses MAX_VALUE → MIN_VALUE, or -1 → 0
            t.release(15);
            assertEquals(Change.BACK, t.adaptiveCheck());
            assertEquals(30 * MS, t.w.delaySeenNanos(), "from " + start);
            t.steady(10);
            assertTrue(t.stall(15).stream().allMatch(c -> c == Change.NONE), "from " + start);
        }
    }

    @Test
    void givenTwoPeers_whenOnlyOneDeliveredItsProbesInSequence_thenNoDelayIsLearnt_butWhenBothDid_itIs() {
        long other = PEER + 1;
        int[] otherSequence = { 100 };
        for (int i = 0; i < 100; i++) {
            w.probeFrom(other, ++otherSequence[0]);
            hearPeer();
            assertEquals(Change.NONE, adaptiveCheck());
        }
        stall(15);
        otherSequence[0] += 15;
        release(15);
        w.probeFrom(other, ++otherSequence[0]); // the other peer's first probe after the stall skips 15
        assertEquals(Change.BACK, adaptiveCheck());
        assertEquals(0, w.delaySeenNanos(), "one peer's probes were lost: the silence may have been a loss");

        for (int i = 0; i < 100; i++) {
            w.probeFrom(other, ++otherSequence[0]);
            hearPeer();
            adaptiveCheck();
        }
        stall(15);
        release(15);
        for (int i = 0; i < 15; i++) {
            w.probeFrom(other, ++otherSequence[0]);
        }
        w.probeFrom(PEER + 2, 7); // a third peer heard for the first time tells nothing either way
        assertEquals(Change.BACK, adaptiveCheck());
        assertEquals(30 * MS, w.delaySeenNanos(), "both peers' probes came late, none lost");
        assertEquals(3, w.peers().length);
    }

    @Test
    void givenAStallLongerThanTheBound_thenTheWindowStopsAtTheBound_andALossIsFoundThere() {
        steady(100);
        stall(40); // 80 ms
        release(40);
        assertEquals(Change.BACK, adaptiveCheck());
        assertEquals(80 * MS, w.delaySeenNanos());
        assertEquals(MAX_WINDOW, w.windowNanos(), "2 × 80 ms, bounded");
        steady(10);
        long lastHeard = now;
        Change c;
        do {
            c = adaptiveCheck();
        } while (c == Change.NONE && now - lastHeard < 300 * MS);
        assertEquals(Change.LOST, c);
        assertEquals(MAX_WINDOW, now - lastHeard, 2 * MS);
    }

    @Test
    void givenAFixedWindow_whenAStallWasDeliveredLate_thenTheDelayIsShownButTheWindowStays() {
        hearPeer();
        check();
        for (int i = 0; i < 15; i++) {
            held.add(++peerSequence);
            check();
        }
        release(15);
        assertEquals(Change.BACK, check());
        assertEquals(30 * MS, w.delaySeenNanos());
        assertEquals(WINDOW, w.windowNanos());
    }
}
