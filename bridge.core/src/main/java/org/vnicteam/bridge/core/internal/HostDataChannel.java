package org.vnicteam.bridge.core.internal;

import java.nio.ByteBuffer;
import java.util.Collection;
import java.util.concurrent.ThreadLocalRandom;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.vnicteam.api.bridge.ChannelStatus;
import org.vnicteam.api.bridge.DataChannel;
import org.vnicteam.api.eoib.DataMessage;
import org.vnicteam.api.eoib.MessageHeader;
import org.vnicteam.api.eoib.ProtocolException;
import org.vnicteam.api.eoib.RejectCounters;
import org.vnicteam.api.verbs.QpInitAttributes;
import org.vnicteam.api.verbs.QpState;
import org.vnicteam.api.verbs.QpType;
import org.vnicteam.api.verbs.QueuePair;
import org.vnicteam.api.verbs.RcConnection;
import org.vnicteam.api.verbs.VerbsException;
import org.vnicteam.api.verbs.WcStatus;
import org.vnicteam.api.verbs.WorkCompletion;

/**
 * The DATA path of one session. Allocation-free per frame: one receive ring and one send ring,
 * each a single buffer cut into fixed slots at construction; receives are re-posted as soon as
 * their frame is on the wire (the port copies it), send slots are reused once a completion at or
 * after them arrives (RC completes in order, so the newest completed send says which are free).
 */
final class HostDataChannel implements DataChannel {

    private static final Logger LOG = Logger.getLogger(HostDataChannel.class.getName());
    /** A receive slot takes any legal message: a shorter one would let an oversized frame kill the QP. */
    static final int RECEIVE_SLOT = MessageHeader.MAX_LENGTH;
    /** Sends toward the host that ask for a completion: one in this many. */
    static final int SIGNAL_EVERY = 16;
    /** How many of the sequence numbers last put on the wire are kept (a power of two). */
    static final int RECENT_ON_WIRE = 256;

    private final Bridge bridge;
    private final Peer peer;
    private final QueuePair qp;
    private final int startPsn;
    private final int maxFrameToHost;

    private final ByteBuffer receiveRing;
    private final int receiveSlots;
    private final ByteBuffer sendRing;
    private final int sendSlots;
    private final int sendSlotSize;

    private volatile AddressFilter filter = AddressFilter.NONE;
    /** Held across port.send and the record of what it sent; see {@link #lastSequenceOnWire()}. */
    private final Object wireLock = new Object();
    /** Under wireLock: the sequence numbers of the last frames on the wire, the newest at (framesOnWire - 1). */
    private final int[] recentOnWire = new int[RECENT_ON_WIRE];
    private long framesOnWire;
    private volatile boolean closed;

    // Ethernet → host, under sendLock
    private final Object sendLock = new Object();
    private long postedSends;
    private volatile int sequenceToHost;
    // written by the fabric's event thread only
    private volatile long completedSends;

    final FrameCounters counters = new FrameCounters();
    final RejectCounters rejects = new RejectCounters();

    HostDataChannel(Bridge bridge, Peer peer) throws VerbsException {
        this.bridge = bridge;
        this.peer = peer;
        BridgeSettings s = bridge.settings;
        this.maxFrameToHost = Math.min(peer.maxFrame(), s.maxFrame(true));
        this.receiveSlots = s.hostReceives();
        this.sendSlots = s.hostSendSlots();
        this.sendSlotSize = MessageHeader.SIZE + maxFrameToHost;
        this.receiveRing = ByteBuffer.allocate(receiveSlots * RECEIVE_SLOT);
        this.sendRing = ByteBuffer.allocate(sendSlots * sendSlotSize);
        this.startPsn = ThreadLocalRandom.current().nextInt(1 << 24);
        this.qp = bridge.hca.createQueuePair(new QpInitAttributes(QpType.RC, Bridge.FABRIC_PORT, bridge.sendCq,
                bridge.receiveCq, sendSlots, receiveSlots, QpInitAttributes.DEFAULT_PKEY, 0));
        try {
            for (int slot = 0; slot < receiveSlots; slot++) {
                qp.postReceive(slot, receiveRing, slot * RECEIVE_SLOT, RECEIVE_SLOT);
            }
        } catch (VerbsException | RuntimeException e) {
            qp.close();
            throw e;
        }
    }

    /** Second step of opening, once the bridge dispatches completions to this channel. */
    void connect() throws VerbsException {
        qp.connect(RcConnection.to(peer.lid(), peer.queuePairNumber(), startPsn, peer.startPsn()));
    }

    @Override
    public Peer peer() {
        return peer;
    }

    @Override
    public int queuePairNumber() {
        return qp.number();
    }

    @Override
    public int startPsn() {
        return startPsn;
    }

