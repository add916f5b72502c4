package org.vnicteam.fabric.sim.internal;

import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

import org.vnicteam.api.ib.Opcode;
import org.vnicteam.api.verbs.AsyncEvent;
import org.vnicteam.api.verbs.PathRecord;
import org.vnicteam.api.verbs.QpCounters;
import org.vnicteam.api.verbs.QpInitAttributes;
import org.vnicteam.api.verbs.QpState;
import org.vnicteam.api.verbs.QpType;
import org.vnicteam.api.verbs.QueuePair;
import org.vnicteam.api.verbs.RcConnection;
import org.vnicteam.api.verbs.VerbsException;
import org.vnicteam.api.verbs.WcOpcode;
import org.vnicteam.api.verbs.WcStatus;

/**
 * A queue pair with the IBA transport: for RC a requester (PSNs, segmentation by path MTU,
 * go-back-N retransmission on timeout or sequence NAK, RNR back-off, retry count then error)
 * and a responder (expected PSN, in-order reassembly, duplicates re-acknowledged, coalesced
 * ACKs); for UD one packet per message with the Q_Key checked.
 *
 * <p>Posting threads only fill ring slots and publish an index; everything else runs on the
 * engine thread.
 */
final class SimQp implements QueuePair {

    /** Packets in flight before the requester waits for ACKs. */
    static final int WINDOW = 256;
    /** The responder is asked for an ACK at least this often inside a long message. */
    static final int ACK_REQUEST_EVERY = 64;

    final SimHca hca;
    final Engine engine;
    final int number;
    final QpType type;
    final Port port;
    final int pkey;
    final int qkey;
    private final SimCq sendCq;
    private final SimCq receiveCq;

    final AtomicBoolean scheduled = new AtomicBoolean();
    long timerDeadline = Long.MAX_VALUE;
    boolean timerListed;
    boolean ackListed;

    private volatile QpState state = QpState.INIT;
    /** Engine thread: the error flush has run (state may say ERROR a moment before it does). */
    private boolean errorEntered;

    // ---- send queue: slots [sqHead, sqTail) belong to the HCA -------------------------------
    private final SendWqe[] sq;
    private volatile long sqTail; // written by posters under sqLock
    private volatile long sqHead; // written by the engine when a request completes
    private final Object sqLock = new Object();
    private long cursor; // next request to (re)transmit
    private int cursorSeg; // next packet of that request
    private long assignedEnd; // requests before this have PSNs assigned

    // ---- receive queue: slots [rqHead, rqTail) are posted buffers ---------------------------
    private final RecvWqe[] rq;
    private volatile long rqTail;
    private volatile long rqHead;
    private final Object rqLock = new Object();

    // ---- RC connection ------------------------------------------------------------------------
    private RcConnection conn;
    private int remoteLid;
    private int remoteQpn;
    private int pmtu;
    // requester
    private int nextNewPsn;
    private int unackedPsn; // oldest PSN not yet acknowledged
    private int highestSentPsn; // to tell retransmissions from new packets
    private int retries;
    private int rnrRetries;
    private boolean rnrWaiting;
    // responder
    private int expectedPsn;
    private int msn;
    private boolean sequenceNakSent;
    private RecvWqe inProgress;
    private int inProgressOffset;
    private int udPsn;

    // ---- counters (engine thread writes, readers take a snapshot) ---------------------------
    private long packetsSent;
    private long packetsReceived;
    private long retransmitted;
    private long timeouts;
    private long duplicates;
    private long outOfSequence;
    private long rnrNaksSent;
    private long qkeyViolations;
    private long receiveQueueEmpty;

