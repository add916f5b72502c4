package org.vnicteam.bridge.hostcmd.peer;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Predicate;

import org.vnicteam.api.eoib.ControlMessage;
import org.vnicteam.api.eoib.DataMessage;
import org.vnicteam.api.eoib.MessageHeader;
import org.vnicteam.api.eoib.MessageType;
import org.vnicteam.api.eoib.Protocol;
import org.vnicteam.api.eoib.ProtocolException;
import org.vnicteam.api.verbs.AsyncEvent;
import org.vnicteam.api.verbs.CompletionQueue;
import org.vnicteam.api.verbs.Hca;
import org.vnicteam.api.verbs.PortStateTrap;
import org.vnicteam.api.verbs.QpInitAttributes;
import org.vnicteam.api.verbs.QpType;
import org.vnicteam.api.verbs.QueuePair;
import org.vnicteam.api.verbs.RcConnection;
import org.vnicteam.api.verbs.ServiceRecord;
import org.vnicteam.api.verbs.VerbsException;
import org.vnicteam.api.verbs.WcOpcode;
import org.vnicteam.api.verbs.WorkCompletion;

/**
 * The VNIC side of one session, written for tests from docs/protocol.md alone: it finds a bridge's
 * service record, logs in over UD, connects its RC control and data queue pairs, and then sends
 * and receives control messages and DATA frames, recording everything with arrival times. Several
 * peers can share one HCA (the server's), each with its own queues.
 */
public final class VnicPeer implements AutoCloseable {

    static final int SLOT = MessageHeader.MAX_LENGTH;
    static final int RECEIVES = 256;
    static final int MAX_FRAME = 1518;

    /** A control message as it arrived. */
    public record Received(MessageHeader header, ControlMessage message, long nanoTime) {
    }

    private final Hca hca;
    private final String bridgeAdapter;
    private final String vnicName;
    private final long hostGuid;
    private final int keepaliveMicros;
    private final CompletionQueue sendCq;
    private final CompletionQueue receiveCq;
    private final QueuePair udQp;
    private final QueuePair controlQp;
    private final QueuePair dataQp;
    private final ByteBuffer udRing = ByteBuffer.allocate(64 * 4096);
    private final ByteBuffer controlRing = ByteBuffer.allocate(64 * SLOT);
    private final ByteBuffer dataRing = ByteBuffer.allocate(RECEIVES * SLOT);
    private final int controlPsn = ThreadLocalRandom.current().nextInt(1 << 24);
    private final int dataPsn = ThreadLocalRandom.current().nextInt(1 << 24);
    private final WorkCompletion[] batch = new WorkCompletion[64];
    private final ScheduledExecutorService keepaliveTimer;
    private ScheduledFuture<?> keepalives;

    /** Everything that arrived over UD (LOGIN_ACK, LOGIN_REJECT) and on the control QP. */
    public final LinkedBlockingQueue<Received> control = new LinkedBlockingQueue<>();
    /** Frames (without the DATA header) that arrived on the data QP, when no frame sink is set. */
    public final LinkedBlockingQueue<byte[]> frames = new LinkedBlockingQueue<>();
    /** Queue-pair errors and port events of the HCA that concern this peer. */
    public final List<AsyncEvent> events = new CopyOnWriteArrayList<>();
    public final List<PortStateTrap> traps = new CopyOnWriteArrayList<>();
    public final AtomicLong keepaliveAcks = new AtomicLong();
    /** Control messages from the bridge that failed the checks: must stay empty. */
    public final List<String> malformedFromBridge = new CopyOnWriteArrayList<>();
    public final AtomicLong dataReceived = new AtomicLong();
    public final AtomicLong badDataReceived = new AtomicLong();
    private volatile Consumer<ByteBuffer> frameSink;
    private volatile ControlMessage.LoginAck loginAck;
    private volatile int session;
    private volatile int bridgeLid;
    private volatile int nextDataSequence = 1;
    private volatile int lastDataSequenceReceived;
    private int controlSequence;