    @Override
    public boolean configureAddresses(byte[] teamMac, Collection<Integer> vlans) {
        if (vlans.size() > bridge.settings.maxVlans()) {
            return false;
        }
        filter = new AddressFilter(teamMac, vlans);
        bridge.addressesChanged();
        return true;
    }

    /** What CONFIG_ADDRESSES last programmed (the port's filter and the path probes follow it). */
    AddressFilter addressFilter() {
        return filter;
    }

    @Override
    public boolean pathUp() {
        return bridge.pathUp(this);
    }

    /**
     * Exact at a carrier change: the port drops carrier first and then tells its listeners, so a
     * send the port accepted is either finished (and counted here) before this lock is free, or it
     * starts afterwards and is refused. Without the lock, LINK_STATUS could name a frame before
     * one that did reach the wire, and the host would send that one twice.
     *
     * <p>After a link loss, the newest frames the port accepted may not have reached the wire: a
     * real interface drops what it is still handed until it notices the loss. So the answer steps
     * back by the port's {@link org.vnicteam.api.ethernet.EthernetPort#unsentSinceCarrierLoss
     * count of them}, asked now, once this channel's sends are finished; asked with the carrier
     * still up too, since a KEEPALIVE_ACK sent before the port noticed must not confirm them
     * either (the host never takes a confirmation back). Several channels share the port and the
     * count covers all of their frames: stepping each channel back by the whole count is the safe
     * over-estimate (the host sends a frame twice rather than never).
     *
     * <p>The port is asked between two short holds of the lock, never under it: the answer is a
     * kernel request, and the lock is on every frame's way to the wire. What this channel put on
     * the wire meanwhile is not confirmed by this answer, and counting its drops too only
     * over-estimates.
     */
    @Override
    public int lastSequenceOnWire() {
        long sent;
        synchronized (wireLock) { // in-flight sends are finished once we hold it
            sent = framesOnWire;
        }
        if (sent == 0) {
            return 0;
        }
        int unsent = Math.max(0, bridge.port.unsentSinceCarrierLoss());
        synchronized (wireLock) {
            return steppedBack(sent, unsent);
        }
    }

    /**
     * Of the first {@code sent} frames this channel put on the wire, the sequence number of the one
     * before the newest {@code unsent}; under wireLock. Before the oldest number kept it assumes
     * consecutive numbers (true unless the bridge dropped some of those frames), and 0, nothing on
     * the wire, when every frame of the session may be lost.
     */
    private int steppedBack(long sent, int unsent) {
        long target = sent - 1 - unsent;
        if (target < 0) {
            return 0;
        }
        long oldest = Math.max(0, framesOnWire - RECENT_ON_WIRE);
        if (target >= oldest) {
            return recentOnWire[(int) (target & (RECENT_ON_WIRE - 1))];
        }
        long oldestSequence = recentOnWire[(int) (oldest & (RECENT_ON_WIRE - 1))] & 0xFFFF_FFFFL;
        return (int) Math.max(0, oldestSequence - (oldest - target));
    }

    @Override
    public boolean isOpen() {
        return !closed && qp.state() == QpState.READY_TO_SEND;
    }

