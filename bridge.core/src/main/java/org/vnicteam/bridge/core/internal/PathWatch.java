package org.vnicteam.bridge.core.internal;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * The path watch of one team on one VLAN: armed once a probe of a peer bridge of the same team
 * was heard on the VLAN, lost when an armed watch heard nothing at all on the VLAN (no probe, no
 * other frame) for {@code misses} checks in a row spanning at least the window ({@code misses} ×
 * interval), back at the first frame heard again.
 *
 * <p>It counts checks as well as time: a check that ran late counts once, so a bridge whose own
 * probe thread stalled does not blame the path for the frames it was not there to see, and checks
 * that crowd together after a late one do not shorten the window. A check later than a whole
 * window after the previous one starts the window again (the receive side may have stalled with
 * it: the frames it missed may still be on their way).
 *
 * <p>Why any frame counts, not only probes: when a bridge's switch port is removed, that bridge
 * hears nothing at all, while its peer still hears the clients' traffic (the switch floods frames
 * for the team MAC once it forgets the removed port) and so stays good. Frames from the bridge's
 * own MAC or a team MAC do not count: they may be echoes of what the bridge sent itself.
 *
 * <p>Why a grace after a learning frame: when the host moves its team to this bridge (because the
 * active one failed), the clients' frames keep going to the old port until the switch moves the
 * team MAC here, and the peer whose probes armed this watch may be the very bridge that failed:
 * the silence says nothing about this bridge's path until the switch has had time to move the MAC
 * ({@link #MOVE_GRACE_NANOS}, or a window if that is longer). Without it, the new active reported
 * its own path lost a window after every carrier fail-over.
 *
 * <p>Threads: {@link #probeFrom} on the receive thread, {@link #learningFrameSent} on the thread
 * that forwards the host's frames; the rest on the probe thread (under the owner's lock). Time comes
 * from the caller, so tests drive it with a fake clock.
 */
final class PathWatch {

    /** For a port that cannot tell whether frames wait in it. */
    static final BooleanSupplier NOTHING_PENDING = () -> false;

    /** What a check changed. */
    enum Change {
        NONE, LOST, BACK
    }

    /** Peers kept for the status; more are counted but not listed. */
    static final int MAX_PEERS = 8;

    /**
     * How long after a learning frame silence is no loss yet: a switch moves a MAC within a few
     * milliseconds (Open vSwitch's userspace datapath 2-8 ms on a busy 2-core machine), a hardware
     * one faster. A double failure (the new active's path broken too) is found this much later.
     */
    static final long MOVE_GRACE_NANOS = 50_000_000L;

    final long teamMac;
    final int vlan;

    // receive thread
    private final AtomicLong peerProbes = new AtomicLong();
    private volatile long[] peers = new long[0];

    // the host's frames on their way out
    private final AtomicLong learningFrames = new AtomicLong();

    // probe thread
    boolean programmed = true;
    long unprogrammedSince;
    private boolean armed;
    /** Since when peers have been heard without a silent window, while not armed; -1: not heard. */
    private long hearingSince = -1;
    private long lastProbeNanos;
    private boolean lost;
    private int silentChecks;
    /** Checks that would have called the path lost but found frames waiting in the port. */
    private int deferred;
    private long heardSeen;
    private long probesSeen;
    private long lastHeardNanos;
    private long lostEvents;
    private long learningSeen;
    /** After a learning frame: no loss before {@link #graceUntil}. */
    private boolean inGrace;
    private long graceUntil;
    long probesSent;
    int sequence;
    /** The probe this watch sends, built once; only its sequence number changes. */
    ByteBuffer frame;

    /**
     * @param heardCount the VLAN's frame counter now (frames before the watch existed do not count)
     * @param now the caller's clock
     */
    PathWatch(long teamMac, int vlan, long heardCount, long now) {
        this.teamMac = teamMac;
        this.vlan = vlan;
        this.heardSeen = heardCount;
        this.lastHeardNanos = now;
    }

    /** A probe of a peer bridge of this team arrived on this VLAN (receive thread). */
    void probeFrom(long sender) {
        peerProbes.incrementAndGet();
        long[] known = peers;
        for (long p : known) {
            if (p == sender) {
                return;
            }
        }
        if (known.length < MAX_PEERS) {
            long[] grown = Arrays.copyOf(known, known.length + 1);
            grown[known.length] = sender;
            peers = grown; // a lost race only loses a name in the status; the count is exact
        }
    }

    /**
     * A learning frame of this team left through this bridge on this VLAN: the host has just moved
     * the team here (see the class comment).
     */
    void learningFrameSent() {
        learningFrames.incrementAndGet();
    }

    /**
     * One check.
     *
     * @param now the caller's clock
     * @param heardCount the VLAN's frame counter now
     * @param late whether this check comes more than a window after the previous one
     * @param misses silent checks in a row after which an armed watch is lost
     * @param windowNanos how long at least those checks must span
     */
    Change check(long now, long heardCount, boolean late, int misses, long windowNanos) {
        return check(now, heardCount, late, misses, windowNanos, 0, NOTHING_PENDING);
    }

    /**
     * One check, arming only once peers have been heard for {@code settleNanos} without a silent
     * window in between (see {@link ProbeSettings#settleNanos()}), and not calling the path lost
     * while {@code receivePending} says frames wait in the port unread: the silence is then the
     * receive thread's (late on a busy machine), not the wire's. That defers a verdict by at most
     * {@code misses} checks more, so a port that always says so cannot hide a loss.
     */
    Change check(long now, long heardCount, boolean late, int misses, long windowNanos, long settleNanos,
            BooleanSupplier receivePending) {
        boolean heard = heardCount != heardSeen;
        heardSeen = heardCount;
        long learning = learningFrames.get();
        if (learning != learningSeen) {
            learningSeen = learning;
            if (!lost) { // a lost path stays lost: the move does not mend it
                inGrace = true;
                graceUntil = now + Math.max(windowNanos, MOVE_GRACE_NANOS);
            }
        }
        long probes = peerProbes.get();
        if (probes != probesSeen) {
            probesSeen = probes;
            lastProbeNanos = now;
            if (!armed) {
                if (hearingSince < 0) {
                    hearingSince = now;
                }
                armed = now - hearingSince >= settleNanos;
            }
        } else if (!armed && hearingSince >= 0 && now - lastProbeNanos > windowNanos) {
            hearingSince = -1; // the peers went quiet before the path settled: start over
        }
        if (heard) {
            lastHeardNanos = now;
            silentChecks = 0;
            deferred = 0;
            if (lost) {
                lost = false;
                return Change.BACK;
            }
            return Change.NONE;
        }
        if (!armed || lost) {
            return Change.NONE;
        }
        if (late) {
            silentChecks = 0;
            deferred = 0;
            return Change.NONE;
        }
        if (++silentChecks >= misses && now - lastHeardNanos >= windowNanos && !(inGrace && now - graceUntil < 0)) {
            if (deferred < misses && receivePending.getAsBoolean()) {
                deferred++;
                return Change.NONE;
            }
            deferred = 0;
            lost = true;
            lostEvents++;
            return Change.LOST;
        }
        return Change.NONE;
    }

    /**
     * The carrier went (or came back): the watch keeps whether it is armed but forgets the window,
     * without an event. The carrier report supersedes the path; after it, the path counts as up
     * until a full window is silent again.
     */
    void restart(long now, long heardCount) {
        lost = false;
        silentChecks = 0;
        deferred = 0;
        heardSeen = heardCount;
        lastHeardNanos = now;
    }

    boolean armed() {
        return armed;
    }

    boolean lost() {
        return lost;
    }

    long lostEvents() {
        return lostEvents;
    }

    long probesReceived() {
        return peerProbes.get();
    }

    long lastHeardNanos() {
        return lastHeardNanos;
    }

    long[] peers() {
        return peers.clone();
    }

    @Override
    public String toString() {
        return "path watch " + Frames.formatMac(teamMac) + " VLAN " + vlan + (lost ? " LOST" : armed ? " armed" : "");
    }
}
