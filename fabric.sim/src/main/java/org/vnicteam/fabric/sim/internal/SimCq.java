package org.vnicteam.fabric.sim.internal;

import org.vnicteam.api.verbs.AsyncEvent;
import org.vnicteam.api.verbs.CompletionListener;
import org.vnicteam.api.verbs.CompletionQueue;
import org.vnicteam.api.verbs.WcOpcode;
import org.vnicteam.api.verbs.WcStatus;
import org.vnicteam.api.verbs.WorkCompletion;

/**
 * A completion queue: a ring of preallocated completions, filled by the engine thread and
 * polled by consumers. A full ring is an overflow, reported as a CQ error as a real HCA does.
 */
final class SimCq implements CompletionQueue {

    private final SimHca hca;

    SimHca hca() {
        return hca;
    }
    private final WorkCompletion[] ring;
    private volatile long head; // next to poll; written under the poll lock
    private volatile long tail; // next to fill; written by the engine thread
    private volatile CompletionListener listener;
    private volatile boolean closed;
    boolean dirtyListed;
    long overflows;

    SimCq(SimHca hca, int depth) {
        this.hca = hca;
        ring = new WorkCompletion[depth];
        for (int i = 0; i < depth; i++) {
            ring[i] = new WorkCompletion();
        }
    }

    @Override
    public int depth() {
        return ring.length;
    }

    /** Engine thread: claims the next slot, or returns null on overflow (already reported). */
    WorkCompletion slot() {
        long t = tail;
        if (t - head >= ring.length) {
            if (overflows++ == 0) {
                hca.fireAsync(new AsyncEvent(AsyncEvent.Type.CQ_ERROR, 0, 0, "completion queue overflow"));
            }
            return null;
        }
        return ring[(int) (t % ring.length)];
    }

    /** Engine thread: publishes the slot claimed by {@link #slot()}. */
    void publish() {
        tail = tail + 1;
        hca.engine.cqDirty(this);
    }

    void complete(long wrId, WcStatus status, WcOpcode opcode, int qpn, int byteLength, int srcLid, int srcQp,
            boolean hasImm, int imm) {
        WorkCompletion wc = slot();
        if (wc == null) {
            return;
        }
        wc.wrId = wrId;
        wc.status = status;
        wc.opcode = opcode;
        wc.qpNumber = qpn;
        wc.byteLength = byteLength;
        wc.sourceLid = srcLid;
        wc.sourceQp = srcQp;
        wc.hasImmediate = hasImm;
        wc.immediate = imm;
        publish();
    }

    @Override
    public synchronized int poll(WorkCompletion[] out) {
        long h = head;
        int n = (int) Math.min(tail - h, out.length);
        for (int i = 0; i < n; i++) {
            out[i].set(ring[(int) ((h + i) % ring.length)]);
        }
        head = h + n;
        return n;
    }

    @Override
    public void setListener(CompletionListener l) {
        listener = l;
        if (l != null && tail != head) {
            hca.engine.execute(() -> hca.engine.cqDirty(this));
        }
    }

    void notifyListener() {
        CompletionListener l = listener;
        if (l != null && !closed) {
            try {
                l.completionsAvailable(this);
            } catch (RuntimeException | AssertionError e) {
                java.util.logging.Logger.getLogger(SimCq.class.getName()).log(java.util.logging.Level.WARNING,
                        "completion listener failed", e);
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        listener = null;
    }
}