    @Override
    public ChannelStatus status() {
        AddressFilter f = filter;
        return new ChannelStatus(peer, qp.number(), isOpen(), f.teamMacText(), f.vlans, lastSequenceOnWire(),
                sequenceToHost, counters.snapshot(0), rejects.snapshot());
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            qp.close();
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "data QP of session " + peer.sessionId() + " already gone with its fabric", e);
        }
        bridge.channelClosed(this);
    }

    // ---- host → Ethernet (fabric event thread) ----------------------------------------------

    /** A receive completion of this channel's QP. */
    void onReceiveCompleted(WorkCompletion wc) {
        if (!wc.ok()) {
            // The QP is in error (peer gone, or being destroyed): the buffer is not posted again.
            if (wc.status != WcStatus.WORK_REQUEST_FLUSHED) {
                counters.increment(FrameCounters.DROPPED_MALFORMED);
            }
            return;
        }
        int slot = (int) wc.wrId;
        int base = slot * RECEIVE_SLOT;
        forwardToEthernet(base, wc.byteLength, wc.sourceLid, wc.sourceQp);
        repostReceive(slot);
    }

    private void forwardToEthernet(int base, int length, int sourceLid, int sourceQp) {
        ByteBuffer rx = receiveRing;
        ProtocolException.Cause cause = DataMessage.check(rx, base, length, peer.sessionId());
        if (cause == null && (sourceLid != peer.lid() || sourceQp != peer.queuePairNumber())) {
            cause = ProtocolException.Cause.WRONG_PEER;
        }
        if (cause != null) {
            rejects.count(cause);
            counters.increment(FrameCounters.DROPPED_MALFORMED);
            return;
        }
        int frameOffset = DataMessage.frameOffset(base);
        int frameLength = DataMessage.frameLength(length);
        if (frameLength > bridge.settings.maxFrame(Frames.isTagged(rx, frameOffset, frameLength))) {
            counters.increment(FrameCounters.DROPPED_OVERSIZE);
            return;
        }
        // The frame leaves with the team MAC as source whatever the host wrote there; before
        // CONFIG_ADDRESSES that is the bridge's own MAC. The 802.1Q tag stays as the host set it.
        AddressFilter f = filter;
        rx.put(frameOffset + Frames.SOURCE_OFFSET, f.programmed ? f.teamMacBytes : bridge.macBytes);
        boolean sent;
        synchronized (wireLock) {
            sent = bridge.port.send(rx, frameOffset, frameLength);
            if (sent) {
                recentOnWire[(int) (framesOnWire++ & (RECENT_ON_WIRE - 1))] = MessageHeader.sequence(rx, base);
            }
        }
        if (sent) {
            counters.increment(FrameCounters.TX_FRAMES);
            counters.add(FrameCounters.TX_BYTES, frameLength);
            if (f.programmed && Frames.isLearningFrame(rx, frameOffset, frameLength)) {
                bridge.learningFrameSent(f.teamMac, Frames.vlan(rx, frameOffset, frameLength));
            }
        } else {
            counters.increment(refusalCause(frameLength));
        }
    }

    /**
     * Why the port refused a frame the bridge had already checked: no carrier, a port that carries
     * shorter frames than the bridge's MTU allows, or else no room in the port's queue.
     */
    private int refusalCause(int frameLength) {
        if (!bridge.port.carrier()) {
            return FrameCounters.DROPPED_NO_CARRIER;
        }
        return frameLength > bridge.port.maxFrameSize() ? FrameCounters.DROPPED_OVERSIZE
                : FrameCounters.DROPPED_NO_BUFFER;
    }

    private void repostReceive(int slot) {
        if (closed) {
            return;
        }
        try {
            qp.postReceive(slot, receiveRing, slot * RECEIVE_SLOT, RECEIVE_SLOT);
        } catch (VerbsException e) {
            LOG.log(Level.FINE, "receive not re-posted on data QP {0}: {1}", new Object[] { qp.number(), e });
        }
    }

    /**
     * A send completion of this channel's QP. Its work request id is the send's number; RC completes
     * in order, so it and every send before it are done and their slots free again. (Errors are
     * reported even for unsignaled sends: they free their slots the same way.)
     */
    void onSendCompleted(WorkCompletion wc) {
        long done = wc.wrId + 1;
        if (done > completedSends) {
            completedSends = done;
        }
    }

    // ---- Ethernet → host (the port's receive thread) ----------------------------------------

    /**
     * Offers a frame from Ethernet; returns whether it was for this channel (and then it is either
     * sent to the host or counted as dropped here).
     */
    boolean offerFromEthernet(ByteBuffer frame, int offset, int length, long destination, boolean group,
            long source, int vlan) {
        if (closed || !filter.accepts(destination, group, source, vlan)) {
            return false;
        }
        if (length > maxFrameToHost) {
            counters.increment(FrameCounters.DROPPED_OVERSIZE);
            return true;
        }
        synchronized (sendLock) {
            long posted = postedSends;
            if (posted - completedSends >= sendSlots) {
                counters.increment(FrameCounters.DROPPED_NO_BUFFER);
                return true;
            }
            int base = (int) (posted % sendSlots) * sendSlotSize;
            sendRing.put(base + MessageHeader.SIZE, frame, offset, length);
            int sequence = sequenceToHost + 1;
            int messageLength = DataMessage.writeHeader(sendRing, base, peer.sessionId(), sequence, length);
            // One send in SIGNAL_EVERY asks for a completion (and one whenever the ring is about to
            // fill, so a slot is always on its way back): a completion frees all slots before it.
            boolean signaled = (posted % SIGNAL_EVERY) == SIGNAL_EVERY - 1
                    || posted - completedSends >= sendSlots - SIGNAL_EVERY;
            try {
                qp.postSend(posted, sendRing, base, messageLength, signaled);
            } catch (VerbsException e) {
                counters.increment(FrameCounters.DROPPED_NO_BUFFER);
                return true;
            }
            postedSends = posted + 1;
            sequenceToHost = sequence;
        }
        counters.increment(FrameCounters.RX_FRAMES);
        counters.add(FrameCounters.RX_BYTES, length);
        return true;
    }

    @Override
    public String toString() {
        return "data channel of session " + peer.sessionId() + " on " + bridge.name() + " (QP " + qp.number() + ")";
    }
}