    SimQp(SimHca hca, int number, QpInitAttributes a, Port port, SimCq sendCq, SimCq receiveCq) {
        this.hca = hca;
        this.engine = hca.engine;
        this.number = number;
        this.type = a.type();
        this.port = port;
        this.pkey = a.pkey();
        this.qkey = a.qkey();
        this.sendCq = sendCq;
        this.receiveCq = receiveCq;
        sq = new SendWqe[a.maxSendRequests()];
        for (int i = 0; i < sq.length; i++) {
            sq[i] = new SendWqe();
        }
        rq = new RecvWqe[a.maxReceiveRequests()];
        for (int i = 0; i < rq.length; i++) {
            rq[i] = new RecvWqe();
        }
    }

    @Override
    public int number() {
        return number;
    }

    @Override
    public QpType type() {
        return type;
    }

    @Override
    public QpState state() {
        return state;
    }

    // ---- control path ------------------------------------------------------------------------

    @Override
    public void connect(RcConnection c) throws VerbsException {
        if (type != QpType.RC) {
            throw new VerbsException("connect is for RC queue pairs; use ready() for UD");
        }
        engine.call(() -> {
            if (state != QpState.INIT && state != QpState.RESET) {
                throw new VerbsException("QP " + number + " is " + state + ", connect needs INIT");
            }
            Optional<PathRecord> path = hca.fabric.sm.path(port, c.remoteLid());
            if (path.isEmpty()) {
                throw new VerbsException("no path from " + port + " to LID " + c.remoteLid());
            }
            int mtu = path.get().mtu();
            if (c.pathMtu() != 0) {
                if (c.pathMtu() > mtu) {
                    throw new VerbsException("requested MTU " + c.pathMtu() + " exceeds the path MTU " + mtu);
                }
                mtu = c.pathMtu();
            }
            conn = c;
            remoteLid = c.remoteLid();
            remoteQpn = c.remoteQpn();
            pmtu = mtu;
            nextNewPsn = c.sendPsn();
            unackedPsn = c.sendPsn();
            highestSentPsn = Wire.psnAdd(c.sendPsn(), -1);
            expectedPsn = c.receivePsn();
            state = QpState.READY_TO_SEND;
            return null;
        });
    }

    @Override
    public void ready() throws VerbsException {
        if (type != QpType.UD) {
            throw new VerbsException("ready() is for UD queue pairs; use connect() for RC");
        }
        engine.call(() -> {
            if (state != QpState.INIT && state != QpState.RESET) {
                throw new VerbsException("QP " + number + " is " + state);
            }
            state = QpState.READY_TO_SEND;
            return null;
        });
    }

    /** The path MTU an RC QP segments by (0 before connect). */
    int pathMtu() {
        return pmtu;
    }

    @Override
    public void moveToError() {
        if (engine.onEngineThread()) {
            if (!errorEntered) {
                enterError(null, WcStatus.WORK_REQUEST_FLUSHED, "moved to error by its consumer");
            }
            return;
        }
        // Takes effect at once without waiting for the engine (a caller may hold locks the
        // engine's callbacks need): the engine reads the state before every packet it sends or
        // accepts, and the flush with its completions follows on the engine thread.
        if (state != QpState.RESET) {
            state = QpState.ERROR;
            engine.execute(() -> {
                if (!errorEntered && state == QpState.ERROR) {
                    enterError(null, WcStatus.WORK_REQUEST_FLUSHED, "moved to error by its consumer");
                }
            });
        }
    }

    @Override
    public void close() {
        engine.run(this::destroy);
    }

    /** Engine thread. */
    void destroy() {
        state = QpState.RESET;
        timerDeadline = Long.MAX_VALUE;
        hca.removeQp(this);
        sqHead = sqTail;
        rqHead = rqTail;
        inProgress = null;
    }

    @Override
    public QpCounters counters() {
        return new QpCounters(packetsSent, packetsReceived, retransmitted, timeouts, duplicates, outOfSequence,
                rnrNaksSent, qkeyViolations, receiveQueueEmpty);
    }

    // ---- posting (any thread) ------------------------------------------------------------

