package org.vnicteam.host.vnic.internal;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;

import org.vnicteam.api.eoib.ControlMessage;
import org.vnicteam.api.eoib.DataMessage;
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
 * A test double of a bridge, speaking the bridge side of docs/protocol.md on the simulated fabric
 * through verbs, as the real bridge.hostcmd does: login service, sessions, keep-alive answers,
 * CONFIG_ACK, LINK_STATUS on demand, DATA both ways. Its "Ethernet wire" is a list of frames
 * (kept only while its link is up, each with the DATA sequence number it came with). Everything
 * runs on the fabric's event thread, inline in the completion listeners.
 */
public final class BridgeDouble implements AutoCloseable {

    /** A frame the double put on its "wire". */
    public record WireFrame(int sequence, byte[] frame) {
    }

    private static final int BUF = 10_240;
    private final Hca hca;
    private final CompletionQueue sendCq;
    private final CompletionQueue recvCq;
    /** DATA receives only: {@link #setLink} drains it without touching the control path. */
    private final CompletionQueue dataCq;
    private final QueuePair login;
    private final ByteBuffer loginRx = ByteBuffer.allocate(4096 * 16);
    private final ByteBuffer tx = ByteBuffer.allocate(BUF * 256);
    private int txSlot;
    private QueuePair ctrl;
    private QueuePair data;
    private final ByteBuffer ctrlRx = ByteBuffer.allocate(BUF * 64);
    private final ByteBuffer dataRx = ByteBuffer.allocate(BUF * 512);
    private final WorkCompletion[] wcs = new WorkCompletion[64];
    private final WorkCompletion[] dataWcs = new WorkCompletion[64];
    private int session;
    private int nextSession = 0x1000;
    private int ctrlSeq;
    private int dataSeq;
    private volatile boolean linkUp = true;
    private volatile boolean silent;
    private volatile int lastOnWire;
    private int carrierChanges;

    public final List<WireFrame> wire = new CopyOnWriteArrayList<>();
    public final List<ControlMessage> control = new CopyOnWriteArrayList<>();
    public final LinkedBlockingQueue<String> log = new LinkedBlockingQueue<>();
    public volatile int logins;
    public volatile int droppedNoCarrier;
    public volatile byte[] teamMac;
    public volatile List<Integer> vlans = List.of();
    public volatile Consumer<byte[]> onWire = f -> {
    };

    public BridgeDouble(HcaProvider fabric, String adapter) throws VerbsException {
        for (int i = 0; i < wcs.length; i++) {
            wcs[i] = new WorkCompletion();
            dataWcs[i] = new WorkCompletion();
        }
        hca = fabric.open(adapter);
        sendCq = hca.createCompletionQueue(8192);
        recvCq = hca.createCompletionQueue(8192);
        dataCq = hca.createCompletionQueue(8192);
        login = hca.createQueuePair(QpInitAttributes.ud(1, sendCq, recvCq, 16, Protocol.LOGIN_QKEY));
        login.ready();
        for (int i = 0; i < 16; i++) {
            login.postReceive(i, loginRx, i * 4096, 4096);
        }
        recvCq.setListener(this::onReceive);
        dataCq.setListener(this::onDataReceive);
        sendCq.setListener(cq -> {
            while (cq.poll(wcs) > 0) {
                // sends are fire and forget
            }
        });
        hca.subnet(1).registerService(Protocol.SERVICE_NAME, login.number(), Protocol.LOGIN_QKEY);
    }

    public Hca hca() {
        return hca;
    }

    /**
     * Carrier change: sends LINK_STATUS at once, as bridge.hostcmd does. DATA the HCA received
     * before the change meets the port in the state it had then: the double handles completions
     * lazily (after the fabric's loop delivered a batch of packets), so without this a frame that
     * arrived while the carrier was down could reach the wire because the test raised the carrier
     * before the double got round to it — a frame the host has meanwhile replayed elsewhere.
     */
    public void setLink(boolean up) {
        hcaRun(() -> changeLink(up));
    }

