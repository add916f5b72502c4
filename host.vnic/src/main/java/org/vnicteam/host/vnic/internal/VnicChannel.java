package org.vnicteam.host.vnic.internal;

import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.vnicteam.api.eoib.ControlMessage;
import org.vnicteam.api.eoib.DataMessage;
import org.vnicteam.api.eoib.MessageHeader;
import org.vnicteam.api.eoib.Protocol;
import org.vnicteam.api.eoib.ProtocolException;
import org.vnicteam.api.eoib.RejectCounters;
import org.vnicteam.api.eoib.Session;
import org.vnicteam.api.host.FrameSink;
import org.vnicteam.api.host.Vnic;
import org.vnicteam.api.host.VnicEvent;
import org.vnicteam.api.host.VnicEvent.Cause;
import org.vnicteam.api.host.VnicEvent.Watcher;
import org.vnicteam.api.host.VnicListener;
import org.vnicteam.api.host.VnicStatus;
import org.vnicteam.api.host.VnicStatus.SessionState;
import org.vnicteam.api.verbs.AsyncEvent;
import org.vnicteam.api.verbs.AsyncEventListener;
import org.vnicteam.api.verbs.CompletionQueue;
import org.vnicteam.api.verbs.Hca;
import org.vnicteam.api.verbs.PortStateTrap;
import org.vnicteam.api.verbs.QpInitAttributes;
import org.vnicteam.api.verbs.QpType;
import org.vnicteam.api.verbs.QueuePair;
import org.vnicteam.api.verbs.RcConnection;
import org.vnicteam.api.verbs.ServiceRecord;
import org.vnicteam.api.verbs.SubnetAdministration;
import org.vnicteam.api.verbs.TrapListener;
import org.vnicteam.api.verbs.VerbsException;
import org.vnicteam.api.verbs.WcStatus;
import org.vnicteam.api.verbs.WorkCompletion;

/**
 * One VNIC: the host's end of the protocol of docs/protocol.md with one bridge, through the
 * verbs of a (shared) HCA.
 *
 * <h2>Threads</h2>
 * <ul>
 * <li>The VNIC's own thread runs the session: login and its retries, keep-alives, address
 * programming, reactions to traps and async events, teardown. Only it creates or destroys queue
 * pairs (which waits for the fabric), and it never holds a lock while doing so.</li>
 * <li>The fabric's event thread runs the completion listeners. The hot messages are handled
 * right there, without a thread hop: DATA (indicated up), LINK_STATUS and KEEPALIVE_ACK (they
 * confirm frames and may start a fail-over, whose latency counts). The rest is handed to the
 * VNIC's thread.</li>
 * <li>Any thread may {@link #send}: frames go into the replay ring under {@code txLock} and are
 * posted from there.</li>
 * </ul>
 * Watcher events are delivered under {@code eventLock}, so a listener sees them one at a time and
 * in order. Lock order: eventLock, then (in the listener) the team's locks, then any VNIC's txLock.
 */
public final class VnicChannel implements Vnic {

    private static final System.Logger LOG = System.getLogger(VnicChannel.class.getName());

    static final int HEADER = MessageHeader.SIZE;
    private static final int CONTROL_BUFFER = 512;
    private static final int CONTROL_RECEIVES = 64;
    private static final int CONTROL_SEND_DEPTH = 32;
    private static final int CONTROL_SEND_SLOTS = 2 * CONTROL_SEND_DEPTH; // > send depth: a slot is free when reused
    private static final int UD_BUFFER = 4096;
    private static final int UD_RECEIVES = 16;
    private static final int UD_SEND_SLOTS = 8;
    private static final int POLL_BATCH = 64;
    /** Marks the work request id of a signaled control send (RESET) whose completion someone awaits. */
    private static final long CONTROL_SIGNALED = 1L << 40;
    private static final long RESET_WAIT_MILLIS = 20;

    private final Vnic face;
    private final Hca hca;
    private final VnicSettings s;
    private final SubnetAdministration sa;
    private final ScheduledThreadPoolExecutor exec;
    private final SplittableRandom random;
    private final long signalMask;
    private final int rxSlot;
    private final int maxMessage;

    // ---- queues and buffers ----------------------------------------------------------------
    private final CompletionQueue sendCq;
    private final CompletionQueue dataRecvCq;
    private final CompletionQueue ctrlRecvCq;
    private final CompletionQueue udRecvCq;
    private final QueuePair ud;
    private final ByteBuffer udRx = ByteBuffer.allocate(UD_BUFFER * UD_RECEIVES);
    private final ByteBuffer udTx = ByteBuffer.allocate(256 * UD_SEND_SLOTS);
    private int udTxSlot;
    private final ByteBuffer ctrlRx = ByteBuffer.allocate(CONTROL_BUFFER * CONTROL_RECEIVES);
    private final ByteBuffer ctrlTx = ByteBuffer.allocate(CONTROL_BUFFER * CONTROL_SEND_SLOTS);
    private int ctrlTxSlot;
    private int ctrlSequence;
    private final ByteBuffer dataRx;
    private final WorkCompletion[] dataWcs = completions();
    private final WorkCompletion[] ctrlWcs = completions();
    private final WorkCompletion[] udWcs = completions();
    private final WorkCompletion[] sendWcs = completions();

    // ---- transmit (txLock) -----------------------------------------------------------------
    private final Object txLock = new Object();
    private final ReplayRing ring;
    private QueuePair txData; // the data QP while a session is open
    private int txSessionId;
    private long txFrames;
    private long txBytes;
    private long txDroppedNoSession;
    private long txDroppedQueueFull;
    private long txDroppedBadLength;
    private long txDroppedBufferBusy;