    @Override
    public void postSend(long wrId, ByteBuffer data, int offset, int length, boolean signaled) throws VerbsException {
        post(wrId, data, offset, length, signaled, false, 0, 0, 0, 0);
    }

    @Override
    public void postSend(long wrId, ByteBuffer data, int offset, int length, boolean signaled, int immediate)
            throws VerbsException {
        post(wrId, data, offset, length, signaled, true, immediate, 0, 0, 0);
    }

    @Override
    public void postSend(long wrId, ByteBuffer data, int offset, int length, int lid, int qpn, int remoteQkey)
            throws VerbsException {
        if (type != QpType.UD) {
            throw new VerbsException("an addressed send is for UD queue pairs");
        }
        if (qpn < 1 || qpn > 0xFFFFFF || lid < 1 || lid > 0xBFFF) {
            throw new VerbsException("bad UD address LID " + lid + " QPN " + qpn);
        }
        post(wrId, data, offset, length, true, false, 0, lid, qpn, remoteQkey);
    }

    private void post(long wrId, ByteBuffer data, int offset, int length, boolean signaled, boolean hasImm, int imm,
            int lid, int qpn, int remoteQkey) throws VerbsException {
        if (offset < 0 || length < 0 || offset > data.capacity() - length) {
            throw new VerbsException("buffer range " + offset + "+" + length + " outside capacity " + data.capacity());
        }
        QpState s = state;
        if (s == QpState.RESET || s == QpState.INIT || s == QpState.READY_TO_RECEIVE) {
            throw new VerbsException("QP " + number + " is " + s + "; send needs READY_TO_SEND");
        }
        if (type == QpType.RC && lid != 0) {
            throw new VerbsException("RC queue pairs send to their connected peer");
        }
        synchronized (sqLock) {
            long t = sqTail;
            if (t - sqHead >= sq.length) {
                throw new VerbsException("send queue full (" + sq.length + " outstanding)");
            }
            SendWqe w = sq[(int) (t % sq.length)];
            w.wrId = wrId;
            w.buf = data;
            w.offset = offset;
            w.length = length;
            w.signaled = signaled;
            w.hasImm = hasImm;
            w.imm = imm;
            w.lid = lid;
            w.qpn = qpn;
            w.qkey = remoteQkey;
            sqTail = t + 1;
        }
        engine.schedule(this);
    }

    @Override
    public void postReceive(long wrId, ByteBuffer buffer, int offset, int length) throws VerbsException {
        if (offset < 0 || length < 0 || offset > buffer.capacity() - length) {
            throw new VerbsException(
                    "buffer range " + offset + "+" + length + " outside capacity " + buffer.capacity());
        }
        if (state == QpState.RESET) {
            throw new VerbsException("QP " + number + " is RESET");
        }
        boolean flush;
        synchronized (rqLock) {
            long t = rqTail;
            if (t - rqHead >= rq.length) {
                throw new VerbsException("receive queue full (" + rq.length + " posted)");
            }
            RecvWqe w = rq[(int) (t % rq.length)];
            w.wrId = wrId;
            w.buf = buffer;
            w.offset = offset;
            w.length = length;
            rqTail = t + 1;
            flush = state == QpState.ERROR;
        }
        if (flush) {
            engine.schedule(this); // a receive posted to a QP in error completes flushed
        }
    }

    // ---- requester (engine thread) --------------------------------------------------------

    void transmit() {
        QpState s = state;
        if (s == QpState.ERROR) {
            flushAll();
            return;
        }
        if (s != QpState.READY_TO_SEND) {
            return;
        }
        if (type == QpType.UD) {
            transmitUd();
        } else if (!rnrWaiting) {
            transmitRc();
        }
    }

