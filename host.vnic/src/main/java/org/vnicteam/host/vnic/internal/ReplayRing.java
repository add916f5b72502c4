package org.vnicteam.host.vnic.internal;

import java.nio.ByteBuffer;

import org.vnicteam.api.host.FrameSink;

/**
 * The frames a VNIC sent, kept by sequence number until its bridge confirms them on the wire,
 * so that the team can send them again through another bridge when this one fails.
 *
 * <p>It doubles as the send buffer of the data queue pair: a DATA message is written straight
 * into the ring and posted from there, so sending copies each frame once. Messages are laid end
 * to end in one byte array (variable length: 64-byte frames do not take 1.5 KB slots) with a
 * small per-frame index. A region is reused only when two things hold for the frames in it:
 * the HCA no longer reads them (the send completed: {@link #retire}) — else the allocation
 * fails and the caller counts the frame as dropped — and the bridge confirmed them (else they
 * are overwritten all the same and counted as {@code overflowed}: the buffer is bounded).
 *
 * <p>Frame indexes are VNIC-lifetime counters ({@code long}); a session's DATA sequence number
 * {@code s} is index {@code sessionBase + s - 1}. Not thread-safe: the VNIC guards it with its
 * transmit lock.
 */
final class ReplayRing {

    /** Messages start on this alignment (cheap, and keeps headers word-aligned). */
    private static final int ALIGN = 8;

    private final ByteBuffer storage;
    private final int capacity;
    private final int mask;
    private final int[] offsets;
    private final int[] lengths;

    private long next; // index of the next frame
    private long oldest; // oldest frame still stored
    private long confirmed = -1; // highest index confirmed on the wire (or replayed, or discarded)
    /**
     * Highest index the HCA no longer reads. Written by the fabric's thread on a send completion
     * without the transmit lock (a sender holding it must not stall the fabric), read by the
     * allocator under it: a stale value only makes the allocator more careful.
     */
    private volatile long retired = -1;
    private long sessionBase; // index of sequence number 1 of the current session
    private int writePos;

    private long overflowed;
    private long discarded;
    private long replayed;

    /**
     * @param capacityBytes bytes of storage
     * @param maxFrames most frames held at once (rounded up to a power of two)
     */
    ReplayRing(int capacityBytes, int maxFrames) {
        if (capacityBytes < 4096 || maxFrames < 16) {
            throw new IllegalArgumentException("replay buffer needs >= 4096 bytes and >= 16 frames");
        }
        this.capacity = capacityBytes;
        this.storage = ByteBuffer.allocate(capacityBytes);
        int n = Integer.highestOneBit(maxFrames - 1) << 1;
        this.mask = n - 1;
        this.offsets = new int[n];
        this.lengths = new int[n];
    }

    ByteBuffer storage() {
        return storage;
    }

    int capacityBytes() {
        return capacity;
    }

    /** Index the next committed frame gets. */
    long nextIndex() {
        return next;
    }

    /** DATA sequence number the next committed frame gets in the current session. */
    int nextSequence() {
        return (int) (next - sessionBase + 1);
    }

    /**
     * Finds room for a message of {@code length} bytes, dropping the oldest frames that are in
     * the way. Nothing is committed: write the message at the returned offset, then call
     * {@link #commit}, or just forget it.
     *
     * @return the storage offset, or -1 when frames the HCA still reads are in the way
     */
    int allocate(int length) {
        int need = (length + ALIGN - 1) & -ALIGN;
        if (need > capacity) {
            return -1;
        }
        int pos = writePos;
        boolean wrap = pos + need > capacity;
        int start = wrap ? 0 : pos;
        while (oldest < next) {
            int i = (int) (oldest & mask);
            int o = offsets[i];
            // On a wrap the frames between writePos and the end are the oldest ones and must go
            // before the ones at the start can be reached (storage order is index order).
            boolean inSkippedTail = wrap && o >= pos;
            boolean overlaps = o < start + need && start < o + lengths[i];
            boolean indexFull = next - oldest > mask;
            if (!inSkippedTail && !overlaps && !indexFull) {
                break;
            }
            if (oldest > retired) {
                return -1;
            }
            if (oldest > confirmed) {
                overflowed++;
                confirmed = oldest;
            }
            oldest++;
        }
        return start;
    }

    /** Records the message just written at {@code offset} (from {@link #allocate}) as the next frame. */
    void commit(int offset, int length) {
        int i = (int) (next & mask);
        offsets[i] = offset;
        lengths[i] = length;
        next++;
        writePos = offset + ((length + ALIGN - 1) & -ALIGN);
    }

    /** The HCA no longer reads frames up to {@code index} (a signaled send completed, or the QP is gone). */
    void retire(long index) {
        if (index > retired) {
            retired = index; // completions of one QP come in order: a single writer, monotonic
        }
    }

    /** Every frame sent so far is out of the HCA's hands (its queue pair was destroyed). Under the lock. */
    void retireAll() {
        retired = next - 1;
    }

    /**
     * The bridge put DATA sequence numbers up to {@code lastSequenceOnWire} of the current
     * session on the wire.
     *
     * @return false when the number is beyond what was sent (ignored)
     */
    boolean confirm(int lastSequenceOnWire) {
        long sent = next - sessionBase;
        long s = lastSequenceOnWire & 0xFFFFFFFFL;
        if (s > sent) {
            return false;
        }
        long index = sessionBase + s - 1;
        if (index > confirmed) {
            confirmed = index;
        }
        return true;
    }

    /** Last DATA sequence number of the current session the bridge confirmed, 0 for none. */
    int lastSequenceOnWire() {
        return (int) Math.max(0, confirmed - sessionBase + 1);
    }

    /** DATA sequence number of the last frame sent in the current session, 0 for none. */
    int lastSequenceSent() {
        return (int) (next - sessionBase);
    }

    /**
     * A new session starts: sequence numbers restart at 1. Frames of the old session that were
     * never confirmed nor replayed are dropped: sending them later would only be stale.
     */
    void newSession() {
        long unconfirmed = unconfirmed();
        discarded += unconfirmed;
        confirmed = next - 1;
        sessionBase = next;
    }

    /** Frames held that the bridge has not confirmed. */
    long unconfirmed() {
        return next - 1 - Math.max(confirmed, oldest - 1);
    }

    /**
     * Hands the unconfirmed frames, oldest first, to {@code sink} (Ethernet frame only, without
     * the DATA header), then counts them as confirmed.
     */
    int replay(FrameSink sink, int headerLength) {
        int n = 0;
        for (long i = Math.max(confirmed + 1, oldest); i < next; i++) {
            int k = (int) (i & mask);
            sink.frame(storage, offsets[k] + headerLength, lengths[k] - headerLength);
            n++;
        }
        confirmed = next - 1;
        replayed += n;
        return n;
    }

    long overflowed() {
        return overflowed;
    }

    long discarded() {
        return discarded;
    }

    long replayed() {
        return replayed;
    }

    /** Frames stored (confirmed or not). */
    long stored() {
        return next - oldest;
    }
}
