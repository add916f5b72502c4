package org.vnicteam.bridge.hostcmd.internal;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.vnicteam.api.bridge.BridgeDevice;
import org.vnicteam.api.bridge.DataChannel;
import org.vnicteam.api.bridge.LinkListener;
import org.vnicteam.api.eoib.ControlMessage;
import org.vnicteam.api.eoib.MessageHeader;
import org.vnicteam.api.eoib.MessageType;
import org.vnicteam.api.eoib.Protocol;
import org.vnicteam.api.eoib.ProtocolException;
import org.vnicteam.api.eoib.RejectCounters;
import org.vnicteam.api.eoib.Session;
import org.vnicteam.api.verbs.AsyncEvent;
import org.vnicteam.api.verbs.AsyncEventListener;
import org.vnicteam.api.verbs.CompletionQueue;
import org.vnicteam.api.verbs.Hca;
import org.vnicteam.api.verbs.QpInitAttributes;
import org.vnicteam.api.verbs.QpType;
import org.vnicteam.api.verbs.QueuePair;
import org.vnicteam.api.verbs.RcConnection;
import org.vnicteam.api.verbs.VerbsException;
import org.vnicteam.api.verbs.WcOpcode;
import org.vnicteam.api.verbs.WcStatus;
import org.vnicteam.api.verbs.WorkCompletion;

/**
 * The host command handler of one bridge device: its login service (a UD queue pair registered
 * with the subnet administrator as {@value Protocol#SERVICE_NAME}), the sessions of the VNICs that
 * logged in, and LINK_STATUS sent from the carrier-change event (or the path change) itself.
 *
 * <p>Threads: datagrams and control messages are handled on the HCA's event thread (completion
 * listeners), LINK_STATUS on the thread that noticed the carrier change or on the bridge's probe
 * thread for a path change, keep-alive expiry on the shared timer thread. Sessions live in concurrent maps; a session is ended by whoever removes it
 * from them first.
 */