    private void transmitRc() {
        long tail = sqTail;
        // State is re-read on every packet: sending one can synchronously bring back a NAK or
        // an ACK (zero-latency links) that moves the cursor or completes requests.
        while (cursor < tail && state == QpState.READY_TO_SEND && !rnrWaiting) {
            SendWqe w = sq[(int) (cursor % sq.length)];
            if (cursor == assignedEnd) {
                w.firstPsn = nextNewPsn;
                w.packets = Math.max(1, (w.length + pmtu - 1) / pmtu);
                nextNewPsn = Wire.psnAdd(nextNewPsn, w.packets);
                assignedEnd++;
            }
            if (cursorSeg >= w.packets) {
                cursor++;
                cursorSeg = 0;
                continue;
            }
            int psn = Wire.psnAdd(w.firstPsn, cursorSeg);
            if (Wire.psnDiff(psn, unackedPsn) >= WINDOW) {
                return; // the window is full; an ACK will schedule us again
            }
            sendSegment(w, cursorSeg++, psn);
        }
    }

    private void sendSegment(SendWqe w, int seg, int psn) {
        boolean only = w.packets == 1;
        boolean last = seg == w.packets - 1;
        Opcode op;
        if (only) {
            op = w.hasImm ? Opcode.RC_SEND_ONLY_IMM : Opcode.RC_SEND_ONLY;
        } else if (seg == 0) {
            op = Opcode.RC_SEND_FIRST;
        } else if (last) {
            op = w.hasImm ? Opcode.RC_SEND_LAST_IMM : Opcode.RC_SEND_LAST;
        } else {
            op = Opcode.RC_SEND_MIDDLE;
        }
        int off = seg * pmtu;
        int len = Math.min(pmtu, w.length - off);
        boolean ackReq = last || (psn % ACK_REQUEST_EVERY) == ACK_REQUEST_EVERY - 1;
        PacketBuffer p = engine.pool.acquire();
        Wire.writeSend(p, op, remoteLid, port.lid, pkey, remoteQpn, ackReq, psn, 0, 0, w.hasImm && (only || last),
                w.imm, w.buf, w.offset + off, len, engine.crc);
        if (Wire.psnDiff(psn, highestSentPsn) <= 0) {
            retransmitted++;
        } else {
            highestSentPsn = psn;
        }
        packetsSent++;
        if (timerDeadline == Long.MAX_VALUE) {
            engine.armTimer(this, engine.now + conn.ackTimeoutNanos());
        }
        port.send(p, engine);
    }

    /** An ACK or NAK from the responder. */
    private void onAcknowledge(PacketBuffer p) {
        int psn = Wire.psn(p);
        int syndrome = Wire.aethSyndrome(p);
        engine.pool.release(p);
        if (state != QpState.READY_TO_SEND) {
            return;
        }
        int kind = syndrome >>> 5;
        if (kind == 0) { // ACK: everything up to psn arrived
            if (Wire.psnDiff(psn, unackedPsn) < 0 || Wire.psnDiff(psn, highestSentPsn) > 0) {
                return; // stale, or for something we never sent
            }
            acknowledgeUpTo(psn);
        } else if (kind == 1) { // RNR NAK: the responder had no receive posted for psn
            acknowledgeUpTo(Wire.psnAdd(psn, -1));
            if (conn.rnrRetryCount() != 7 && ++rnrRetries > conn.rnrRetryCount()) {
                enterError(headWqe(), WcStatus.RNR_RETRY_EXCEEDED, "RNR retries exhausted");
                return;
            }
            rnrWaiting = true;
            goBackTo(psn);
            engine.armTimer(this, engine.now + Wire.rnrTimerNanos(syndrome & 0x1F));
        } else if (kind == 3) {
            int code = syndrome & 0x1F;
            if (code == 0) { // PSN sequence error: resend from psn
                acknowledgeUpTo(Wire.psnAdd(psn, -1));
                if (++retries > conn.retryCount()) {
                    enterError(headWqe(), WcStatus.RETRY_EXCEEDED, "sequence NAK retries exhausted");
                    return;
                }
                goBackTo(psn);
                engine.schedule(this);
            } else {
                acknowledgeUpTo(Wire.psnAdd(psn, -1));
                enterError(headWqe(), code == 1 ? WcStatus.REMOTE_INVALID_REQUEST : WcStatus.REMOTE_OPERATION_ERROR,
                        "NAK code " + code + " from the responder");
            }
        }
    }

