package org.vnicteam.host.vnic.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The replay ring: what is replayed, in which order, and what a bounded buffer gives up. */
class ReplayRingTest {

    private static final int H = 16;

    /** Writes a message whose frame carries {@code id} in its first 4 bytes; returns false if refused. */
    private static boolean put(ReplayRing r, int id, int frameLength) {
        int at = r.allocate(H + frameLength);
        if (at < 0) {
            return false;
        }
        r.storage().putInt(at + H, id);
        r.commit(at, H + frameLength);
        return true;
    }

    private static List<Integer> replay(ReplayRing r) {
        List<Integer> ids = new ArrayList<>();
        r.replay((ByteBuffer f, int off, int len) -> ids.add(f.getInt(off)), H);
        return ids;
    }

    @Test
    void givenFramesOneToTen_whenTheBridgeConfirmedSix_thenSevenToTenAreReplayedInOrderOnce() {
        ReplayRing r = new ReplayRing(64 * 1024, 64);
        r.newSession();
        for (int i = 1; i <= 10; i++) {
            assertTrue(put(r, i, 60));
        }
        assertTrue(r.confirm(6));
        assertEquals(4, r.unconfirmed());
        assertEquals(List.of(7, 8, 9, 10), replay(r));
        assertEquals(List.of(), replay(r), "a second replay gives nothing");
        assertEquals(4, r.replayed());
    }

    @Test
    void givenAConfirmationBeyondWhatWasSent_thenItIsRefused() {
        ReplayRing r = new ReplayRing(64 * 1024, 64);
        r.newSession();
        put(r, 1, 60);
        assertTrue(!r.confirm(2));
        assertTrue(r.confirm(1));
        assertEquals(0, r.unconfirmed());
    }

    @Test
    void givenMixedSizesWrappingManyTimes_thenReplayIsAlwaysTheUnconfirmedTailInOrder() {
        ReplayRing r = new ReplayRing(8 * 1024, 64);
        r.newSession();
        int[] sizes = { 60, 1514, 64, 900, 1518, 60, 60, 300 };
        int sent = 0;
        for (int round = 0; round < 500; round++) {
            int size = sizes[round % sizes.length];
            sent++;
            assertTrue(put(r, sent, size));
            r.retire(r.nextIndex() - 1);
            if (round % 3 == 0) {
                r.confirm(sent - 2); // the bridge lags two frames behind
            }
        }
        r.confirm(sent - 2);
        assertEquals(List.of(sent - 1, sent), replay(r));
        assertEquals(0, r.overflowed(), "confirmed frames make room without loss");
    }

    @Test
    void givenNoConfirmation_whenTheBufferFills_thenTheOldestAreOverwrittenCountedAndTheRestReplayedInOrder() {
        ReplayRing r = new ReplayRing(4096, 64);
        r.newSession();
        for (int i = 1; i <= 100; i++) {
            assertTrue(put(r, i, 200)); // 216 bytes each: 18 fit
            r.retire(r.nextIndex() - 1);
        }
        List<Integer> ids = replay(r);
        assertTrue(ids.size() >= 16 && ids.size() <= 18, "what fits: " + ids.size());
        for (int i = 0; i < ids.size(); i++) {
            assertEquals(100 - ids.size() + 1 + i, ids.get(i), "consecutive and ending at the newest");
        }
        assertEquals(100 - ids.size(), r.overflowed());
    }

    @Test
    void givenFramesTheHcaStillReads_whenTheBufferIsFull_thenTheNewFrameIsRefusedAndNothingIsLost() {
        ReplayRing r = new ReplayRing(4096, 64);
        r.newSession();
        int accepted = 0;
        for (int i = 1; i <= 30; i++) {
            if (put(r, i, 200)) {
                accepted++;
            }
        }
        assertTrue(accepted < 30, "refused once full");
        assertEquals(0, r.overflowed());
        r.retire(4);
        assertTrue(put(r, 99, 200), "room once the HCA let go of the oldest");
    }

    @Test
    void givenTheFrameIndexIsFull_thenTheOldestFrameMakesRoomEvenIfBytesRemain() {
        ReplayRing r = new ReplayRing(1 << 20, 16);
        r.newSession();
        for (int i = 1; i <= 40; i++) {
            assertTrue(put(r, i, 60));
            r.retire(r.nextIndex() - 1);
        }
        assertEquals(16, r.stored());
        List<Integer> ids = replay(r);
        assertEquals(25, ids.get(0));
        assertEquals(40, ids.get(ids.size() - 1));
    }

    @Test
    void givenAnUnconfirmedTail_whenANewSessionStarts_thenItIsDiscardedAndSequenceNumbersRestartAtOne() {
        ReplayRing r = new ReplayRing(64 * 1024, 64);
        r.newSession();
        for (int i = 1; i <= 5; i++) {
            put(r, i, 60);
        }
        r.confirm(2);
        r.retireAll();
        r.newSession();
        assertEquals(3, r.discarded());
        assertEquals(1, r.nextSequence());
        assertEquals(0, r.lastSequenceOnWire());
        put(r, 6, 60);
        put(r, 7, 60);
        r.confirm(1);
        assertEquals(List.of(7), replay(r));
    }
}
