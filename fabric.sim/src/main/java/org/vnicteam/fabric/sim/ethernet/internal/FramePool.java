package org.vnicteam.fabric.sim.ethernet.internal;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Frame buffers shared by the posting threads (which fill them) and the segment thread (which
 * switches and returns them). It grows while the segment warms up and then recycles, so steady
 * traffic allocates no buffers; a burst's surplus beyond the free list's bound is left to the GC.
 */
final class FramePool {

    /** One frame copied in by a poster, waiting on the segment queue. */
    static final class FrameBuffer {
        final byte[] data;
        int length;
        int port;

        FrameBuffer(int capacity) {
            data = new byte[capacity];
        }
    }

    private final ArrayBlockingQueue<FrameBuffer> free;
    private final int bufferSize;
    private final AtomicLong allocated = new AtomicLong();

    FramePool(int bufferSize, int maxFree) {
        this.bufferSize = bufferSize;
        this.free = new ArrayBlockingQueue<>(maxFree);
    }

    FrameBuffer acquire() {
        FrameBuffer b = free.poll();
        if (b == null) {
            allocated.incrementAndGet();
            b = new FrameBuffer(bufferSize);
        }
        return b;
    }

    void release(FrameBuffer b) {
        b.length = 0;
        free.offer(b);
    }

    int bufferSize() {
        return bufferSize;
    }

    long allocated() {
        return allocated.get();
    }
}