    private void acknowledgeUpTo(int psn) {
        boolean progress = false;
        while (sqHead < assignedEnd) {
            SendWqe w = sq[(int) (sqHead % sq.length)];
            int lastPsn = Wire.psnAdd(w.firstPsn, w.packets - 1);
            if (Wire.psnDiff(lastPsn, psn) > 0) {
                break;
            }
            retireSend(w, WcStatus.SUCCESS);
            progress = true;
        }
        if (Wire.psnDiff(Wire.psnAdd(psn, 1), unackedPsn) > 0) {
            unackedPsn = Wire.psnAdd(psn, 1);
            progress = true;
        }
        if (cursor < sqHead) { // acknowledged beyond where a go-back had put us
            cursor = sqHead;
            cursorSeg = 0;
        }
        if (progress) {
            retries = 0;
            rnrRetries = rnrWaiting ? rnrRetries : 0;
            if (Wire.psnDiff(highestSentPsn, unackedPsn) >= 0) {
                engine.armTimer(this, engine.now + conn.ackTimeoutNanos());
            } else {
                timerDeadline = Long.MAX_VALUE;
            }
            if (cursor < sqTail) {
                engine.schedule(this);
            }
        }
    }

    private void goBackTo(int psn) {
        for (long i = sqHead; i < assignedEnd; i++) {
            SendWqe w = sq[(int) (i % sq.length)];
            int d = Wire.psnDiff(psn, w.firstPsn);
            if (d >= 0 && d < w.packets) {
                cursor = i;
                cursorSeg = d;
                return;
            }
        }
        cursor = assignedEnd;
        cursorSeg = 0;
    }

    void onTimer() {
        if (state != QpState.READY_TO_SEND || type != QpType.RC) {
            return;
        }
        if (rnrWaiting) {
            rnrWaiting = false;
            engine.schedule(this);
            return;
        }
        if (Wire.psnDiff(highestSentPsn, unackedPsn) < 0) {
            return; // nothing outstanding
        }
        timeouts++;
        if (++retries > conn.retryCount()) {
            enterError(headWqe(), WcStatus.RETRY_EXCEEDED,
                    "no ACK from LID " + remoteLid + " QP " + remoteQpn + " after " + conn.retryCount() + " retries");
            return;
        }
        goBackTo(unackedPsn);
        engine.schedule(this);
    }

    private SendWqe headWqe() {
        return sqHead < sqTail ? sq[(int) (sqHead % sq.length)] : null;
    }

    // ---- responder (engine thread) ---------------------------------------------------------

    /** A packet for this QP that passed the HCA's checks; consumes it. */
    void receive(PacketBuffer p) {
        packetsReceived++;
        if (state == QpState.ERROR || state == QpState.RESET || state == QpState.INIT) {
            engine.pool.release(p);
            return;
        }
        Opcode op = Wire.opcode(p);
        if (type == QpType.UD) {
            if (!op.isUd()) {
                engine.pool.release(p);
                return;
            }
            receiveUd(p);
        } else if (!op.isRc() || Wire.slid(p) != remoteLid || Wire.destQp(p) != number) {
            engine.pool.release(p); // not from our connected peer
        } else if (op.isAck()) {
            onAcknowledge(p);
        } else {
            receiveRcSend(p, op);
        }
    }

