package org.vnicteam.testbed;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.util.Arrays;

/**
 * Receives one UDP sequence stream on its own thread and records, per sequence number, when it
 * first arrived and when it was sent. Datagrams of other streams, short ones and sequence numbers
 * out of range are counted as malformed; a second copy of a sequence number as a duplicate.
 */
final class StreamReceiver implements AutoCloseable {

    private final DatagramChannel channel;
    private final int stream;
    private final int count;
    private final long[] arrived;
    private final long[] sent;
    private final Thread thread;
    private volatile long received;
    private volatile long duplicates;
    private volatile long malformed;
    private volatile long lastArrivalNanos;

    /**
     * @param channel a bound datagram socket (opened in the receiver's namespace); closed by {@link #close}
     * @param count   the stream's length: sequence numbers 0..count-1
     */
    StreamReceiver(DatagramChannel channel, int stream, int count) {
        if (count < 1) {
            throw new IllegalArgumentException("count " + count + " must be at least 1");
        }
        this.channel = channel;
        this.stream = stream;
        this.count = count;
        this.arrived = new long[count];
        this.sent = new long[count];
        this.thread = new Thread(this::run, "stream-receiver-" + stream);
        thread.setDaemon(true);
    }

    StreamReceiver start() {
        thread.start();
        return this;
    }

    private void run() {
        ByteBuffer buf = ByteBuffer.allocateDirect(2048);
        try {
            while (true) {
                buf.clear();
                channel.receive(buf);
                long now = System.nanoTime();
                record(buf, buf.position(), now);
            }
        } catch (ClosedChannelException e) {
            // closed: done
        } catch (IOException e) {
            malformed++;
        }
    }

    private void record(ByteBuffer buf, int length, long now) {
        if (!StreamFrame.valid(buf, length, stream)) {
            malformed++;
            return;
        }
        long seq = StreamFrame.sequence(buf);
        if (seq < 0 || seq >= count) {
            malformed++;
            return;
        }
        int i = (int) seq;
        if (arrived[i] != 0) {
            duplicates++;
            return;
        }
        sent[i] = StreamFrame.sentNanos(buf);
        arrived[i] = now;
        lastArrivalNanos = now;
        received++;
    }

    long received() {
        return received;
    }

    /** Whether every sequence number arrived. */
    boolean complete() {
        return received == count;
    }

    /** System.nanoTime() of the latest new datagram (0 before the first). */
    long lastArrivalNanos() {
        return lastArrivalNanos;
    }

    /** Waits until every datagram arrived or nothing new came for {@code idleMillis}; bounded by {@code timeoutMillis}. */
    void awaitEnd(long idleMillis, long timeoutMillis) throws InterruptedException {
        long end = System.nanoTime() + timeoutMillis * 1_000_000;
        long lastSeen = received;
        long lastChange = System.nanoTime();
        while (!complete() && System.nanoTime() < end) {
            Thread.sleep(10);
            long r = received;
            if (r != lastSeen) {
                lastSeen = r;
                lastChange = System.nanoTime();
            } else if (r > 0 && System.nanoTime() - lastChange > idleMillis * 1_000_000) {
                return;
            }
        }
    }

    /** Stops receiving (closes the socket) and analyses what arrived. */
    StreamReport stopAndReport(long periodNanos, long stallNanos) {
        close();
        return StreamReport.analyse(Arrays.copyOf(arrived, count), Arrays.copyOf(sent, count),
                duplicates, malformed, periodNanos, stallNanos);
    }

    @Override
    public void close() {
        try {
            channel.close();
            thread.join(2_000);
        } catch (IOException e) {
            // nothing to do: the thread ends on the closed channel
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