public final class CommandHandler implements LinkListener, AsyncEventListener, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(CommandHandler.class.getName());
    private static final int POLL_BATCH = 32;
    /** Room for one LOGIN datagram of any size the fabric carries (UD: at most the 4096-byte MTU). */
    private static final int LOGIN_SLOT = 4096;
    private static final int CONTROL_SEND_DEPTH = 256;
    /**
     * Completions the handler's two queues hold: the login receives and every session's control
     * receives (at most 64 sessions x 16), plus datagram sends; they are drained as they come.
     */
    private static final int CQ_DEPTH = 4096;

    private final BridgeDevice device;
    private final Hca hca;
    private final HandlerSettings settings;
    private final ScheduledExecutorService timers;
    private final CompletionQueue sendCq;
    private final CompletionQueue receiveCq;
    private final QueuePair loginQp;
    private final ByteBuffer loginRing;
    private final WorkCompletion[] sendBatch = batch();
    private final WorkCompletion[] receiveBatch = batch();
    private final Map<Integer, HostSession> byControlQpn = new ConcurrentHashMap<>();
    private final Map<HostSession.VnicKey, HostSession> byVnic = new ConcurrentHashMap<>();
    private final Object sessionsLock = new Object();
    /** Sessions being shut down gracefully: out of the maps while their RESET is in flight. */
    private final Map<Integer, HostSession> ending = new ConcurrentHashMap<>();
    /** The thread the HCA delivers completions on, once seen. */
    private volatile Thread eventThread;
    /** LOGIN datagrams rejected by the checks (sessions count their own). */
    final RejectCounters loginRejects = new RejectCounters();
    private volatile boolean closing;

    /**
     * Opens the login service on the device's HCA and starts listening to its carrier.
     *
     * @throws VerbsException if the queues cannot be created (the HCA is closed: the device is
     *         already being unplugged)
     */
    public CommandHandler(BridgeDevice device, HandlerSettings settings, ScheduledExecutorService timers)
            throws VerbsException {
        this.device = device;
        this.hca = device.hca();
        this.settings = settings;
        this.timers = timers;
        this.sendCq = hca.createCompletionQueue(CQ_DEPTH);
        this.receiveCq = hca.createCompletionQueue(CQ_DEPTH);
        this.loginRing = ByteBuffer.allocate(settings.loginReceives() * LOGIN_SLOT);
        this.loginQp = hca.createQueuePair(QpInitAttributes.ud(BridgeDevice.FABRIC_PORT, sendCq, receiveCq,
                settings.loginReceives(), Protocol.LOGIN_QKEY));
        try {
            for (int slot = 0; slot < settings.loginReceives(); slot++) {
                loginQp.postReceive(slot, loginRing, slot * LOGIN_SLOT, LOGIN_SLOT);
            }
            loginQp.ready();
            sendCq.setListener(this::drainSendCompletions);
            receiveCq.setListener(this::drainReceiveCompletions);
            hca.addAsyncEventListener(this);
            device.addLinkListener(this);
            hca.subnet(BridgeDevice.FABRIC_PORT).registerService(Protocol.SERVICE_NAME, loginQp.number(),
                    Protocol.LOGIN_QKEY);
        } catch (VerbsException | RuntimeException e) {
            close(false);
            throw e;
        }
    }

    public BridgeDevice device() {
        return device;
    }

    /** The sessions open now (for status and tests). */
    public List<Integer> sessionIds() {
        return byControlQpn.values().stream().map(HostSession::id).sorted().toList();
    }

    /** Control messages rejected by the checks: LOGIN datagrams plus every open session's. */
    public long rejectedMessages() {
        long n = loginRejects.total();
        for (HostSession s : byControlQpn.values()) {
            n += s.rejects.total();
        }
        return n;
    }

    // ---- LOGIN (UD) ---------------------------------------------------------------------

    private void onLoginDatagram(WorkCompletion wc) {
        int slot = (int) wc.wrId;
        int base = slot * LOGIN_SLOT;
        ByteBuffer b = loginRing;
        int length = wc.byteLength;
        ProtocolException.Cause cause = MessageHeader.check(b, base, length);
        int nonce = length >= MessageHeader.SIZE ? MessageHeader.sequence(b, base) : 0;
        boolean looksLikeLogin = length >= MessageHeader.SIZE
                && (b.get(base + MessageHeader.TYPE_OFFSET) & 0xFF) == MessageType.LOGIN.code();
        ControlMessage.Login login = null;
        int rejectReason = 0;
        String rejectText = "";
        if (cause == ProtocolException.Cause.BAD_VERSION && looksLikeLogin) {
            // A future version keeps the header so that it hears why, instead of silence.
            rejectReason = ControlMessage.LoginReject.VERSION;
            rejectText = "this bridge speaks version " + MessageHeader.VERSION;
        } else if (cause == null && !looksLikeLogin) {
            cause = ProtocolException.Cause.UNEXPECTED_TYPE;
        } else if (cause == null && MessageHeader.session(b, base) != 0) {
            cause = ProtocolException.Cause.WRONG_SESSION;
            rejectReason = ControlMessage.LoginReject.BAD_REQUEST;
            rejectText = "LOGIN carries session 0";
        } else if (cause == null) {
            try {
                login = (ControlMessage.Login) ControlMessage.decode(b, base, length).message();
            } catch (ProtocolException e) {
                cause = e.reason();
                rejectReason = ControlMessage.LoginReject.BAD_REQUEST;
                rejectText = truncate(e.field());
                LOG.log(Level.FINE, "bridge {0}: LOGIN rejected: {1}", new Object[] { device.name(), e.getMessage() });
            }
        }
        repostLogin(slot); // everything needed is copied out of the buffer
        if (cause != null) {
            loginRejects.count(cause);
        }
        if (rejectReason != 0) {
            sendDatagram(new ControlMessage.LoginReject(rejectReason, rejectText), 0, nonce, wc.sourceLid, wc.sourceQp);
        } else if (login != null) {
            accept(login, nonce, wc.sourceLid, wc.sourceQp);
        }
    }

    private void accept(ControlMessage.Login login, int nonce, int lid, int udQpn) {
        if (closing) {
            sendDatagram(new ControlMessage.LoginReject(ControlMessage.LoginReject.SHUTTING_DOWN, "shutting down"), 0,
                    nonce, lid, udQpn);
            return;
        }
        HostSession.VnicKey vnic = new HostSession.VnicKey(login.hostGuid(), login.vnicName());
        HostSession old = byVnic.get(vnic);
        if (old != null) {
            // A repeated LOGIN (its ACK was lost, or the VNIC restarted): the old session goes first.
            end(old, "replaced by a new LOGIN", 0);
        }
        if (byControlQpn.size() >= device.maxChannels()) {
            sendDatagram(new ControlMessage.LoginReject(ControlMessage.LoginReject.BUSY,
                    "serving " + device.maxChannels() + " sessions"), 0, nonce, lid, udQpn);
            return;
        }
        HostSession session;
        int controlPsn = ThreadLocalRandom.current().nextInt(1 << 24);
        try {
            session = open(login, vnic, lid, controlPsn);
        } catch (VerbsException | RuntimeException e) {
            LOG.log(Level.INFO, "bridge {0}: LOGIN of VNIC {1} refused: {2}",
                    new Object[] { device.name(), login.vnicName(), e.getMessage() });
            sendDatagram(new ControlMessage.LoginReject(ControlMessage.LoginReject.BAD_REQUEST,
                    truncate(String.valueOf(e.getMessage()))), 0, nonce, lid, udQpn);
            return;
        }
        ControlMessage.LoginAck ack = new ControlMessage.LoginAck(hca.nodeGuid(), session.controlQp.number(),
                session.channel.queuePairNumber(), controlPsn, session.channel.startPsn(), device.macAddress(),
                device.ethernetMtu(), capabilities(), device.carrier(), truncate(device.name()));
        sendDatagram(ack, session.id(), nonce, lid, udQpn);
        LOG.fine(() -> "bridge " + device.name() + ": " + session + " opened");
    }

    private HostSession open(ControlMessage.Login login, HostSession.VnicKey vnic, int lid, int controlPsn)
            throws VerbsException {
        int receives = settings.controlReceives();
        QueuePair qp = hca.createQueuePair(new QpInitAttributes(QpType.RC, BridgeDevice.FABRIC_PORT, sendCq,
                receiveCq, CONTROL_SEND_DEPTH, receives, QpInitAttributes.DEFAULT_PKEY, 0));
        DataChannel channel = null;
        try {
            ByteBuffer ring = ByteBuffer.allocate(receives * HostSession.RECEIVE_SLOT);
            for (int slot = 0; slot < receives; slot++) {
                qp.postReceive(slot, ring, slot * HostSession.RECEIVE_SLOT, HostSession.RECEIVE_SLOT);
            }
            int id = newSessionId();
            channel = device.openDataChannel(
                    new DataChannel.Peer(id, lid, login.dataQpn(), login.dataPsn(), login.maxFrame()));
            long keepalive = TimeUnit.MICROSECONDS.toNanos(Math.max(login.keepaliveMicros(),
                    settings.minKeepaliveMicros()));
            HostSession s = new HostSession(new Session(id, lid, login.controlQpn(), login.dataQpn()), vnic, qp,
                    channel, ring, receives, keepalive);
            synchronized (sessionsLock) {
                byControlQpn.put(qp.number(), s);
                byVnic.put(vnic, s);
            }
            qp.connect(RcConnection.to(lid, login.controlQpn(), controlPsn, login.controlPsn()));
            s.expiry = timers.scheduleAtFixedRate(() -> checkKeepalive(s), keepalive, keepalive,
                    TimeUnit.NANOSECONDS);
            return s;
        } catch (VerbsException | RuntimeException e) {
            synchronized (sessionsLock) {
                HostSession s = byControlQpn.remove(qp.number());
                if (s != null) {
                    byVnic.remove(vnic, s);
                }
            }
            if (channel != null) {
                channel.close();
            }
            qp.close();
            throw e;
        }
    }

    private int newSessionId() {
        while (true) {
            int id = ThreadLocalRandom.current().nextInt();
            if (id != 0 && byControlQpn.values().stream().noneMatch(s -> s.id() == id)) {
                return id;
            }
        }
    }

    private int capabilities() {
        int caps = ControlMessage.LoginAck.CAP_VLAN | ControlMessage.LoginAck.CAP_STATS;
        if (device.probing()) {
            caps |= ControlMessage.LoginAck.CAP_PROBES;
        }
        return device.ethernetMtu() > 1500 ? caps | ControlMessage.LoginAck.CAP_JUMBO : caps;
    }

    private void sendDatagram(ControlMessage m, int session, int nonce, int lid, int qpn) {
        byte[] bytes = m.toBytes(session, nonce);
        try {
            loginQp.postSend(0, ByteBuffer.wrap(bytes), 0, bytes.length, lid, qpn, Protocol.LOGIN_QKEY);
        } catch (VerbsException | RuntimeException e) {
            LOG.log(Level.FINE, "bridge {0}: {1} to LID {2} not sent: {3}",
                    new Object[] { device.name(), m.type(), lid, e });
        }
    }

    private void repostLogin(int slot) {
        try {
            loginQp.postReceive(slot, loginRing, slot * LOGIN_SLOT, LOGIN_SLOT);
        } catch (VerbsException | RuntimeException e) {
            LOG.log(Level.FINE, "login receive not re-posted", e);
        }
    }

    // ---- control messages (RC) ----------------------------------------------------------

    private void onControlMessage(HostSession s, WorkCompletion wc) {
        if (!wc.ok()) {
            if (wc.status != WcStatus.WORK_REQUEST_FLUSHED) {
                end(s, "control receive failed: " + wc.status, 0);
            }
            return; // flushed: the QP is in error or going; its QP_ERROR event ends the session
        }
        ByteBuffer b = s.receiveRing;
        int base = (int) wc.wrId * HostSession.RECEIVE_SLOT;
        int length = wc.byteLength;
        ControlMessage message = null;
        // The order of docs/protocol.md: header, then session (peer address and id), then body.
        ProtocolException.Cause cause = MessageHeader.check(b, base, length);
        if (cause == null) {
            cause = s.session.check(wc.sourceLid, wc.sourceQp, MessageHeader.session(b, base));
        }
        if (cause == null) {
            try {
                message = ControlMessage.decode(b, base, length).message();
            } catch (ProtocolException e) {
                cause = e.reason();
                LOG.log(Level.FINE, "bridge {0}, {1}: rejected: {2}", new Object[] { device.name(), s, e.getMessage() });
            }
        }
        s.repostReceive(wc.wrId);
        if (cause != null) {
            s.rejects.count(cause);
            return;
        }
        s.lastHeardNanos = System.nanoTime();
        if (message instanceof ControlMessage.Keepalive k) {
            s.send(new ControlMessage.KeepaliveAck(k.senderNanos(), s.channel.lastSequenceOnWire(), device.carrier()));
        } else if (message instanceof ControlMessage.ConfigAddresses c) {
            boolean applied = s.channel.configureAddresses(c.teamMac(), c.vlans());
            s.send(new ControlMessage.ConfigAck(applied ? ControlMessage.ConfigAck.OK
                    : ControlMessage.ConfigAck.TOO_MANY_VLANS));
        } else if (message instanceof ControlMessage.StatsRequest) {
            s.send(s.statsReport(device.carrierChanges()));
        } else if (message instanceof ControlMessage.Reset r) {
            end(s, "RESET (reason " + r.reason() + ") from the VNIC", 0);
        } else {
            // LOGIN, or a message only a bridge sends, on a control queue pair
            s.rejects.count(ProtocolException.Cause.UNEXPECTED_TYPE);
        }
    }

    // ---- events ---------------------------------------------------------------------------

    /**
     * The carrier changed: LINK_STATUS to every session, from this thread, now. It carries the
     * channel's last sequence on the wire, so the VNIC knows which frames to send again elsewhere.
     */
    @Override
    public void linkChanged(BridgeDevice changed, boolean carrier, long carrierChanges, long nanoTime) {
        for (HostSession s : byControlQpn.values()) {
            s.send(new ControlMessage.LinkStatus(carrier, ControlMessage.LinkStatus.CAUSE_CARRIER,
                    s.channel.lastSequenceOnWire(), (int) carrierChanges, nanoTime));
        }
    }

    /**
     * The bridge's probes found a session's Ethernet path lost or back: LINK_STATUS with cause
     * "probes lost", from the probe thread, now. Never while the carrier is down (the bridge does
     * not report then; this is the guard should a report race a carrier loss).
     */
    @Override
    public void pathChanged(BridgeDevice changed, DataChannel channel, boolean pathUp, long nanoTime) {
        if (!device.carrier()) {
            return;
        }
        for (HostSession s : byControlQpn.values()) {
            if (s.channel == channel) {
                s.send(new ControlMessage.LinkStatus(pathUp, ControlMessage.LinkStatus.CAUSE_PROBES_LOST,
                        channel.lastSequenceOnWire(), (int) device.carrierChanges(), nanoTime));
            }
        }
    }

    /** A queue pair of a session went to error (the VNIC or the path is gone): the session ends. */
    @Override
    public void onEvent(AsyncEvent event) {
        if (event.type() != AsyncEvent.Type.QP_ERROR) {
            return;
        }
        for (HostSession s : byControlQpn.values()) {
            if (s.controlQp.number() == event.qpNumber() || s.channel.queuePairNumber() == event.qpNumber()) {
                end(s, "queue pair " + event.qpNumber() + " failed: " + event.detail(), 0);
            }
        }
    }

    private void checkKeepalive(HostSession s) {
        long silent = System.nanoTime() - s.lastHeardNanos;
        if (silent > Protocol.BRIDGE_KEEPALIVE_MISSES * s.keepaliveNanos) {
            end(s, "nothing heard for " + TimeUnit.NANOSECONDS.toMillis(silent) + " ms", 0);
        }
    }

    /** Ends a session once, whoever gets here first. */
    void end(HostSession s, String why, int resetReason) {
        synchronized (sessionsLock) {
            if (!byControlQpn.remove(s.controlQp.number(), s)) {
                return;
            }
            byVnic.remove(s.vnic, s);
        }
        LOG.fine(() -> "bridge " + device.name() + ": " + s + " ended: " + why);
        s.close(resetReason, settings.resetWaitMillis(), !onEventThread());
    }

    /** Whether this thread delivers the HCA's completions, where waiting for one would deadlock. */
    private boolean onEventThread() {
        return Thread.currentThread() == eventThread;
    }

    // ---- completions ------------------------------------------------------------------------

    private void drainReceiveCompletions(CompletionQueue cq) {
        eventThread = Thread.currentThread();
        synchronized (receiveBatch) {
            int n;
            while ((n = cq.poll(receiveBatch)) > 0) {
                for (int i = 0; i < n; i++) {
                    WorkCompletion wc = receiveBatch[i];
                    if (wc.opcode != WcOpcode.RECV) {
                        continue;
                    }
                    if (wc.qpNumber == loginQp.number()) {
                        if (wc.ok()) {
                            onLoginDatagram(wc);
                        } else if (wc.status != WcStatus.WORK_REQUEST_FLUSHED) {
                            loginRejects.count(ProtocolException.Cause.BAD_LENGTH); // longer than a slot
                            repostLogin((int) wc.wrId);
                        }
                    } else {
                        HostSession s = byControlQpn.get(wc.qpNumber);
                        if (s != null) {
                            onControlMessage(s, wc);
                        }
                    }
                }
            }
        }
    }

    private void drainSendCompletions(CompletionQueue cq) {
        eventThread = Thread.currentThread();
        synchronized (sendBatch) {
            int n;
            while ((n = cq.poll(sendBatch)) > 0) {
                for (int i = 0; i < n; i++) {
                    WorkCompletion wc = sendBatch[i];
                    HostSession s = byControlQpn.get(wc.qpNumber);
                    if (s == null) {
                        s = endingSession(wc.qpNumber);
                    }
                    if (s == null) {
                        continue; // LOGIN_ACK/REJECT datagrams, or a session already gone
                    }
                    if (wc.wrId == HostSession.RESET_WR_ID) {
                        s.resetSent.countDown();
                    } else if (!wc.ok() && wc.status != WcStatus.WORK_REQUEST_FLUSHED) {
                        end(s, "control send failed: " + wc.status, 0);
                    }
                }
            }
        }
    }

    private HostSession endingSession(int qpNumber) {
        return ending.get(qpNumber);
    }

    // ---- unplug / shutdown ----------------------------------------------------------------

    /**
     * Stops serving the device. {@code graceful}: the bridge stays but its command handler goes
     * (the handler bundle stops), so every VNIC is told with RESET(SHUTDOWN). Not graceful: the
     * device itself is going (an unplug), which must look like one to the host: no word at all.
     */
    public void close(boolean graceful) {
        closing = true;
        device.removeLinkListener(this);
        hca.removeAsyncEventListener(this);
        try {
            hca.subnet(BridgeDevice.FABRIC_PORT).unregisterService(Protocol.SERVICE_NAME, loginQp.number());
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "login service of " + device.name() + " already gone with its fabric", e);
        }
        List<HostSession> all;
        synchronized (sessionsLock) {
            all = new ArrayList<>(byControlQpn.values());
            for (HostSession s : all) {
                ending.put(s.controlQp.number(), s);
            }
        }
        for (HostSession s : all) {
            end(s, graceful ? "shutdown" : "device unplugged",
                    graceful ? ControlMessage.Reset.SHUTDOWN : 0);
        }
        ending.clear();
        try {
            loginQp.close();
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "login QP of " + device.name() + " already gone with its fabric", e);
        }
        sendCq.close();
        receiveCq.close();
    }

    @Override
    public void close() {
        close(false);
    }

    private static String truncate(String s) {
        byte[] utf8 = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        if (utf8.length <= ControlMessage.MAX_NAME) {
            return s;
        }
        return new String(utf8, 0, ControlMessage.MAX_NAME - 3, java.nio.charset.StandardCharsets.US_ASCII)
                .replaceAll("[^\\x20-\\x7e]", "?") + "...";
    }

    private static WorkCompletion[] batch() {
        WorkCompletion[] b = new WorkCompletion[POLL_BATCH];
        for (int i = 0; i < b.length; i++) {
            b[i] = new WorkCompletion();
        }
        return b;
    }

    @Override
    public String toString() {
        return "host command handler of " + device.name();
    }
}