    private void receiveRcSend(PacketBuffer p, Opcode op) {
        int psn = Wire.psn(p);
        int d = Wire.psnDiff(psn, expectedPsn);
        if (d < 0) { // a duplicate: our ACK was lost; say again what we have
            duplicates++;
            engine.pool.release(p);
            engine.ackPending(this);
            return;
        }
        if (d > 0) { // a gap: ask once for a resend from the expected PSN
            outOfSequence++;
            engine.pool.release(p);
            if (!sequenceNakSent) {
                sequenceNakSent = true;
                sendAck(0x60 | 0, expectedPsn);
            }
            return;
        }
        sequenceNakSent = false;
        boolean starts = op.isFirst() || op.isOnly();
        if (starts != (inProgress == null)) { // FIRST inside a message, or MIDDLE/LAST outside one
            engine.pool.release(p);
            sendAck(0x60 | 1, expectedPsn);
            enterError(null, WcStatus.REMOTE_INVALID_REQUEST, "opcode " + op + " out of order");
            return;
        }
        if (starts) {
            if (rqHead == rqTail) { // receiver not ready
                rnrNaksSent++;
                engine.pool.release(p);
                sendAck(0x20 | Wire.rnrTimerCode(conn.rnrDelayNanos()), expectedPsn);
                return;
            }
            inProgress = rq[(int) (rqHead % rq.length)];
            inProgressOffset = 0;
        }
        RecvWqe r = inProgress;
        int len = Wire.payloadLength(p);
        if (inProgressOffset + len > r.length) {
            engine.pool.release(p);
            inProgress = null;
            rqHead = rqHead + 1; // freed before reporting, like send slots
            receiveCq.complete(r.wrId, WcStatus.LOCAL_LENGTH_ERROR, WcOpcode.RECV, number, 0, remoteLid, remoteQpn,
                    false, 0);
            sendAck(0x60 | 1, expectedPsn);
            enterError(null, WcStatus.WORK_REQUEST_FLUSHED, "message longer than the posted receive buffer");
            return;
        }
        Wire.copyPayload(p, r.buf, r.offset + inProgressOffset);
        inProgressOffset += len;
        expectedPsn = Wire.psnAdd(expectedPsn, 1);
        if (op.isLast() || op.isOnly()) {
            boolean imm = op.hasImmediate();
            int immValue = imm ? Wire.immediate(p) : 0;
            inProgress = null;
            rqHead = rqHead + 1;
            msn = (msn + 1) & 0xFFFFFF;
            receiveCq.complete(r.wrId, WcStatus.SUCCESS, WcOpcode.RECV, number, inProgressOffset, remoteLid,
                    remoteQpn, imm, immValue);
        }
        if (Wire.ackReq(p)) {
            engine.ackPending(this);
        }
        engine.pool.release(p);
    }

    /** Engine, once per loop: one ACK covers every packet accepted since the last one. */
    void sendCoalescedAck() {
        if (state == QpState.READY_TO_SEND && type == QpType.RC) {
            sendAck(0x1F, Wire.psnAdd(expectedPsn, -1));
        }
    }

    private void sendAck(int syndrome, int psn) {
        PacketBuffer p = engine.pool.acquire();
        Wire.writeAck(p, remoteLid, port.lid, pkey, remoteQpn, psn, syndrome, msn, engine.crc);
        packetsSent++;
        port.send(p, engine);
    }

    // ---- UD (engine thread) ----------------------------------------------------------------

    private void transmitUd() {
        long tail = sqTail;
        while (sqHead < tail) {
            SendWqe w = sq[(int) (sqHead % sq.length)];
            Optional<PathRecord> path = hca.fabric.sm.path(port, w.lid);
            WcStatus status = WcStatus.SUCCESS;
            if (path.isPresent() && w.length > path.get().mtu()) {
                status = WcStatus.LOCAL_LENGTH_ERROR;
            } else {
                // No path: the datagram leaves anyway and the switch drops it, as on a real fabric.
                PacketBuffer p = engine.pool.acquire();
                Wire.writeSend(p, Opcode.UD_SEND_ONLY, w.lid, port.lid, pkey, w.qpn, false, udPsn, w.qkey, number,
                        false, 0, w.buf, w.offset, w.length, engine.crc);
                udPsn = Wire.psnAdd(udPsn, 1);
                packetsSent++;
                port.send(p, engine);
            }
            retireSend(w, status);
        }
    }

