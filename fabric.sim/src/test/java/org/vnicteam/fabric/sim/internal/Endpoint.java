package org.vnicteam.fabric.sim.internal;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.vnicteam.api.verbs.AsyncEvent;
import org.vnicteam.api.verbs.CompletionQueue;
import org.vnicteam.api.verbs.Hca;
import org.vnicteam.api.verbs.PortStateTrap;
import org.vnicteam.api.verbs.QpInitAttributes;
import org.vnicteam.api.verbs.QueuePair;
import org.vnicteam.api.verbs.RcConnection;
import org.vnicteam.api.verbs.VerbsException;
import org.vnicteam.api.verbs.WcOpcode;
import org.vnicteam.api.verbs.WorkCompletion;

/**
 * A test consumer of the verbs: one HCA, one QP, receive buffers kept posted, and everything
 * that happens to it collected into queues a test can wait on.
 */
final class Endpoint implements AutoCloseable {

    static final int BUFFER = 16 * 1024;

    final Hca hca;
    final CompletionQueue sendCq;
    final CompletionQueue recvCq;
    final QueuePair qp;
    final LinkedBlockingQueue<byte[]> received = new LinkedBlockingQueue<>();
    final LinkedBlockingQueue<WorkCompletion> sendCompletions = new LinkedBlockingQueue<>();
    final LinkedBlockingQueue<WorkCompletion> errors = new LinkedBlockingQueue<>();
    final List<AsyncEvent> events = new CopyOnWriteArrayList<>();
    final List<PortStateTrap> traps = new CopyOnWriteArrayList<>();
    final List<WorkCompletion> receiveCompletions = new CopyOnWriteArrayList<>();
    private final ByteBuffer[] buffers;
    private final boolean autoRepost;

    Endpoint(SimFabric fabric, String adapter, Attributes attrs, int receives, boolean autoRepost)
            throws VerbsException {
        this.autoRepost = autoRepost;
        hca = fabric.open(adapter);
        hca.addAsyncEventListener(events::add);
        hca.subnet(1).subscribe(traps::add);
        sendCq = hca.createCompletionQueue(4096);
        recvCq = hca.createCompletionQueue(4096);
        qp = hca.createQueuePair(attrs.build(sendCq, recvCq));
        buffers = new ByteBuffer[Math.max(receives, 1)];
        for (int i = 0; i < receives; i++) {
            buffers[i] = ByteBuffer.allocate(BUFFER);
            qp.postReceive(i, buffers[i], 0, BUFFER);
        }
        WorkCompletion[] wcs = new WorkCompletion[64];
        for (int i = 0; i < wcs.length; i++) {
            wcs[i] = new WorkCompletion();
        }
        recvCq.setListener(cq -> {
            int n;
            while ((n = cq.poll(wcs)) > 0) {
                for (int i = 0; i < n; i++) {
                    WorkCompletion wc = wcs[i];
                    WorkCompletion copy = new WorkCompletion();
                    copy.set(wc);
                    receiveCompletions.add(copy);
                    if (!wc.ok()) {
                        errors.add(copy);
                        continue;
                    }
                    ByteBuffer b = wc.wrId < buffers.length ? buffers[(int) wc.wrId] : null;
                    if (b == null) {
                        continue; // a buffer the test posted itself
                    }
                    byte[] data = new byte[wc.byteLength];
                    b.get(0, data);
                    received.add(data);
                    if (this.autoRepost) {
                        try {
                            qp.postReceive(wc.wrId, b, 0, BUFFER);
                        } catch (VerbsException e) {
                            throw new IllegalStateException(e);
                        }
                    }
                }
            }
        });
        WorkCompletion[] swcs = new WorkCompletion[64];
        for (int i = 0; i < swcs.length; i++) {
            swcs[i] = new WorkCompletion();
        }
        sendCq.setListener(cq -> {
            int n;
            while ((n = cq.poll(swcs)) > 0) {
                for (int i = 0; i < n; i++) {
                    WorkCompletion copy = new WorkCompletion();
                    copy.set(swcs[i]);
                    sendCompletions.add(copy);
                    if (!copy.ok()) {
                        errors.add(copy);
                    }
                }
            }
        });
    }

    /** QP attributes that still need their completion queues. */
    @FunctionalInterface
    interface Attributes {
        QpInitAttributes build(CompletionQueue sendCq, CompletionQueue receiveCq);
    }

    static Endpoint rc(SimFabric fabric, String adapter) throws VerbsException {
        return new Endpoint(fabric, adapter, (s, r) -> QpInitAttributes.rc(1, s, r, 1024), 256, true);
    }

    int lid() {
        return hca.queryPort(1).lid();
    }

    /** Connects two RC endpoints to each other with the given retry settings. */
    static void connect(Endpoint a, Endpoint b, long ackTimeoutNanos, int retries) throws VerbsException {
        a.qp.connect(RcConnection.to(b.lid(), b.qp.number(), 100, 5000).withRetry(ackTimeoutNanos, retries));
        b.qp.connect(RcConnection.to(a.lid(), a.qp.number(), 5000, 100).withRetry(ackTimeoutNanos, retries));
    }

    void send(long wrId, byte[] data) throws VerbsException {
        qp.postSend(wrId, ByteBuffer.wrap(data), 0, data.length, true);
    }

    byte[] take(Duration timeout) throws InterruptedException {
        return received.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    List<byte[]> take(int n, Duration timeout) throws InterruptedException {
        List<byte[]> out = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (out.size() < n) {
            byte[] b = received.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (b == null) {
                break;
            }
            out.add(b);
        }
        return out;
    }

    long successfulSends() {
        return sendCompletions.stream().filter(w -> w.ok() && w.opcode == WcOpcode.SEND).count();
    }

    @Override
    public void close() {
        hca.close();
    }
}
