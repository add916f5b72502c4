package org.vnicteam.fabric.sim.ethernet.internal;

import java.nio.ByteBuffer;
import java.util.concurrent.ArrayBlockingQueue;

import org.vnicteam.fabric.sim.ethernet.internal.FramePool.FrameBuffer;

/**
 * The segment's event thread: the loop of {@link LoopThread} plus a bounded frame queue. Posters
 * (bridges, hosts) copy a frame into a pooled buffer and offer it; a full queue is a counted
 * drop, never a wait. The thread hands each frame to the switch and returns the buffer.
 */
final class SegmentEngine extends LoopThread {

    /** Frames switched per turn of the loop, so that tasks and timers keep their turn. */
    private static final int BATCH = 256;

    enum Offer {
        QUEUED, OVERFLOW, MALFORMED
    }

    private final ArrayBlockingQueue<FrameBuffer> queue;
    private final FramePool pool;
    private final int capacity;
    private SwitchCore switchCore;
    private int highWater;

    SegmentEngine(String threadName, int capacity, int bufferSize) {
        super(threadName);
        this.capacity = capacity;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.pool = new FramePool(bufferSize, capacity + 64);
    }

    void attach(SwitchCore sw) {
        this.switchCore = sw;
    }

    /**
     * Copies {@code length} bytes at absolute index {@code offset} of {@code frame} into a pooled
     * buffer and queues it for ingress on {@code port}. Any thread; never blocks.
     */
    Offer offer(int port, ByteBuffer frame, int offset, int length) {
        if (length < SwitchCore.HEADER || length > pool.bufferSize() || offset < 0 || offset > frame.limit() - length) {
            return Offer.MALFORMED;
        }
        FrameBuffer b = pool.acquire();
        frame.get(offset, b.data, 0, length);
        b.length = length;
        b.port = port;
        if (!queue.offer(b)) {
            pool.release(b);
            return Offer.OVERFLOW;
        }
        wake();
        return Offer.QUEUED;
    }

    @Override
    protected boolean pollWork(long now) {
        int waiting = queue.size();
        if (waiting == 0) {
            return false;
        }
        if (waiting > highWater) {
            highWater = waiting;
        }
        FrameBuffer b;
        for (int n = 0; n < BATCH && (b = queue.poll()) != null; n++) {
            try {
                switchCore.ingress(b.port, b.data, b.length, now);
            } finally {
                pool.release(b);
            }
        }
        return true;
    }

    /**
     * Switches every frame queued now (not those their processing queues), so that a snapshot
     * taken next reflects every frame offered before it was asked for. On the loop.
     */
    void drainQueued() {
        long now = nanoTime();
        for (int waiting = queue.size(); waiting > 0; waiting -= BATCH) {
            pollWork(now);
        }
    }

    @Override
    protected boolean hasWork() {
        return !queue.isEmpty();
    }

    int capacity() {
        return capacity;
    }

    /** Read on the loop. */
    int highWater() {
        return highWater;
    }

    long buffersAllocated() {
        return pool.allocated();
    }
}
