package org.vnicteam.bridge.core.internal;

import java.nio.ByteBuffer;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.vnicteam.api.bridge.DataChannel;
import org.vnicteam.api.verbs.CompletionQueue;
import org.vnicteam.api.verbs.Hca;
import org.vnicteam.api.verbs.HcaProvider;
import org.vnicteam.api.verbs.QpInitAttributes;
import org.vnicteam.api.verbs.QueuePair;
import org.vnicteam.api.verbs.RcConnection;
import org.vnicteam.api.verbs.VerbsException;
import org.vnicteam.api.verbs.WorkCompletion;

/**
 * The host end of a data channel, on the simulated fabric's {@code server} adapter: one RC queue
 * pair with receives kept posted; what arrives is collected for the test.
 */
final class HostPeer implements AutoCloseable {

    static final int RECEIVES = 512;
    static final int SLOT = 9600;
    static final int START_PSN = 4242;

    final Hca hca;
    final QueuePair qp;
    final LinkedBlockingQueue<byte[]> received = new LinkedBlockingQueue<>();
    private final ByteBuffer ring = ByteBuffer.allocate(RECEIVES * SLOT);
    private final WorkCompletion[] batch = new WorkCompletion[64];
    /** When false, receive completions are counted and their buffers re-posted, nothing is kept. */
    volatile boolean keep = true;
    volatile long receivedCount;

    HostPeer(HcaProvider fabric, String adapter) throws VerbsException {
        hca = fabric.open(adapter);
        for (int i = 0; i < batch.length; i++) {
            batch[i] = new WorkCompletion();
        }
        CompletionQueue scq = hca.createCompletionQueue(4096);
        CompletionQueue rcq = hca.createCompletionQueue(4096);
        qp = hca.createQueuePair(new QpInitAttributes(org.vnicteam.api.verbs.QpType.RC, 1, scq, rcq, 4096, RECEIVES,
                QpInitAttributes.DEFAULT_PKEY, 0));
        for (int i = 0; i < RECEIVES; i++) {
            qp.postReceive(i, ring, i * SLOT, SLOT);
        }
        scq.setListener(cq -> {
            WorkCompletion[] w = new WorkCompletion[] { new WorkCompletion() };
            while (cq.poll(w) > 0) {
                // unsignaled sends complete only on error: nothing to keep
            }
        });
        rcq.setListener(cq -> {
            int n;
            while ((n = cq.poll(batch)) > 0) {
                for (int i = 0; i < n; i++) {
                    WorkCompletion wc = batch[i];
                    if (!wc.ok()) {
                        continue;
                    }
                    int base = (int) wc.wrId * SLOT;
                    if (keep) {
                        byte[] m = new byte[wc.byteLength];
                        ring.get(base, m);
                        received.add(m);
                    }
                    receivedCount++;
                    try {
                        qp.postReceive(wc.wrId, ring, base, SLOT);
                    } catch (VerbsException e) {
                        // QP gone with the test
                    }
                }
            }
        });
    }

    int lid() {
        return hca.queryPort(1).lid();
    }

    DataChannel.Peer peer(int session, int maxFrame) {
        return new DataChannel.Peer(session, lid(), qp.number(), START_PSN, maxFrame);
    }

    /** Opens a data channel on {@code bridge} for {@code session} and connects this end to it. */
    DataChannel openSession(Bridge bridge, int session, int maxFrame) throws VerbsException {
        DataChannel channel = bridge.openDataChannel(peer(session, maxFrame));
        connectTo(bridge.hca().queryPort(1).lid(), channel);
        return channel;
    }

    void connectTo(int bridgeLid, DataChannel channel) throws VerbsException {
        qp.connect(RcConnection.to(bridgeLid, channel.queuePairNumber(), START_PSN, channel.startPsn()));
    }

    void send(byte[] message) throws VerbsException {
        qp.postSend(0, ByteBuffer.wrap(message), 0, message.length, false);
    }

    byte[] take(long millis) throws InterruptedException {
        return received.poll(millis, TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        hca.close();
    }
}
