package org.vnicteam.testbed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class StreamReportTest {

    private static final long P = 1_000_000; // 1 000 frames/s
    private static final long STALL = 1_000_000;

    /** n frames sent every period, each arriving 50 µs after it was sent. */
    private static long[][] stream(int n) {
        long[] sent = new long[n];
        long[] arrived = new long[n];
        for (int i = 0; i < n; i++) {
            sent[i] = 1_000_000_000L + i * P;
            arrived[i] = sent[i] + 50_000;
        }
        return new long[][] {arrived, sent};
    }

    @Test
    void givenEveryFrameOnTime_whenAnalysed_thenNoGapsAndNothingLost() {
        long[][] s = stream(100);
        StreamReport r = StreamReport.analyse(s[0], s[1], 0, 0, P, STALL);
        assertEquals(100, r.received());
        assertEquals(0, r.lost());
        assertTrue(r.gaps().isEmpty());
        assertEquals(0, r.maxOutageMillis());
    }

    @Test
    void givenThreeFramesMissing_whenAnalysed_thenOneGapWithFirstMissingLostAndOutage() {
        long[][] s = stream(100);
        for (int i = 10; i <= 12; i++) {
            s[0][i] = 0;
        }
        StreamReport r = StreamReport.analyse(s[0], s[1], 2, 1, P, STALL);
        assertEquals(3, r.lost());
        assertEquals(2, r.duplicates());
        assertEquals(1, r.malformed());
        assertEquals(1, r.gaps().size());
        StreamReport.Gap gap = r.gaps().get(0);
        assertEquals(10, gap.firstMissing());
        assertEquals(3, gap.lost());
        // last before at 9, first after at 13: 4 periods apart, minus one period
        assertEquals(3 * P, gap.outageNanos());
        assertEquals("first missing 10, lost 3, outage 3.000 ms", gap.toString());
    }

    @Test
    void givenFramesHeldBackButNoneLost_whenAnalysed_thenAStallGapWithZeroLost() {
        long[][] s = stream(100);
        for (int i = 50; i < 100; i++) {
            s[0][i] += 4 * P; // e.g. queued and replayed after a fail-over
        }
        StreamReport r = StreamReport.analyse(s[0], s[1], 0, 0, P, STALL);
        assertEquals(0, r.lost());
        assertEquals(1, r.gaps().size());
        assertEquals(50, r.gaps().get(0).firstMissing());
        assertEquals(0, r.gaps().get(0).lost());
        assertEquals(4 * P, r.gaps().get(0).outageNanos());
    }

    @Test
    void givenJitterBelowTheStallThreshold_whenAnalysed_thenNoGap() {
        long[][] s = stream(100);
        s[0][30] += STALL / 2;
        assertTrue(StreamReport.analyse(s[0], s[1], 0, 0, P, STALL).gaps().isEmpty());
    }

    @Test
    void givenLossAtTheStartAndTheEnd_whenAnalysed_thenEdgeGapsWithoutOutage() {
        long[][] s = stream(100);
        s[0][0] = 0;
        s[0][1] = 0;
        s[0][99] = 0;
        StreamReport r = StreamReport.analyse(s[0], s[1], 0, 0, P, STALL);
        assertEquals(3, r.lost());
        assertEquals(2, r.gaps().size());
        assertEquals(-1, r.gaps().get(0).outageNanos());
        assertEquals(2, r.gaps().get(0).lost());
        assertEquals(99, r.gaps().get(1).firstMissing());
        assertEquals(0, r.maxOutageMillis(), "edge gaps have no outage to report");
    }

    @Test
    void givenNothingArrived_whenAnalysed_thenOneGapOfEverything() {
        StreamReport r = StreamReport.analyse(new long[10], new long[10], 0, 0, P, STALL);
        assertEquals(10, r.lost());
        assertEquals(1, r.gaps().size());
        assertEquals(10, r.gaps().get(0).lost());
    }

    @Test
    void givenALossRunLongerThanTheWindow_whenAWindowIsTaken_thenItsOutageSpansToTheFirstArrivalAfter() {
        long[][] s = stream(100);
        for (int i = 20; i < 40; i++) {
            s[0][i] = 0;
        }
        StreamReport r = StreamReport.analyse(s[0], s[1], 0, 0, P, STALL);
        StreamReport.Window w = r.window(18, 25);
        assertEquals(6, w.lost(), "only the window's own frames count as its loss");
        assertEquals(20 * P, w.outageNanos(), "19 to 40: 21 periods apart, minus one");
        assertEquals(0, r.window(50, 60).lost());
        assertEquals(0, r.window(50, 60).outageNanos());
    }
}
