package org.vnicteam.bridge.hostcmd.internal;

import java.nio.ByteBuffer;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.vnicteam.api.bridge.ChannelStatus;
import org.vnicteam.api.bridge.DataChannel;
import org.vnicteam.api.eoib.ControlMessage;
import org.vnicteam.api.eoib.MessageHeader;
import org.vnicteam.api.eoib.RejectCounters;
import org.vnicteam.api.eoib.Session;
import org.vnicteam.api.verbs.QueuePair;
import org.vnicteam.api.verbs.VerbsException;

/**
 * One VNIC's session with a bridge: the control queue pair (owned here), the data channel (owned
 * by the device, opened for this session), the keep-alive clock and the counted rejects.
 */
final class HostSession {

    private static final Logger LOG = Logger.getLogger(HostSession.class.getName());
    /** Work request id of a RESET sent on shutdown: its completion says it reached the VNIC. */
    static final long RESET_WR_ID = 1;
    private static final long CONTROL_WR_ID = 0;
    /** A receive slot takes any legal message (CONFIG_ADDRESSES with 4095 VLANs is 8214 bytes). */
    static final int RECEIVE_SLOT = MessageHeader.MAX_LENGTH;

    record VnicKey(long hostGuid, String vnicName) {
    }

    final Session session;
    final VnicKey vnic;
    final QueuePair controlQp;
    final DataChannel channel;
    final ByteBuffer receiveRing;
    final int receiveSlots;
    final long keepaliveNanos;
    final RejectCounters rejects = new RejectCounters();
    final CountDownLatch resetSent = new CountDownLatch(1);
    volatile long lastHeardNanos = System.nanoTime();
    volatile ScheduledFuture<?> expiry;
    private int messagesSent;
    private boolean closed;

    HostSession(Session session, VnicKey vnic, QueuePair controlQp, DataChannel channel, ByteBuffer receiveRing,
            int receiveSlots, long keepaliveNanos) {
        this.session = session;
        this.vnic = vnic;
        this.controlQp = controlQp;
        this.channel = channel;
        this.receiveRing = receiveRing;
        this.receiveSlots = receiveSlots;
        this.keepaliveNanos = keepaliveNanos;
    }

    int id() {
        return session.id();
    }

    /**
     * Sends a control message to the VNIC, numbered by this session's message counter. Any thread:
     * the carrier-change thread sends LINK_STATUS through here while the fabric's event thread
     * answers keep-alives. The encoded array is the work request's buffer until the HCA is done
     * with it; a fresh one per message keeps that simple on this low-rate path.
     *
     * @return false if the queue pair no longer takes sends (the session is ending)
     */
    synchronized boolean send(ControlMessage message) {
        return post(message, CONTROL_WR_ID, false);
    }

    private boolean post(ControlMessage message, long wrId, boolean signaled) {
        if (closed) {
            return false;
        }
        int sequence = ++messagesSent;
        byte[] bytes = message.toBytes(session.id(), sequence);
        try {
            controlQp.postSend(wrId, ByteBuffer.wrap(bytes), 0, bytes.length, signaled);
            return true;
        } catch (VerbsException | RuntimeException e) {
            LOG.log(Level.FINE, "session {0}: {1} not sent: {2}", new Object[] { id(), message.type(), e });
            return false;
        }
    }

    void repostReceive(long slot) {
        try {
            controlQp.postReceive(slot, receiveRing, (int) slot * RECEIVE_SLOT, RECEIVE_SLOT);
        } catch (VerbsException | RuntimeException e) {
            LOG.log(Level.FINE, "session {0}: receive not re-posted: {1}", new Object[] { id(), e });
        }
    }

    /**
     * Ends the session: optionally tells the VNIC with RESET (and waits, bounded, for it to be
     * acknowledged so that destroying the queue pair does not swallow it), then destroys the control
     * queue pair and closes the data channel.
     *
     * @param resetReason a {@link ControlMessage.Reset} reason, or 0 to end silently (as an unplug does)
     */
    void close(int resetReason, long resetWaitMillis, boolean mayWait) {
        ScheduledFuture<?> e = expiry;
        if (e != null) {
            e.cancel(false);
        }
        boolean waitForReset;
        synchronized (this) {
            if (closed) {
                return;
            }
            waitForReset = resetReason != 0 && post(new ControlMessage.Reset(resetReason), RESET_WR_ID, true)
                    && mayWait;
        }
        if (waitForReset) {
            try {
                resetSent.await(resetWaitMillis, TimeUnit.MILLISECONDS);
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
            }
        }
        synchronized (this) {
            closed = true;
        }
        channel.close();
        try {
            controlQp.close();
        } catch (RuntimeException ex) {
            LOG.log(Level.FINE, "control QP of session " + id() + " already gone with its fabric", ex);
        }
    }

    ControlMessage.StatsReport statsReport(long carrierChanges) {
        ChannelStatus s = channel.status();
        var c = s.counters();
        return new ControlMessage.StatsReport(c.txFrames(), c.txBytes(), c.rxFrames(), c.rxBytes(),
                c.droppedOversize(), c.droppedNoCarrier(), c.droppedFiltered(), c.droppedMalformed() + rejects.total(),
                carrierChanges, s.lastSequenceOnWire() & 0xFFFF_FFFFL);
    }

    @Override
    public String toString() {
        return "session " + Integer.toHexString(id()) + " of VNIC " + vnic.vnicName() + " (host "
                + Long.toHexString(vnic.hostGuid()) + ")";
    }
}