    /**
     * A frame from the Ethernet side to the VNIC, and right behind it a carrier change: the VNIC
     * handles the LINK_STATUS just after passing the frame up, so a test can time what it does.
     */
    public void receiveThenSetLink(byte[] frame, boolean up) {
        hcaRun(() -> {
            onDataReceive(dataCq); // first: the frame and the LINK_STATUS then leave back to back
            toHost(frame);
            changeLink(up);
        });
    }

    private void changeLink(boolean up) {
        onDataReceive(dataCq);
        linkUp = up;
        carrierChanges++;
        sendControl(new ControlMessage.LinkStatus(up, ControlMessage.LinkStatus.CAUSE_CARRIER, lastOnWire,
                carrierChanges, System.nanoTime()));
    }

    /** Path change found by probes, carrier up: LINK_STATUS with cause "probes lost", as bridge.hostcmd sends it. */
    public void setPath(boolean up) {
        hcaRun(() -> sendControl(new ControlMessage.LinkStatus(up, ControlMessage.LinkStatus.CAUSE_PROBES_LOST,
                lastOnWire, carrierChanges, System.nanoTime())));
    }

    /** Stops answering anything (a hung bridge whose HCA stays up). */
    public void setSilent(boolean s) {
        silent = s;
    }

    public int lastOnWire() {
        return lastOnWire;
    }

    /** A frame from the Ethernet side, to the VNIC. */
    public void receiveFromEthernet(byte[] frame) {
        hcaRun(() -> toHost(frame));
    }

    private void toHost(byte[] frame) {
        if (data == null) {
            return;
        }
        int slot = nextSlot();
        tx.put(slot + 16, frame);
        int len = DataMessage.writeHeader(tx, slot, session, ++dataSeq, frame.length);
        post(data, slot, len);
    }

    public void sendReset() {
        hcaRun(() -> sendControl(new ControlMessage.Reset(ControlMessage.Reset.SHUTDOWN)));
    }

    private void hcaRun(Runnable r) {
        // The fabric runs every consumer callback on its single thread; doing the same from a test
        // thread keeps this double lock-free. A zero-length completion-queue hop would need an API,
        // so synchronize instead.
        synchronized (this) {
            r.run();
        }
    }