    // ---- receive (fabric event thread) -----------------------------------------------------
    private volatile long rxFrames;
    private volatile long rxBytes;
    private volatile long rxDroppedNoListener;
    private volatile long rxSequenceGaps;
    private int rxExpected = 1;
    private final RejectCounters rejects = new RejectCounters();

    // ---- session (VNIC thread; published fields volatile) ------------------------------------
    private volatile SessionState state = SessionState.IDLE;
    private volatile Session session;
    private volatile QueuePair ctrl;
    private volatile QueuePair data;
    private int ctrlPsn;
    private int dataPsn;
    private ServiceRecord loginTarget;
    private int nonce;
    private ScheduledFuture<?> loginTimer;
    private ScheduledFuture<?> keepaliveTimer;
    private ScheduledFuture<?> deadlineTimer;
    private ScheduledFuture<?> statsTimer;
    private volatile long lastHeardNanos;
    /** Keep-alives sent since the bridge was last heard (VNIC thread writes, fabric thread resets). */
    private volatile int unanswered;
    private volatile long lastRttNanos = -1;
    private volatile ControlMessage.ConfigAddresses addresses;
    private volatile java.util.concurrent.CompletableFuture<Void> pendingControlSend;
    /** The session being fenced (its QP error is the fence, not a fault). */
    private volatile Session fencing;
    /** How many frames of the fenced session were replayed elsewhere (for its log line). */
    private volatile int fencedFrames;
    private int configsSent;
    private int configsAcked;
    private volatile String bridgeName = "";
    private volatile String bridgeMac = "";
    private volatile VnicStatus.BridgeStats bridgeStats;
    private volatile boolean closed;
    private volatile String lastProblem = "";

    // ---- control counters --------------------------------------------------------------------
    private volatile long loginsSent;
    private volatile long logins;
    private volatile long loginRejects;
    private volatile long keepalivesSent;
    private volatile long keepalivesAnswered;
    private volatile long linkStatusReceived;
    private volatile long pathLostReports;
    private volatile boolean bridgeProbes;
    private volatile long configsAcknowledged;
    private final Map<Cause, Long> sessionsLost = new EnumMap<>(Cause.class);

    // ---- watchers and the listener (eventLock) ------------------------------------------------
    private final Object eventLock = new Object();
    private volatile VnicListener listener;
    private volatile boolean sessionUp;
    private volatile boolean bridgeLinkUp;
    /** No news is good news: a bridge that does not probe never says otherwise. */
    private volatile boolean pathUp = true;
    private volatile boolean fabricUp;

    private final AsyncEventListener asyncListener = this::onAsyncEvent;
    private final TrapListener trapListener = this::onTrap;
    /**
     * Made with the channel, not at the fence: a fence happens inside a fail-over on the fabric's
     * thread, and creating a lambda there for the first time spins a class (0.7-7 ms on a loaded
     * 2-core machine) while no packet moves.
     */
    private final Runnable resetFenced = this::resetFencedSession;
    /** Async events for the VNIC thread, in order (see {@link #onAsyncEvent}). */
    private final java.util.concurrent.ConcurrentLinkedQueue<AsyncEvent> asyncEvents =
            new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final Runnable handleAsyncEvents = this::handleAsyncEvents;

    /**
     * Creates the VNIC's queues on {@code hca} and starts logging in. The HCA is shared: this
     * VNIC never closes it, only what it created on it.
     */
    public VnicChannel(Hca hca, VnicSettings settings) throws VerbsException {
        this(hca, settings, null);
    }

