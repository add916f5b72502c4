package org.vnicteam.benchmarks;

import java.nio.ByteBuffer;

import org.vnicteam.api.eoib.ControlMessage;
import org.vnicteam.api.eoib.MessageHeader;
import org.vnicteam.api.eoib.MessageType;
import org.vnicteam.api.eoib.Protocol;
import org.vnicteam.api.eoib.ProtocolException;
import org.vnicteam.api.verbs.CompletionQueue;
import org.vnicteam.api.verbs.Hca;
import org.vnicteam.api.verbs.HcaProvider;
import org.vnicteam.api.verbs.QpInitAttributes;
import org.vnicteam.api.verbs.QueuePair;
import org.vnicteam.api.verbs.RcConnection;
import org.vnicteam.api.verbs.VerbsException;
import org.vnicteam.api.verbs.WorkCompletion;

/**
 * The IB side of a bridge, lean, for the host benchmarks: it speaks the bridge side of
 * docs/protocol.md on the simulated fabric (login service, one session, keep-alive answers,
 * CONFIG_ACK, LINK_STATUS on {@link #setLink}) and counts the DATA frames it would put on its
 * Ethernet wire, without copying them. Its Ethernet side is that counter: the benchmarks measure
 * the host path and the fabric, not a bridge's Ethernet port or the switch (bridge.core measures its
 * own data path). Everything runs inline on the fabric's thread, allocation-free per frame.
 */
final class BenchBridge implements AutoCloseable {

    private static final int SLOT = 2048;
    private static final int DATA_RECEIVES = 1024;
    private static final int CTRL_SLOTS = 256;

    private final Hca hca;
    private final CompletionQueue sendCq;
    private final CompletionQueue recvCq;
    private final QueuePair login;
    private final ByteBuffer loginRx = ByteBuffer.allocate(4096 * 16);
    private final ByteBuffer ctrlRx = ByteBuffer.allocate(SLOT * 64);
    private final ByteBuffer dataRx = ByteBuffer.allocate(SLOT * DATA_RECEIVES);
    private final ByteBuffer tx = ByteBuffer.allocate(512 * CTRL_SLOTS);
    private final WorkCompletion[] wcs = new WorkCompletion[256];
    private QueuePair ctrl;
    private QueuePair data;
    private int session;
    private int ctrlSeq;
    private int txSlot;
    private int lastOnWire;
    private boolean linkUp = true;

    /** Frames counted on the "wire" (written by the fabric thread only). */
    volatile long frames;
    /** {@link System#nanoTime()} of the first frame after {@link #arm()}, 0 before. */
    volatile long firstFrameNanos;
    private volatile boolean armed;

    BenchBridge(HcaProvider fabric, String adapter) throws VerbsException {
        for (int i = 0; i < wcs.length; i++) {
            wcs[i] = new WorkCompletion();
        }
        hca = fabric.open(adapter);
        sendCq = hca.createCompletionQueue(8192);
        recvCq = hca.createCompletionQueue(8192);
        login = hca.createQueuePair(QpInitAttributes.ud(1, sendCq, recvCq, 16, Protocol.LOGIN_QKEY));
        login.ready();
        for (int i = 0; i < 16; i++) {
            login.postReceive(i, loginRx, i * 4096, 4096);
        }
        sendCq.setListener(cq -> {
            while (cq.poll(wcs) > 0) {
                // fire and forget
            }
        });
        recvCq.setListener(this::onReceive);
        hca.subnet(1).registerService(Protocol.SERVICE_NAME, login.number(), Protocol.LOGIN_QKEY);
    }

    /** The next DATA frame records its arrival time in {@link #firstFrameNanos}. */
    void arm() {
        firstFrameNanos = 0;
        armed = true;
    }

    /** The Ethernet carrier changes: LINK_STATUS at once, as a bridge's host command handler does. */
    synchronized void setLink(boolean up) {
        linkUp = up;
        sendControl(new ControlMessage.LinkStatus(up, ControlMessage.LinkStatus.CAUSE_CARRIER, lastOnWire, 1,
                System.nanoTime()));
    }