    private synchronized void onDataReceive(CompletionQueue cq) {
        int n;
        while ((n = cq.poll(dataWcs)) > 0) {
            for (int i = 0; i < n; i++) {
                WorkCompletion wc = dataWcs[i];
                if (!wc.ok() || data == null || wc.qpNumber != data.number()) {
                    continue;
                }
                int off = (int) wc.wrId * BUF;
                onData(off, wc.byteLength);
                try {
                    data.postReceive(wc.wrId, dataRx, off, BUF);
                } catch (VerbsException e) {
                    log.add("error: " + e.getMessage());
                }
            }
        }
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
                    if (wc.qpNumber == login.number()) {
                        int off = (int) wc.wrId * 4096;
                        onLogin(off, wc.byteLength, wc.sourceLid, wc.sourceQp);
                        login.postReceive(wc.wrId, loginRx, off, 4096);
                    } else if (ctrl != null && wc.qpNumber == ctrl.number()) {
                        int off = (int) wc.wrId * BUF;
                        QueuePair q = ctrl;
                        onControl(off, wc.byteLength);
                        if (q == ctrl) {
                            q.postReceive(wc.wrId, ctrlRx, off, BUF);
                        }
                    }
                } catch (VerbsException | ProtocolException e) {
                    log.add("error: " + e.getMessage());
                }
            }
        }
    }

    private void onLogin(int off, int len, int lid, int qpn) throws VerbsException, ProtocolException {
        if (silent) {
            return;
        }
        ControlMessage.Decoded d = ControlMessage.decode(loginRx, off, len);
        if (!(d.message() instanceof ControlMessage.Login l)) {
            return;
        }
        endSession();
        ctrl = hca.createQueuePair(QpInitAttributes.rc(1, sendCq, recvCq, 256));
        data = hca.createQueuePair(QpInitAttributes.rc(1, sendCq, dataCq, 512));
        for (int i = 0; i < 64; i++) {
            ctrl.postReceive(i, ctrlRx, i * BUF, BUF);
        }
        for (int i = 0; i < 512; i++) {
            data.postReceive(i, dataRx, i * BUF, BUF);
        }
        int cPsn = 1000;
        int dPsn = 2000;
        ctrl.connect(RcConnection.to(lid, l.controlQpn(), cPsn, l.controlPsn()));
        data.connect(RcConnection.to(lid, l.dataQpn(), dPsn, l.dataPsn()));
        session = nextSession++;
        ctrlSeq = 0;
        dataSeq = 0;
        lastOnWire = 0;
        logins++;
        ControlMessage.LoginAck ack = new ControlMessage.LoginAck(hca.nodeGuid(), ctrl.number(), data.number(), cPsn,
                dPsn, new byte[] { 2, 0, 0, 0, 0, (byte) logins }, 1500, ControlMessage.LoginAck.CAP_VLAN, linkUp,
                hca.name());
        int slot = nextSlot();
        int n = ack.encode(tx, slot, session, d.header().sequence());
        login.postSend(slot, tx, slot, n, lid, qpn, Protocol.LOGIN_QKEY);
        log.add("login " + l.vnicName() + " session " + session);
    }

    private void endSession() {
        if (ctrl != null) {
            ctrl.close();
            data.close();
            ctrl = null;
            data = null;
        }
    }

    private void onControl(int off, int len) throws ProtocolException {
        ControlMessage.Decoded d = ControlMessage.decode(ctrlRx, off, len);
        if (d.header().session() != session) {
            log.add("wrong session " + d.header().session());
            return;
        }
        ControlMessage m = d.message();
        control.add(m);
        if (silent) {
            return;
        }
        if (m instanceof ControlMessage.Keepalive k) {
            sendControl(new ControlMessage.KeepaliveAck(k.senderNanos(), lastOnWire, linkUp));
        } else if (m instanceof ControlMessage.ConfigAddresses c) {
            teamMac = c.teamMac();
            vlans = c.vlans();
            sendControl(new ControlMessage.ConfigAck(ControlMessage.ConfigAck.OK));
        } else if (m instanceof ControlMessage.StatsRequest) {
            sendControl(new ControlMessage.StatsReport(wire.size(), 0, 0, 0, 0, droppedNoCarrier, 0, 0, carrierChanges,
                    lastOnWire));
        } else if (m instanceof ControlMessage.Reset) {
            log.add("reset from VNIC");
            endSession();
        }
    }

    private void onData(int off, int len) {
        if (DataMessage.check(dataRx, off, len, session) != null
                || MessageHeader.type(dataRx, off) != MessageType.DATA) {
            log.add("bad data");
            return;
        }
        if (!linkUp || silent) {
            droppedNoCarrier++;
            return;
        }
        int seq = MessageHeader.sequence(dataRx, off);
        byte[] f = new byte[len - 16];
        dataRx.get(off + 16, f);
        lastOnWire = seq;
        wire.add(new WireFrame(seq, f));
        onWire.accept(f);
    }

    private void sendControl(ControlMessage m) {
        if (ctrl == null) {
            return;
        }
        int slot = nextSlot();
        int n = m.encode(tx, slot, session, ++ctrlSeq);
        post(ctrl, slot, n);
    }

    private void post(QueuePair qp, int slot, int len) {
        try {
            qp.postSend(slot, tx, slot, len, false);
        } catch (VerbsException e) {
            log.add("send failed: " + e.getMessage());
        }
    }

    private int nextSlot() {
        int s = (txSlot++ % 256) * BUF;
        return s;
    }

    /** Frames on the wire so far, as a list of sequence-carrying payload ids (test helper). */
    public List<byte[]> wireFrames() {
        List<byte[]> out = new ArrayList<>();
        for (WireFrame w : wire) {
            out.add(w.frame());
        }
        return out;
    }

    public synchronized String qpCounters() {
        return "ctrl " + (ctrl == null ? null : ctrl.counters()) + " data " + (data == null ? null : data.counters());
    }

    /** Unplugs: closes the HCA (its port goes down, the service record disappears). */
    @Override
    public void close() {
        hca.close();
    }
}