    /**
     * @param face the object listeners are told the events are from (the registered service
     *        when this channel sits behind a DS component); null for this channel itself
     */
    public VnicChannel(Hca hca, VnicSettings settings, Vnic face) throws VerbsException {
        this.face = face == null ? this : face;
        this.hca = hca;
        this.s = settings;
        this.sa = hca.subnet(settings.port());
        this.random = new SplittableRandom(hca.nodeGuid() ^ settings.name().hashCode() ^ System.nanoTime());
        this.ring = new ReplayRing(settings.replayBytes(), settings.replayFrames());
        // A signaled send now and then tells which ring regions the HCA has let go of; the rest
        // go unsignaled so the fabric's thread is not asked to report every frame.
        this.signalMask = Math.min(31, Integer.highestOneBit(settings.replayFrames()) / 4 - 1);
        this.maxMessage = HEADER + settings.maxFrame();
        this.rxSlot = (maxMessage + 63) & -64;
        this.dataRx = ByteBuffer.allocate(rxSlot * settings.receiveBuffers());
        this.exec = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "vnic-" + settings.name());
            t.setDaemon(true);
            return t;
        });
        exec.setRemoveOnCancelPolicy(true);
        exec.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);

        // deep enough for a flush of the whole data send queue (a fence or a QP error reports every request)
        sendCq = hca.createCompletionQueue(settings.replayFrames() + 1024);
        dataRecvCq = hca.createCompletionQueue(settings.receiveBuffers() + 64);
        ctrlRecvCq = hca.createCompletionQueue(CONTROL_RECEIVES + 64);
        udRecvCq = hca.createCompletionQueue(UD_RECEIVES + 16);
        ud = hca.createQueuePair(QpInitAttributes.ud(settings.port(), sendCq, udRecvCq, UD_RECEIVES,
                Protocol.LOGIN_QKEY));
        ud.ready();
        for (int i = 0; i < UD_RECEIVES; i++) {
            ud.postReceive(i, udRx, i * UD_BUFFER, UD_BUFFER);
        }
        sendCq.setListener(this::onSendCompletions);
        dataRecvCq.setListener(this::onDataCompletions);
        ctrlRecvCq.setListener(this::onControlCompletions);
        udRecvCq.setListener(this::onUdCompletions);
        hca.addAsyncEventListener(asyncListener);
        sa.subscribe(trapListener);
        fabricUp = hca.queryPort(settings.port()).isActive();
        exec.execute(this::startLogin);
    }

    private static WorkCompletion[] completions() {
        WorkCompletion[] w = new WorkCompletion[POLL_BATCH];
        for (int i = 0; i < w.length; i++) {
            w[i] = new WorkCompletion();
        }
        return w;
    }

    // =========================================================================================
    // Vnic
    // =========================================================================================

    @Override
    public String name() {
        return s.name();
    }

    @Override
    public String bridge() {
        return s.bridge();
    }

    @Override
    public int priority() {
        return s.priority();
    }

    @Override
    public boolean sticky() {
        return s.sticky();
    }

    public VnicSettings settings() {
        return s;
    }

    @Override
    public void setListener(VnicListener l) {
        synchronized (eventLock) {
            listener = l;
            if (l != null) {
                long now = System.nanoTime();
                int last = lastSequenceOnWire();
                l.linkEvent(face, new VnicEvent(Watcher.FABRIC, fabricUp, Cause.INITIAL, "current state", now, last));
                l.linkEvent(face, new VnicEvent(Watcher.BRIDGE_LINK, bridgeLinkUp, Cause.INITIAL, "current state", now,
                        last));
                l.linkEvent(face, new VnicEvent(Watcher.SESSION, sessionUp, Cause.INITIAL, "current state", now, last));
                l.linkEvent(face, new VnicEvent(Watcher.PATH, pathUp, Cause.INITIAL, "current state", now, last));
            }
        }
    }

    @Override
    public boolean watcherUp(Watcher watcher) {
        return switch (watcher) {
            case SESSION -> sessionUp;
            case BRIDGE_LINK -> bridgeLinkUp;
            case PATH -> pathUp;
            case FABRIC -> fabricUp;
        };
    }

    @Override
    public void configureAddresses(byte[] teamMac, List<Integer> vlans) {
        ControlMessage.ConfigAddresses c = new ControlMessage.ConfigAddresses(teamMac, vlans);
        ControlMessage.ConfigAddresses old = addresses;
        if (c.equals(old)) {
            return;
        }
        addresses = c;
        execute(this::sendConfig);
    }

    @Override
    public boolean send(ByteBuffer frame, int offset, int length, int vlanTci) {
        int wire = vlanTci >= 0 ? length + 4 : length;
        synchronized (txLock) {
            if (length < DataMessage.MIN_FRAME || wire > s.maxFrame()) {
                txDroppedBadLength++;
                return false;
            }
            QueuePair q = txData;
            if (q == null) {
                txDroppedNoSession++;
                return false;
            }
            int messageLength = HEADER + wire;
            int at = ring.allocate(messageLength);
            if (at < 0) {
                txDroppedBufferBusy++;
                return false;
            }
            ByteBuffer st = ring.storage();
            int f = at + HEADER;
            if (vlanTci >= 0) {
                st.put(f, frame, offset, 12);
                st.putShort(f + 12, (short) 0x8100);
                st.putShort(f + 14, (short) vlanTci);
                st.put(f + 16, frame, offset + 12, length - 12);
            } else {
                st.put(f, frame, offset, length);
            }
            long index = ring.nextIndex();
            DataMessage.writeHeader(st, at, txSessionId, ring.nextSequence(), wire);
            try {
                q.postSend(index, st, at, messageLength, (index & signalMask) == signalMask);
            } catch (VerbsException e) {
                txDroppedQueueFull++;
                return false;
            }
            ring.commit(at, messageLength);
            txFrames++;
            txBytes += wire;
            return true;
        }
    }

    @Override
    public int replayUnconfirmed(FrameSink sink) {
        int n;
        boolean open;
        synchronized (txLock) {
            n = ring.replay(sink, HEADER);
            open = txData != null;
        }
        Session ses = session;
        if (n > 0 && open && ses != null) {
            // Fence: frames still on their way to the bridge must not reach its wire now that they
            // went out elsewhere (the bridge's link may come back a moment later). Moving the data
            // QP to ERROR stops it at once, from any thread, without waiting for the fabric;
            // ending the session then destroys both sides' queue pairs.
            fencedFrames = n;
            fencing = ses;
            QueuePair d = data;
            if (d != null) {
                d.moveToError();
            }
            execute(resetFenced);
        }
        return n;
    }

    /** VNIC thread: ends the session being fenced, if it is still the current one. */
    private void resetFencedSession() {
        Session ses = fencing;
        if (ses != null && session == ses) {
            resetSession(Cause.FENCED, fencedFrames + " unconfirmed frames were replayed through another member");
        }
    }

    private int lastSequenceOnWire() {
        synchronized (txLock) {
            return ring.lastSequenceOnWire();
        }
    }

    @Override
    public VnicStatus status() {
        VnicStatus.Traffic traffic;
        VnicStatus.Replay replay;
        synchronized (txLock) {
            traffic = new VnicStatus.Traffic(txFrames, txBytes, rxFrames, rxBytes, txDroppedNoSession,
                    txDroppedQueueFull, txDroppedBadLength, txDroppedBufferBusy, rxDroppedNoListener, rxSequenceGaps);
            replay = new VnicStatus.Replay(ring.lastSequenceSent(), ring.lastSequenceOnWire(), ring.unconfirmed(),
                    ring.capacityBytes(), ring.replayed(), ring.overflowed(), ring.discarded());
        }
        Map<String, Long> lost = new LinkedHashMap<>();
        synchronized (sessionsLost) {
            sessionsLost.forEach((k, v) -> lost.put(k.name(), v));
        }
        Map<String, Long> rej = new LinkedHashMap<>();
        rejects.snapshot().forEach((k, v) -> rej.put(k.name(), v));
        Session ses = session;
        return new VnicStatus(s.name(), s.bridge(), s.priority(), s.sticky(), state, ses == null ? 0 : ses.id(),
                bridgeName, bridgeMac, sessionUp, bridgeLinkUp, fabricUp, s.keepaliveIntervalNanos() / 1000,
                s.keepaliveMisses(), lastRttNanos, traffic, replay,
                new VnicStatus.Control(loginsSent, logins, loginRejects, lost, keepalivesSent, keepalivesAnswered,
                        linkStatusReceived, configsAcknowledged),
                rej, bridgeStats, pathUp, bridgeProbes, pathLostReports);
    }

    /** Stops the VNIC: ends the session (RESET to the bridge), destroys what it created. */
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            exec.submit(() -> {
                if (session != null) {
                    sendControlAndWait(new ControlMessage.Reset(ControlMessage.Reset.SHUTDOWN));
                }
                endSession(Cause.SHUTDOWN, "VNIC stopped", false);
                cancel(loginTimer);
            }).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.log(Level.WARNING, "VNIC " + s.name() + ": shutdown did not finish cleanly", e);
        }
        exec.shutdownNow();
        sa.unsubscribe(trapListener);
        hca.removeAsyncEventListener(asyncListener);
        ud.close();
        for (CompletionQueue cq : new CompletionQueue[] { sendCq, dataRecvCq, ctrlRecvCq, udRecvCq }) {
            cq.setListener(null);
            cq.close();
        }
        state = SessionState.CLOSED;
    }

    @Override
    public String toString() {
        return "VNIC " + s.name() + " -> " + s.bridge();
    }

    // =========================================================================================
    // watchers
    // =========================================================================================

    private void setWatcher(Watcher w, boolean up, Cause cause, String detail) {
        synchronized (eventLock) {
            boolean was = watcherUp(w);
            if (was == up) {
                return;
            }
            switch (w) {
                case SESSION -> sessionUp = up;
                case BRIDGE_LINK -> bridgeLinkUp = up;
                case PATH -> pathUp = up;
                case FABRIC -> fabricUp = up;
            }
            VnicListener l = listener;
            if (l != null) {
                l.linkEvent(face, new VnicEvent(w, up, cause, detail, System.nanoTime(), lastSequenceOnWire()));
            }
        }
        // Logged after the listener acted, and by this VNIC's thread: a fail-over started on the
        // fabric's thread must not wait for a console write (the frames it posts leave only when the
        // fabric's thread is back in its loop).
        execute(() -> LOG.log(up ? Level.INFO : Level.WARNING,
                () -> "VNIC " + s.name() + ": " + w + " " + (up ? "up" : "down") + " (" + cause + ": " + detail + ")"));
    }

    // =========================================================================================
    // session: VNIC thread
    // =========================================================================================

    private void execute(Runnable r) {
        if (!closed) {
            try {
                exec.execute(r);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // closing
            }
        }
    }

    private ScheduledFuture<?> schedule(Runnable r, long nanos) {
        try {
            return exec.schedule(r, nanos, TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            return null;
        }
    }

    private static void cancel(ScheduledFuture<?> f) {
        if (f != null) {
            f.cancel(false);
        }
    }

    private void startLogin() {
        cancel(loginTimer);
        loginTimer = null;
        if (closed || session != null) {
            return;
        }
        Optional<ServiceRecord> target = sa.services(Protocol.SERVICE_NAME).stream()
                .filter(r -> r.adapterName().equals(s.bridge())).findFirst();
        if (target.isEmpty()) {
            state = SessionState.IDLE;
            problem("bridge " + s.bridge() + " has no service record '" + Protocol.SERVICE_NAME + "' (yet)");
            loginTimer = schedule(this::startLogin, s.loginRetryNanos());
            return;
        }
        try {
            if (ctrl == null) {
                createSessionQps();
            }
            loginTarget = target.get();
            nonce = random.nextInt() | 1;
            ControlMessage.Login login = new ControlMessage.Login(hca.nodeGuid(), ctrl.number(), data.number(), ctrlPsn,
                    dataPsn, (int) Math.min(Integer.MAX_VALUE, s.keepaliveIntervalNanos() / 1000), s.maxFrame(),
                    s.name());
            int slot = (udTxSlot++ % UD_SEND_SLOTS) * 256;
            int len = login.encode(udTx, slot, 0, nonce);
            ud.postSend(slot, udTx, slot, len, loginTarget.lid(), loginTarget.qpn(), loginTarget.qkey());
            loginsSent++;
            state = SessionState.LOGGING_IN;
        } catch (VerbsException | RuntimeException e) {
            problem("login to " + s.bridge() + " failed: " + e.getMessage());
            destroySessionQps();
            state = SessionState.IDLE;
        }
        loginTimer = schedule(this::startLogin, s.loginRetryNanos());
    }

    private void createSessionQps() throws VerbsException {
        ctrlPsn = random.nextInt(1 << 24);
        dataPsn = random.nextInt(1 << 24);
        QueuePair c = hca.createQueuePair(new QpInitAttributes(QpType.RC, s.port(), sendCq, ctrlRecvCq,
                CONTROL_SEND_DEPTH, CONTROL_RECEIVES, QpInitAttributes.DEFAULT_PKEY, 0));
        QueuePair d;
        try {
            // Send depth = replay frames: a whole replay from a failed member fits in at once.
            d = hca.createQueuePair(new QpInitAttributes(QpType.RC, s.port(), sendCq, dataRecvCq, s.replayFrames(),
                    s.receiveBuffers(), QpInitAttributes.DEFAULT_PKEY, 0));
        } catch (VerbsException e) {
            c.close();
            throw e;
        }
        // Receives go up before the bridge can send anything.
        for (int i = 0; i < CONTROL_RECEIVES; i++) {
            c.postReceive(i, ctrlRx, i * CONTROL_BUFFER, CONTROL_BUFFER);
        }
        for (int i = 0; i < s.receiveBuffers(); i++) {
            d.postReceive(i, dataRx, i * rxSlot, rxSlot);
        }
        ctrl = c;
        data = d;
    }

    private void destroySessionQps() {
        QueuePair c = ctrl;
        QueuePair d = data;
        ctrl = null;
        data = null;
        if (c != null) {
            c.close();
        }
        if (d != null) {
            d.close();
        }
        synchronized (txLock) {
            ring.retireAll(); // the destroyed QP reads nothing any more
        }
    }

    private void onLoginReply(byte[] message, int sourceLid) {
        if (closed) {
            return;
        }
        ByteBuffer b = ByteBuffer.wrap(message);
        ControlMessage.Decoded d;
        try {
            d = ControlMessage.decode(b, 0, message.length);
        } catch (ProtocolException e) {
            rejects.count(e.reason());
            LOG.log(Level.DEBUG, () -> "VNIC " + s.name() + ": login reply rejected: " + e.getMessage());
            return;
        }
        if (state != SessionState.LOGGING_IN || loginTarget == null || d.header().sequence() != nonce) {
            rejects.count(ProtocolException.Cause.WRONG_SESSION); // stale nonce: an earlier attempt's answer
            return;
        }
        if (sourceLid != loginTarget.lid()) {
            rejects.count(ProtocolException.Cause.WRONG_PEER);
            return;
        }
        if (d.message() instanceof ControlMessage.LoginReject r) {
            loginRejects++;
            problem("bridge " + s.bridge() + " rejected the login: reason " + r.reason() + " " + r.text());
            state = SessionState.IDLE;
            cancel(loginTimer);
            loginTimer = schedule(this::startLogin, s.loginRetryNanos());
            return;
        }
        if (!(d.message() instanceof ControlMessage.LoginAck ack) || d.header().session() == 0) {
            rejects.count(ProtocolException.Cause.UNEXPECTED_TYPE);
            return;
        }
        cancel(loginTimer);
        loginTimer = null;
        try {
            ctrl.connect(RcConnection.to(loginTarget.lid(), ack.controlQpn(), ctrlPsn, ack.controlPsn())
                    .withRetry(s.rcAckTimeoutNanos(), s.rcRetryCount()));
            data.connect(RcConnection.to(loginTarget.lid(), ack.dataQpn(), dataPsn, ack.dataPsn())
                    .withRetry(s.rcAckTimeoutNanos(), s.rcRetryCount()));
        } catch (VerbsException | RuntimeException e) {
            problem("connecting to " + s.bridge() + " failed: " + e.getMessage());
            destroySessionQps();
            state = SessionState.IDLE;
            loginTimer = schedule(this::startLogin, s.loginRetryNanos());
            return;
        }
        Session ses = new Session(d.header().session(), loginTarget.lid(), ack.controlQpn(), ack.dataQpn());
        ctrlSequence = 0;
        configsSent = 0;
        configsAcked = 0;
        rxExpected = 1;
        bridgeName = ack.bridgeName();
        bridgeMac = HexFormat.ofDelimiter(":").formatHex(ack.mac());
        lastHeardNanos = System.nanoTime();
        unanswered = 0;
        synchronized (txLock) {
            ring.newSession();
            txSessionId = ses.id();
            txData = data;
        }
        session = ses;
        state = SessionState.PROGRAMMING;
        logins++;
        lastProblem = "";
        LOG.log(Level.INFO, () -> "VNIC " + s.name() + ": session " + Integer.toUnsignedString(ses.id()) + " with "
                + ack.bridgeName() + " (" + s.bridge() + ", LID " + ses.peerLid() + "), bridge link "
                + (ack.linkUp() ? "up" : "down"));
        long period = s.keepaliveIntervalNanos();
        keepaliveTimer = exec.scheduleAtFixedRate(() -> keepaliveTick(ses), period, period, TimeUnit.NANOSECONDS);
        if (s.statsIntervalNanos() > 0) {
            statsTimer = exec.scheduleAtFixedRate(() -> {
                if (session == ses) {
                    sendControl(ControlMessage.StatsRequest.INSTANCE);
                }
            }, s.statsIntervalNanos(), s.statsIntervalNanos(), TimeUnit.NANOSECONDS);
        }
        bridgeProbes = (ack.capabilities() & ControlMessage.LoginAck.CAP_PROBES) != 0;
        // A new session starts with the path up: the bridge tells at its next check if it is lost.
        setWatcher(Watcher.PATH, true, Cause.LOGGED_IN, "LOGIN_ACK");
        setWatcher(Watcher.BRIDGE_LINK, ack.linkUp(), Cause.LOGGED_IN, "LOGIN_ACK");
        sendConfig();
    }

    private void sendConfig() {
        ControlMessage.ConfigAddresses c = addresses;
        if (session == null || c == null) {
            return;
        }
        if (sendControl(c)) {
            configsSent++;
        }
    }

    private void onConfigAck(Session ses, ControlMessage.ConfigAck ack) {
        if (session != ses) {
            return;
        }
        configsAcked++;
        if (ack.status() != ControlMessage.ConfigAck.OK) {
            problem("bridge " + s.bridge() + " refused the addresses: status " + ack.status());
            return;
        }
        configsAcknowledged++;
        if (configsAcked >= configsSent && state == SessionState.PROGRAMMING) {
            state = SessionState.READY;
            setWatcher(Watcher.SESSION, true, Cause.LOGGED_IN,
                    "session " + Integer.toUnsignedString(ses.id()) + " programmed");
        }
    }

    private void keepaliveTick(Session ses) {
        if (deadlinePassed(ses)) {
            return;
        }
        long now = System.nanoTime();
        if (sendControl(new ControlMessage.Keepalive(now))) {
            keepalivesSent++;
            unanswered = unanswered + 1;
        }
        // The next tick may come after the deadline: check the deadline itself, so a silent bridge
        // is found interval x misses after its last word, not up to an interval later.
        long silent = now - lastHeardNanos;
        long bound = s.keepaliveBoundNanos();
        if (silent + s.keepaliveIntervalNanos() > bound) {
            cancel(deadlineTimer);
            deadlineTimer = schedule(() -> deadlinePassed(ses), bound - silent);
        }
    }

    /** Ends the session when the bridge has been silent for interval x misses; true if it is gone. */
    private boolean deadlinePassed(Session ses) {
        if (session != ses) {
            return true;
        }
        long silent = System.nanoTime() - lastHeardNanos;
        long bound = s.keepaliveBoundNanos();
        // Silence alone is not enough: the bridge must also have been asked that many times. If
        // this thread was held up (a loaded machine) the bridge was not asked and is not to blame.
        if (silent >= bound && unanswered >= s.keepaliveMisses()) {
            endSession(Cause.KEEPALIVE_LOST, "no word from the bridge for " + silent / 1000 + " us (bound "
                    + bound / 1000 + " us; " + keepalivesSent + " keep-alives sent, " + keepalivesAnswered
                    + " answered)", true);
            return true;
        }
        return false;
    }

    /**
     * The session is over. The watcher goes down first, while the replay ring still holds this
     * session's unconfirmed frames and sends are still accepted: the team moves traffic and
     * replays synchronously inside that event. Then the queues go, and (unless stopping) a new
     * login is scheduled.
     */
    private void endSession(Cause cause, String detail, boolean relogin) {
        Session ses = session;
        if (ses != null) {
            synchronized (sessionsLost) {
                sessionsLost.merge(cause, 1L, Long::sum);
            }
            LOG.log(cause == Cause.SHUTDOWN ? Level.INFO : Level.WARNING, () -> "VNIC " + s.name() + ": session "
                    + Integer.toUnsignedString(ses.id()) + " with " + s.bridge() + " ended: " + cause + " (" + detail + ")");
        }
        setWatcher(Watcher.SESSION, false, cause, detail);
        cancel(keepaliveTimer);
        cancel(deadlineTimer);
        cancel(statsTimer);
        keepaliveTimer = deadlineTimer = statsTimer = null;
        synchronized (txLock) {
            txData = null;
            txSessionId = 0;
        }
        session = null;
        destroySessionQps();
        state = SessionState.IDLE;
        if (relogin && !closed) {
            cancel(loginTimer);
            loginTimer = schedule(this::startLogin, s.loginRetryNanos());
        }
    }

    /** Tells the bridge the session is over (RESET "replaced"), ends it, and logs in again at once. */
    private void resetSession(Cause cause, String detail) {
        sendControlAndWait(new ControlMessage.Reset(ControlMessage.Reset.REPLACED));
        endSession(cause, detail, false);
        if (!closed) {
            startLogin();
        }
    }

    /**
     * Sends a control message and waits (briefly) until it has left: destroying the queue pair
     * right after posting would drop it unsent. VNIC thread.
     */
    private void sendControlAndWait(ControlMessage m) {
        QueuePair c = ctrl;
        Session ses = session;
        if (c == null || ses == null) {
            return;
        }
        int slot = (ctrlTxSlot++ % CONTROL_SEND_SLOTS) * CONTROL_BUFFER;
        int len = m.encode(ctrlTx, slot, ses.id(), ++ctrlSequence);
        java.util.concurrent.CompletableFuture<Void> sent = new java.util.concurrent.CompletableFuture<>();
        pendingControlSend = sent;
        try {
            c.postSend(CONTROL_SIGNALED | slot, ctrlTx, slot, len, true);
            sent.get(RESET_WAIT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            // not acknowledged in time (the bridge may be gone): the session ends all the same
        } finally {
            pendingControlSend = null;
        }
    }

    private void problem(String text) {
        if (!text.equals(lastProblem)) {
            lastProblem = text;
            LOG.log(Level.WARNING, "VNIC " + s.name() + ": " + text);
        }
    }

    /** Sends a control message on the control QP. VNIC thread. */
    private boolean sendControl(ControlMessage m) {
        QueuePair c = ctrl;
        Session ses = session;
        if (c == null || ses == null) {
            return false;
        }
        int slot = (ctrlTxSlot++ % CONTROL_SEND_SLOTS) * CONTROL_BUFFER;
        int len = m.encode(ctrlTx, slot, ses.id(), ++ctrlSequence);
        try {
            c.postSend(slot, ctrlTx, slot, len, false);
            return true;
        } catch (VerbsException e) {
            problem("control send failed: " + e.getMessage());
            return false;
        }
    }

    // =========================================================================================
    // fabric: traps and async events (handled on the VNIC thread)
    // =========================================================================================

    private void onAsyncEvent(AsyncEvent e) {
        // Queued for the VNIC thread, which a task made with the channel drains: a fence's QP error
        // arrives on the fabric's thread in the middle of a fail-over, where a lambda created for the
        // first time would spin its class while no packet moves.
        asyncEvents.add(e);
        execute(handleAsyncEvents);
    }

    private void handleAsyncEvents() {
        AsyncEvent e;
        while ((e = asyncEvents.poll()) != null) {
            handleAsyncEvent(e);
        }
    }

    private void handleAsyncEvent(AsyncEvent e) {
        switch (e.type()) {
            case PORT_DOWN, PORT_ACTIVE, LID_CHANGE -> {
                if (e.port() == s.port()) {
                    checkFabric(e.detail());
                }
            }
            case QP_ERROR -> {
                QueuePair c = ctrl;
                QueuePair d = data;
                if (session != null && ((c != null && e.qpNumber() == c.number())
                        || (d != null && e.qpNumber() == d.number()))) {
                    if (fencing == session) {
                        resetSession(Cause.FENCED, "unconfirmed frames were replayed through another member");
                    } else {
                        endSession(Cause.QP_ERROR, e.detail(), true);
                    }
                }
            }
            case CQ_ERROR -> problem("completion queue error: " + e.detail());
        }
    }

    private void onTrap(PortStateTrap trap) {
        execute(() -> {
            checkFabric("trap: " + trap.nodeName() + ":" + trap.port() + " " + trap.state());
        });
    }

    /**
     * Asks the subnet whether the bridge is reachable: own port active, bridge's port active, a
     * path between them. Down ends the session (its queue pairs would fail on the next frame
     * anyway); up again starts a login at once.
     */
    private void checkFabric(String detail) {
        if (closed) {
            return;
        }
        boolean own = hca.queryPort(s.port()).isActive();
        Optional<Integer> lid = own ? sa.lidOf(s.bridge()) : Optional.empty();
        boolean reachable = lid.isPresent() && sa.path(lid.get()).isPresent();
        Cause cause = reachable ? Cause.FABRIC_UP
                : !own ? Cause.OWN_PORT_DOWN : lid.isEmpty() ? Cause.BRIDGE_PORT_DOWN : Cause.PATH_LOST;
        setWatcher(Watcher.FABRIC, reachable, cause, detail);
        if (!reachable && session != null) {
            endSession(cause, detail, true);
        } else if (reachable && session == null && state != SessionState.LOGGING_IN) {
            startLogin();
        }
    }

    // =========================================================================================
    // completions: the fabric's event thread
    // =========================================================================================

    private void onDataCompletions(CompletionQueue cq) {
        int n;
        while ((n = cq.poll(dataWcs)) > 0) {
            QueuePair q = data;
            for (int i = 0; i < n; i++) {
                WorkCompletion wc = dataWcs[i];
                if (q == null || wc.qpNumber != q.number()) {
                    continue; // a destroyed session's QP
                }
                if (!wc.ok()) {
                    continue; // flushed, or an error the QP_ERROR event reports
                }
                int off = (int) wc.wrId * rxSlot;
                receiveData(off, wc.byteLength, wc.sourceLid, wc.sourceQp);
                try {
                    q.postReceive(wc.wrId, dataRx, off, rxSlot);
                } catch (VerbsException e) {
                    // the QP went to error meanwhile: the async event ends the session
                }
            }
        }
    }

    private void receiveData(int off, int length, int sourceLid, int sourceQp) {
        Session ses = session;
        if (ses == null) {
            rejects.count(ProtocolException.Cause.WRONG_SESSION);
            return;
        }
        ProtocolException.Cause c = DataMessage.check(dataRx, off, length, ses.id());
        if (c == null) {
            c = ses.check(sourceLid, sourceQp, ses.id());
        }
        if (c != null) {
            rejects.count(c);
            return;
        }
        int seq = MessageHeader.sequence(dataRx, off);
        if (seq != rxExpected) {
            rxSequenceGaps = rxSequenceGaps + (seq - rxExpected > 0 ? seq - rxExpected : 1);
        }
        rxExpected = seq + 1;
        VnicListener l = listener;
        if (l == null) {
            rxDroppedNoListener = rxDroppedNoListener + 1;
            return;
        }
        int frameLength = length - HEADER;
        rxFrames = rxFrames + 1;
        rxBytes = rxBytes + frameLength;
        l.frameReceived(face, dataRx, off + HEADER, frameLength);
    }

    private void onControlCompletions(CompletionQueue cq) {
        int n;
        while ((n = cq.poll(ctrlWcs)) > 0) {
            QueuePair q = ctrl;
            for (int i = 0; i < n; i++) {
                WorkCompletion wc = ctrlWcs[i];
                if (q == null || wc.qpNumber != q.number() || !wc.ok()) {
                    continue;
                }
                int off = (int) wc.wrId * CONTROL_BUFFER;
                receiveControl(off, wc.byteLength, wc.sourceLid, wc.sourceQp);
                try {
                    q.postReceive(wc.wrId, ctrlRx, off, CONTROL_BUFFER);
                } catch (VerbsException e) {
                    // QP error: reported by its async event
                }
            }
        }
    }

    private void receiveControl(int off, int length, int sourceLid, int sourceQp) {
        Session ses = session;
        if (ses == null) {
            rejects.count(ProtocolException.Cause.WRONG_SESSION);
            return;
        }
        ControlMessage.Decoded d;
        try {
            d = ControlMessage.decode(ctrlRx, off, length);
        } catch (ProtocolException e) {
            rejects.count(e.reason());
            LOG.log(Level.DEBUG, () -> "VNIC " + s.name() + ": rejected: " + e.getMessage());
            return;
        }
        ProtocolException.Cause c = ses.check(sourceLid, sourceQp, d.header().session());
        if (c != null) {
            rejects.count(c);
            return;
        }
        long now = System.nanoTime();
        lastHeardNanos = now;
        unanswered = 0;
        ControlMessage m = d.message();
        if (m instanceof ControlMessage.KeepaliveAck ka) {
            keepalivesAnswered++;
            lastRttNanos = now - ka.echoedNanos();
            confirm(ka.lastSequenceOnWire());
            if (ka.linkUp() != bridgeLinkUp) {
                setWatcher(Watcher.BRIDGE_LINK, ka.linkUp(), Cause.KEEPALIVE_ACK,
                        "keep-alive answer says link " + (ka.linkUp() ? "up" : "down"));
            }
        } else if (m instanceof ControlMessage.LinkStatus ls) {
            linkStatusReceived++;
            // Confirm first: a fail-over started by this event replays exactly what follows.
            confirm(ls.lastSequenceOnWire());
            String detail = "LINK_STATUS " + (ls.linkUp() ? "up" : "down") + ", cause " + linkCause(ls.cause())
                    + ", last sequence on wire " + Integer.toUnsignedString(ls.lastSequenceOnWire());
            if (!ls.linkUp() && ls.cause() == ControlMessage.LinkStatus.CAUSE_PROBES_LOST) {
                // carrier up, path lost: degraded, not failed (path first, so it never looks fully up)
                pathLostReports++;
                setWatcher(Watcher.PATH, false, Cause.LINK_STATUS, detail);
                setWatcher(Watcher.BRIDGE_LINK, true, Cause.LINK_STATUS, detail);
            } else if (ls.linkUp()) {
                // carrier up and path up, whatever changed
                setWatcher(Watcher.PATH, true, Cause.LINK_STATUS, detail);
                setWatcher(Watcher.BRIDGE_LINK, true, Cause.LINK_STATUS, detail);
            } else {
                setWatcher(Watcher.BRIDGE_LINK, false, Cause.LINK_STATUS, detail); // the carrier wins over the path
            }
        } else if (m instanceof ControlMessage.ConfigAck ca) {
            execute(() -> onConfigAck(ses, ca));
        } else if (m instanceof ControlMessage.StatsReport r) {
            bridgeStats = new VnicStatus.BridgeStats(r.txFrames(), r.txBytes(), r.rxFrames(), r.rxBytes(),
                    r.droppedOversize(), r.droppedNoCarrier(), r.droppedFiltered(), r.droppedMalformed(),
                    r.carrierChanges(), r.lastSequenceOnWire(), now);
        } else if (m instanceof ControlMessage.Reset r) {
            execute(() -> {
                if (session == ses) {
                    endSession(Cause.RESET, "RESET from the bridge, reason " + r.reason(), true);
                }
            });
        } else {
            rejects.count(ProtocolException.Cause.UNEXPECTED_TYPE);
        }
    }

    private static String linkCause(int cause) {
        return switch (cause) {
            case ControlMessage.LinkStatus.CAUSE_CARRIER -> "carrier";
            case ControlMessage.LinkStatus.CAUSE_ADMIN -> "admin";
            case ControlMessage.LinkStatus.CAUSE_PROBES_LOST -> "probes lost";
            case ControlMessage.LinkStatus.CAUSE_SHUTDOWN -> "shutdown";
            default -> "cause " + cause;
        };
    }

    private void confirm(int lastSequenceOnWire) {
        synchronized (txLock) {
            if (!ring.confirm(lastSequenceOnWire)) {
                rejects.count(ProtocolException.Cause.BAD_FIELD); // confirms a frame never sent
            }
        }
    }

    private void onUdCompletions(CompletionQueue cq) {
        int n;
        while ((n = cq.poll(udWcs)) > 0) {
            for (int i = 0; i < n; i++) {
                WorkCompletion wc = udWcs[i];
                if (!wc.ok()) {
                    continue;
                }
                int off = (int) wc.wrId * UD_BUFFER;
                byte[] copy = new byte[wc.byteLength];
                udRx.get(off, copy);
                int lid = wc.sourceLid;
                try {
                    ud.postReceive(wc.wrId, udRx, off, UD_BUFFER);
                } catch (VerbsException e) {
                    problem("login queue pair failed: " + e.getMessage());
                }
                execute(() -> onLoginReply(copy, lid));
            }
        }
    }

    private void onSendCompletions(CompletionQueue cq) {
        int n;
        while ((n = cq.poll(sendWcs)) > 0) {
            QueuePair d = data;
            for (int i = 0; i < n; i++) {
                WorkCompletion wc = sendWcs[i];
                if (d != null && wc.qpNumber == d.number() && wc.ok()) {
                    ring.retire(wc.wrId); // lock-free: the fabric's thread never waits for a sender here
                } else if ((wc.wrId & CONTROL_SIGNALED) != 0) {
                    java.util.concurrent.CompletableFuture<Void> f = pendingControlSend;
                    if (f != null) {
                        f.complete(null);
                    }
                } else if (!wc.ok() && wc.status != WcStatus.WORK_REQUEST_FLUSHED) {
                    problem("send failed on QP " + wc.qpNumber + ": " + wc.status);
                }
            }
        }
    }
}