    /**
     * @param hca the server's HCA, owned by the caller
     * @param bridgeAdapter the adapter name of the bridge's service record, e.g. "bridgeA"
     * @param vnicName the VNIC's name (with the HCA's GUID, its identity at the bridge)
     * @param keepaliveMicros the keep-alive interval announced in LOGIN
     */
    public VnicPeer(Hca hca, String bridgeAdapter, String vnicName, int keepaliveMicros) throws VerbsException {
        this.hca = hca;
        this.bridgeAdapter = bridgeAdapter;
        this.vnicName = vnicName;
        this.hostGuid = hca.nodeGuid();
        this.keepaliveMicros = keepaliveMicros;
        for (int i = 0; i < batch.length; i++) {
            batch[i] = new WorkCompletion();
        }
        sendCq = hca.createCompletionQueue(8192);
        receiveCq = hca.createCompletionQueue(8192);
        udQp = hca.createQueuePair(QpInitAttributes.ud(1, sendCq, receiveCq, 64, Protocol.LOGIN_QKEY));
        controlQp = hca.createQueuePair(new QpInitAttributes(QpType.RC, 1, sendCq, receiveCq, 256, 64,
                QpInitAttributes.DEFAULT_PKEY, 0));
        dataQp = hca.createQueuePair(new QpInitAttributes(QpType.RC, 1, sendCq, receiveCq, 4096, RECEIVES,
                QpInitAttributes.DEFAULT_PKEY, 0));
        for (int i = 0; i < 64; i++) {
            udQp.postReceive(i, udRing, i * 4096, 4096);
            controlQp.postReceive(i, controlRing, i * SLOT, SLOT);
        }
        for (int i = 0; i < RECEIVES; i++) {
            dataQp.postReceive(i, dataRing, i * SLOT, SLOT);
        }
        udQp.ready();
        sendCq.setListener(cq -> {
            WorkCompletion[] w = { new WorkCompletion() };
            while (cq.poll(w) > 0) {
                if (!w[0].ok()) {
                    events.add(new AsyncEvent(AsyncEvent.Type.QP_ERROR, 1, w[0].qpNumber, "send " + w[0].status));
                }
            }
        });
        receiveCq.setListener(this::drainReceives);
        hca.addAsyncEventListener(e -> {
            if (e.qpNumber() == 0 || e.qpNumber() == controlQp.number() || e.qpNumber() == dataQp.number()) {
                events.add(e);
            }
        });
        hca.subnet(1).subscribe(traps::add);
        keepaliveTimer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "vnic-peer-" + vnicName);
            t.setDaemon(true);
            return t;
        });
    }

    // ---- login ----------------------------------------------------------------------------

    /** The bridge's login service record, if the SA has one now. */
    public Optional<ServiceRecord> findBridge() {
        return hca.subnet(1).services(Protocol.SERVICE_NAME).stream()
                .filter(r -> r.adapterName().equals(bridgeAdapter)).findFirst();
    }

    /**
     * Logs in: LOGIN every {@link Protocol#LOGIN_RETRY_NANOS} with a new nonce until the LOGIN_ACK
     * carrying the latest nonce arrives (or {@code timeout}), then connects both RC queue pairs.
     *
     * @return the LOGIN_ACK
     * @throws AssertionError on LOGIN_REJECT or timeout
     */
    public ControlMessage.LoginAck login(Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<ServiceRecord> bridge = findBridge();
            if (bridge.isEmpty()) {
                Thread.sleep(5);
                continue;
            }
            ServiceRecord r = bridge.get();
            int nonce = ThreadLocalRandom.current().nextInt();
            sendLogin(r, new ControlMessage.Login(hostGuid, controlQp.number(), dataQp.number(), controlPsn, dataPsn,
                    keepaliveMicros, MAX_FRAME, vnicName).toBytes(0, nonce));
            long retry = System.nanoTime() + Protocol.LOGIN_RETRY_NANOS;
            Received answer;
            while ((answer = control.poll(Math.max(0, retry - System.nanoTime()), TimeUnit.NANOSECONDS)) != null) {
                if (answer.header().sequence() != nonce) {
                    continue; // the answer to an earlier LOGIN
                }
                if (answer.message() instanceof ControlMessage.LoginReject rej) {
                    throw new AssertionError("LOGIN_REJECT from " + bridgeAdapter + ": " + rej);
                }
                if (answer.message() instanceof ControlMessage.LoginAck ack) {
                    connect(r.lid(), answer.header().session(), ack);
                    return ack;
                }
            }
        }
        throw new AssertionError("no LOGIN_ACK from " + bridgeAdapter + " within " + timeout.toMillis() + " ms");
    }

    /** Sends a LOGIN datagram (well-formed or not) to the bridge's login queue pair. */
    public void sendLogin(ServiceRecord bridge, byte[] datagram) throws VerbsException {
        udQp.postSend(0, ByteBuffer.wrap(datagram), 0, datagram.length, bridge.lid(), bridge.qpn(), bridge.qkey());
    }

    private void connect(int lid, int sessionId, ControlMessage.LoginAck ack) throws VerbsException {
        session = sessionId;
        bridgeLid = lid;
        loginAck = ack;
        controlQp.connect(RcConnection.to(lid, ack.controlQpn(), controlPsn, ack.controlPsn()));
        dataQp.connect(RcConnection.to(lid, ack.dataQpn(), dataPsn, ack.dataPsn()));
    }

    public int session() {
        return session;
    }

    public ControlMessage.LoginAck loginAck() {
        return loginAck;
    }

    // ---- control ----------------------------------------------------------------------------

    /** Sends a control message with this session's id and the next message number. */
    public synchronized void send(ControlMessage m) throws VerbsException {
        sendRawControl(m.toBytes(session, ++controlSequence));
    }

    /** Puts any bytes on the control queue pair (malformed-message tests). */
    public void sendRawControl(byte[] message) throws VerbsException {
        controlQp.postSend(0, ByteBuffer.wrap(message), 0, message.length, false);
    }

    /** Encodes with this session id and the next message number, for tests that then break the bytes. */
    public synchronized byte[] encode(ControlMessage m) {
        return m.toBytes(session, ++controlSequence);
    }

    /** Waits for the next control message of a type, dropping others of no interest on the way. */
    @SuppressWarnings("unchecked")
    public <T extends ControlMessage> Received await(Class<T> type, Duration timeout) throws InterruptedException {
        return awaitMatching(r -> type.isInstance(r.message()), timeout, type.getSimpleName());
    }

    public Received awaitMatching(Predicate<Received> match, Duration timeout, String what)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Received r;
        while ((r = control.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) != null) {
            if (match.test(r)) {
                return r;
            }
        }
        throw new AssertionError("no " + what + " from " + bridgeAdapter + " within " + timeout.toMillis() + " ms");
    }

    public ControlMessage.ConfigAck configure(byte[] teamMac, List<Integer> vlans, Duration timeout)
            throws Exception {
        send(new ControlMessage.ConfigAddresses(teamMac, vlans));
        return (ControlMessage.ConfigAck) await(ControlMessage.ConfigAck.class, timeout).message();
    }

    public ControlMessage.StatsReport stats(Duration timeout) throws Exception {
        send(ControlMessage.StatsRequest.INSTANCE);
        return (ControlMessage.StatsReport) await(ControlMessage.StatsReport.class, timeout).message();
    }

    /** Sends KEEPALIVE every {@code interval} on a timer thread until {@link #stopKeepalives()}. */
    public synchronized void startKeepalives(Duration interval) {
        stopKeepalives();
        keepalives = keepaliveTimer.scheduleAtFixedRate(() -> {
            try {
                send(new ControlMessage.Keepalive(System.nanoTime()));
            } catch (VerbsException e) {
                // the QP is in error: the bridge is gone; the events say so
            }
        }, 0, interval.toNanos(), TimeUnit.NANOSECONDS);
    }

    public synchronized void stopKeepalives() {
        if (keepalives != null) {
            keepalives.cancel(false);
            keepalives = null;
        }
    }

    // ---- data ---------------------------------------------------------------------------------

    /** Sends one frame as the next DATA message of the session; returns its sequence number. */
    public synchronized int sendFrame(byte[] frame) throws VerbsException {
        int seq = nextDataSequence++;
        byte[] m = new byte[MessageHeader.SIZE + frame.length];
        ByteBuffer b = ByteBuffer.wrap(m);
        b.put(MessageHeader.SIZE, frame);
        DataMessage.writeHeader(b, 0, session, seq, frame.length);
        dataQp.postSend(0, b, 0, m.length, false);
        return seq;
    }

    /** Puts any bytes on the data queue pair (malformed-message tests). */
    public void sendRawData(byte[] message) throws VerbsException {
        dataQp.postSend(0, ByteBuffer.wrap(message), 0, message.length, false);
    }

    /** Frames from the bridge go to {@code sink} (valid during the call) instead of {@link #frames}. */
    public void setFrameSink(Consumer<ByteBuffer> sink) {
        frameSink = sink;
    }

    /** The sequence number of the last DATA frame sent, 0 before the first. */
    public int lastDataSequenceSent() {
        return nextDataSequence - 1;
    }

    public int lastDataSequenceReceived() {
        return lastDataSequenceReceived;
    }

    public QueuePair controlQp() {
        return controlQp;
    }

    public QueuePair dataQp() {
        return dataQp;
    }

    public int bridgeLid() {
        return bridgeLid;
    }

    // ---- receive ------------------------------------------------------------------------------

    private void drainReceives(CompletionQueue cq) {
        int n;
        while ((n = cq.poll(batch)) > 0) {
            long now = System.nanoTime();
            for (int i = 0; i < n; i++) {
                WorkCompletion wc = batch[i];
                if (wc.opcode != WcOpcode.RECV || !wc.ok()) {
                    continue;
                }
                try {
                    if (wc.qpNumber == udQp.number()) {
                        onControl(udRing, (int) wc.wrId * 4096, wc.byteLength, now);
                        udQp.postReceive(wc.wrId, udRing, (int) wc.wrId * 4096, 4096);
                    } else if (wc.qpNumber == controlQp.number()) {
                        onControl(controlRing, (int) wc.wrId * SLOT, wc.byteLength, now);
                        controlQp.postReceive(wc.wrId, controlRing, (int) wc.wrId * SLOT, SLOT);
                    } else if (wc.qpNumber == dataQp.number()) {
                        onData((int) wc.wrId * SLOT, wc.byteLength);
                        dataQp.postReceive(wc.wrId, dataRing, (int) wc.wrId * SLOT, SLOT);
                    }
                } catch (VerbsException e) {
                    // QP gone: the test is closing it
                }
            }
        }
    }

    private void onControl(ByteBuffer b, int off, int length, long now) {
        try {
            ControlMessage.Decoded d = ControlMessage.decode(b, off, length);
            if (d.message() instanceof ControlMessage.KeepaliveAck) {
                keepaliveAcks.incrementAndGet();
                return; // counted, not queued: a steady stream of them would bury what tests wait for
            }
            control.add(new Received(d.header(), d.message(), now));
        } catch (ProtocolException e) {
            // never thrown from here: this runs on the fabric's event thread
            malformedFromBridge.add(e.getMessage());
        }
    }

    private void onData(int off, int length) {
        if (DataMessage.check(dataRing, off, length, session) != null
                || MessageHeader.type(dataRing, off) != MessageType.DATA) {
            badDataReceived.incrementAndGet();
            return;
        }
        lastDataSequenceReceived = MessageHeader.sequence(dataRing, off);
        dataReceived.incrementAndGet();
        Consumer<ByteBuffer> sink = frameSink;
        if (sink != null) {
            sink.accept(dataRing.slice(DataMessage.frameOffset(off), DataMessage.frameLength(length)));
        } else {
            byte[] f = new byte[DataMessage.frameLength(length)];
            dataRing.get(DataMessage.frameOffset(off), f);
            frames.add(f);
        }
    }

    /** Destroys the peer's queues (the HCA stays with its owner). */
    @Override
    public void close() {
        stopKeepalives();
        keepaliveTimer.shutdownNow();
        for (QueuePair qp : new QueuePair[] { udQp, controlQp, dataQp }) {
            try {
                qp.close();
            } catch (RuntimeException e) {
                // the fabric is already gone
            }
        }
        sendCq.close();
        receiveCq.close();
    }

    @Override
    public String toString() {
        return "VNIC peer " + vnicName + " of bridge " + bridgeAdapter + " (session " + Integer.toHexString(session)
                + ")";
    }
}
