package org.vnicteam.testbed;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Sends UDP sequence streams at a fixed rate from one thread: at each tick (start + seq × period)
 * one datagram of every stream. One pacing thread for all streams keeps the spinning to one core
 * slice however many streams run. A failed send (no route, no buffer) is counted, never thrown.
 */
final class StreamSender implements AutoCloseable {

    /** One stream: its own socket (opened in the sender's namespace), its destination and id. */
    record Target(DatagramChannel channel, InetSocketAddress to, int stream) {
    }

    private final List<Target> targets;
    private final long periodNanos;
    private final long count;
    private final int size;
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final Thread thread;
    private volatile boolean stop;
    private volatile long startNanos;

    /**
     * @param rate  datagrams per second of each stream (1..1 000 000)
     * @param count datagrams of each stream
     * @param size  UDP payload bytes
     */
    StreamSender(List<Target> targets, int rate, long count, int size) {
        if (rate < 1 || rate > 1_000_000) {
            throw new IllegalArgumentException("rate " + rate + " not in 1..1000000 datagrams/s");
        }
        if (count < 1) {
            throw new IllegalArgumentException("count " + count + " must be at least 1");
        }
        StreamFrame.checkSize(size);
        this.targets = List.copyOf(targets);
        this.periodNanos = 1_000_000_000L / rate;
        this.count = count;
        this.size = size;
        this.thread = new Thread(this::run, "stream-sender");
        thread.setDaemon(true);
    }

    StreamSender start() {
        thread.start();
        return this;
    }

    private void run() {
        Pacer pacer = Pacer.forCurrentThread();
        List<ByteBuffer> buffers = new ArrayList<>();
        for (int i = 0; i < targets.size(); i++) {
            buffers.add(ByteBuffer.allocateDirect(size));
        }
        long start = System.nanoTime() + 1_000_000;
        startNanos = start;
        for (long seq = 0; seq < count && !stop; seq++) {
            pacer.awaitNanos(start + seq * periodNanos);
            for (int i = 0; i < targets.size(); i++) {
                Target t = targets.get(i);
                ByteBuffer buf = buffers.get(i);
                StreamFrame.write(buf, t.stream(), seq, System.nanoTime());
                buf.clear();
                try {
                    if (t.channel().send(buf, t.to()) > 0) {
                        sent.incrementAndGet();
                    } else {
                        failed.incrementAndGet();
                    }
                } catch (IOException e) {
                    failed.incrementAndGet();
                }
            }
        }
    }

    /** Waits until every datagram was sent (or the sender was closed); false on timeout. */
    boolean await(long timeoutMillis) throws InterruptedException {
        thread.join(Math.max(1, timeoutMillis));
        return !thread.isAlive();
    }

    long periodNanos() {
        return periodNanos;
    }

    /** System.nanoTime() of sequence 0's tick (0 before the thread started). */
    long startNanos() {
        return startNanos;
    }

    long sent() {
        return sent.get();
    }

    long failed() {
        return failed.get();
    }

    /** Stops sending and closes the sockets. */
    @Override
    public void close() {
        stop = true;
        try {
            thread.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Target t : targets) {
            try {
                t.channel().close();
            } catch (IOException ignored) {
                // closing a datagram socket does not fail in a way that matters here
            }
        }
    }
}