    private void receiveUd(PacketBuffer p) {
        if (Wire.qkey(p) != qkey) {
            qkeyViolations++;
            engine.pool.release(p);
            return;
        }
        if (rqHead == rqTail) {
            receiveQueueEmpty++;
            engine.pool.release(p);
            return;
        }
        RecvWqe r = rq[(int) (rqHead % rq.length)];
        rqHead = rqHead + 1;
        int len = Wire.payloadLength(p);
        if (len > r.length) {
            receiveCq.complete(r.wrId, WcStatus.LOCAL_LENGTH_ERROR, WcOpcode.RECV, number, 0, Wire.slid(p),
                    Wire.srcQp(p), false, 0);
        } else {
            Wire.copyPayload(p, r.buf, r.offset);
            boolean imm = Wire.opcode(p).hasImmediate();
            receiveCq.complete(r.wrId, WcStatus.SUCCESS, WcOpcode.RECV, number, len, Wire.slid(p), Wire.srcQp(p),
                    imm, imm ? Wire.immediate(p) : 0);
        }
        engine.pool.release(p);
    }

    // ---- errors --------------------------------------------------------------------------

    /**
     * Moves to ERROR: the failed request (if any) completes with {@code status}, every other
     * outstanding request with WORK_REQUEST_FLUSHED, and consumers get a QP_ERROR event.
     */
    private void enterError(SendWqe failed, WcStatus status, String cause) {
        errorEntered = true;
        state = QpState.ERROR;
        timerDeadline = Long.MAX_VALUE;
        rnrWaiting = false;
        if (failed != null && sqHead < sqTail) {
            retireSend(failed, status);
        }
        flushAll();
        hca.fireAsync(new AsyncEvent(AsyncEvent.Type.QP_ERROR, port.number, number, cause));
    }

    /**
     * Frees the oldest send slot and reports it. The slot is freed first: a consumer that has
     * polled the completion may post into it at once. Errors are reported even if unsignaled.
     */
    private void retireSend(SendWqe w, WcStatus status) {
        long wrId = w.wrId;
        int length = w.length;
        boolean report = w.signaled || status != WcStatus.SUCCESS;
        w.buf = null;
        sqHead = sqHead + 1;
        if (report) {
            sendCq.complete(wrId, status, WcOpcode.SEND, number, status == WcStatus.SUCCESS ? length : 0, 0, 0, false,
                    0);
        }
    }

    private void flushAll() {
        long tail = sqTail;
        while (sqHead < tail) {
            retireSend(sq[(int) (sqHead % sq.length)], WcStatus.WORK_REQUEST_FLUSHED);
        }
        cursor = assignedEnd = sqHead;
        cursorSeg = 0;
        inProgress = null;
        long rtail = rqTail;
        while (rqHead < rtail) {
            RecvWqe r = rq[(int) (rqHead % rq.length)];
            long wrId = r.wrId;
            r.buf = null;
            rqHead = rqHead + 1;
            receiveCq.complete(wrId, WcStatus.WORK_REQUEST_FLUSHED, WcOpcode.RECV, number, 0, 0, 0, false, 0);
        }
    }

    @Override
    public String toString() {
        return "QP " + hca.node.name + "/" + number + " " + type + " " + state;
    }

    private static final class SendWqe {
        long wrId;
        ByteBuffer buf;
        int offset;
        int length;
        boolean signaled;
        boolean hasImm;
        int imm;
        int lid;
        int qpn;
        int qkey;
        int firstPsn;
        int packets;
    }

    private static final class RecvWqe {
        long wrId;
        ByteBuffer buf;
        int offset;
        int length;
    }
}