    private synchronized void onReceive(CompletionQueue cq) {
        int n;
        while ((n = cq.poll(wcs)) > 0) {
            for (int i = 0; i < n; i++) {
                WorkCompletion wc = wcs[i];
                if (!wc.ok()) {
                    continue;
                }
                try {
                    if (data != null && wc.qpNumber == data.number()) {
                        int off = (int) wc.wrId * SLOT;
                        onData(off);
                        data.postReceive(wc.wrId, dataRx, off, SLOT);
                    } else if (ctrl != null && wc.qpNumber == ctrl.number()) {
                        QueuePair q = ctrl;
                        int off = (int) wc.wrId * SLOT;
                        onControl(off, wc.byteLength);
                        if (q == ctrl) {
                            q.postReceive(wc.wrId, ctrlRx, off, SLOT);
                        }
                    } else if (wc.qpNumber == login.number()) {
                        int off = (int) wc.wrId * 4096;
                        onLogin(off, wc.byteLength, wc.sourceLid, wc.sourceQp);
                        login.postReceive(wc.wrId, loginRx, off, 4096);
                    }
                } catch (VerbsException | ProtocolException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
    }

    private void onData(int off) {
        if (MessageHeader.type(dataRx, off) != MessageType.DATA || MessageHeader.session(dataRx, off) != session
                || !linkUp) {
            return;
        }
        lastOnWire = MessageHeader.sequence(dataRx, off);
        frames = frames + 1;
        if (armed) {
            armed = false;
            firstFrameNanos = System.nanoTime();
        }
    }

    private void onLogin(int off, int len, int lid, int qpn) throws VerbsException, ProtocolException {
        ControlMessage.Decoded d = ControlMessage.decode(loginRx, off, len);
        if (!(d.message() instanceof ControlMessage.Login l)) {
            return;
        }
        if (ctrl != null) {
            ctrl.close();
            data.close();
        }
        ctrl = hca.createQueuePair(QpInitAttributes.rc(1, sendCq, recvCq, 64));
        data = hca.createQueuePair(new QpInitAttributes(org.vnicteam.api.verbs.QpType.RC, 1, sendCq, recvCq, 16,
                DATA_RECEIVES, QpInitAttributes.DEFAULT_PKEY, 0));
        for (int i = 0; i < 64; i++) {
            ctrl.postReceive(i, ctrlRx, i * SLOT, SLOT);
        }
        for (int i = 0; i < DATA_RECEIVES; i++) {
            data.postReceive(i, dataRx, i * SLOT, SLOT);
        }
        ctrl.connect(RcConnection.to(lid, l.controlQpn(), 100, l.controlPsn()));
        data.connect(RcConnection.to(lid, l.dataQpn(), 200, l.dataPsn()));
        session++;
        ctrlSeq = 0;
        lastOnWire = 0;
        ControlMessage.LoginAck ack = new ControlMessage.LoginAck(hca.nodeGuid(), ctrl.number(), data.number(), 100,
                200, new byte[] { 2, 0, 0, 0, 0x0b, (byte) session }, 1500, ControlMessage.LoginAck.CAP_VLAN, linkUp,
                hca.name());
        int slot = nextSlot();
        int n = ack.encode(tx, slot, session, d.header().sequence());
        login.postSend(slot, tx, slot, n, lid, qpn, Protocol.LOGIN_QKEY);
    }

    private void onControl(int off, int len) throws ProtocolException {
        ControlMessage m = ControlMessage.decode(ctrlRx, off, len).message();
        if (m instanceof ControlMessage.Keepalive k) {
            sendControl(new ControlMessage.KeepaliveAck(k.senderNanos(), lastOnWire, linkUp));
        } else if (m instanceof ControlMessage.ConfigAddresses) {
            sendControl(new ControlMessage.ConfigAck(ControlMessage.ConfigAck.OK));
        } else if (m instanceof ControlMessage.StatsRequest) {
            sendControl(new ControlMessage.StatsReport(frames, 0, 0, 0, 0, 0, 0, 0, 0, lastOnWire));
        } else if (m instanceof ControlMessage.Reset) {
            ctrl.close();
            data.close();
            ctrl = null;
            data = null;
        }
    }

    private void sendControl(ControlMessage m) {
        if (ctrl == null) {
            return;
        }
        int slot = nextSlot();
        int n = m.encode(tx, slot, session, ++ctrlSeq);
        try {
            ctrl.postSend(slot, tx, slot, n, false);
        } catch (VerbsException e) {
            throw new IllegalStateException(e);
        }
    }

    private int nextSlot() {
        return (txSlot++ % CTRL_SLOTS) * 512;
    }

    @Override
    public void close() {
        hca.close();
    }
}
