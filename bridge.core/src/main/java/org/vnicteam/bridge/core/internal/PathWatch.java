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
 * <p>Why the window widens on a path that delays: a switch that stalls (Open vSwitch's userspace
 * datapath on a loaded 2-core machine held every frame up to 38 ms) makes a silence that is no
 * failure: the frames arrive afterwards, late. Only the peers' probe sequences tell such a delay
 * from a loss: when a silence ends and each peer's first probe after it is the next in that peer's
 * sequence, that probe took the silence to get here, and the silence is a delay this path has
 * shown ("delay seen"); when the first probe skips numbers, the probes sent meanwhile were lost and
 * the silence is no evidence of delay. A lost watch that comes back the first way was a false
 * alarm and is learnt alike. The watch then calls a path lost only after {@link #DELAY_FACTOR}
 * times the delay seen (at least the configured window, at most the configured bound), and the
 * delay seen halves every {@link #DELAY_HALF_LIFE_NANOS}, so a switch that calmed down gets the
 * short window back. This is phi-accrual failure detection (Hayashibara et al.) reduced to what a
 * 2 ms probe stream shows: not the distribution of arrival gaps, whose tail is what matters and
 * what a few seconds of samples estimate worst, but the worst gap the path recovered from, fading.
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

    /**
     * The window after a delay: 1.5 times the delay seen, so that a path tolerates a stall as long
     * as the worst it showed for about 3 s after it (0.6 half-lives), and a somewhat longer one right
     * after it; while the ordinary jitter of a busy machine (recovered silences of 5 ms) leaves the
     * configured 8 ms window as it is. Twice the delay cost 4 ms of median detection time on the
     * testbed (22 instead of 18 ms at 5 000 frames/s) for that jitter alone.
     */
    static final double DELAY_FACTOR = 1.5;

    /**
     * The delay seen halves this often: a switch that stalled now and then (dozens of times a
     * minute on the testbed) keeps a wide enough window between its stalls, and one that calmed
     * down is back to the configured window within a few half-lives (about 14 s from 38 ms to 8 ms).
     */
    static final long DELAY_HALF_LIFE_NANOS = 5_000_000_000L;

    /** A peer bridge heard on the VLAN, with where its probe sequence stands (receive thread). */
    private static final class Peer {
        final long mac;
        int lastSequence;
        /** The {@link #probeEpoch} of this peer's last probe. */
        int epoch;

        Peer(long mac, int sequence, int epoch) {
            this.mac = mac;
            this.lastSequence = sequence;
            this.epoch = epoch;
        }
    }

    final long teamMac;
    final int vlan;

    // receive thread
    private final AtomicLong peerProbes = new AtomicLong();
    private volatile Peer[] peers = new Peer[0];
    /** Peers' first probes after a check that took probes: the next in their sequence, or not. */
    private final AtomicLong firstInSequence = new AtomicLong();
    private final AtomicLong firstOutOfSequence = new AtomicLong();
    /** Advanced by the probe thread at every check that took probes. */
    private volatile int probeEpoch;

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
    /** The longest silence seen at a check since the last check that took probes. */
    private long silenceSinceProbes;
    private long inSequenceSeen;
    private long outOfSequenceSeen;
    /** The largest delay learnt, decaying from {@link #delaySeenAt}; 0: none. */
    private long delaySeenNanos;
    private long delaySeenAt;
    /** The window and decayed delay seen as of the last check, for the status. */
    private long windowNow;
    private long delayNow;
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

    /**
     * A probe of a peer bridge of this team arrived on this VLAN (receive thread). The first probe
     * of a peer after a check that took probes is classed by whether it follows the peer's last
     * one (int arithmetic: the sequence may wrap); a duplicate, a reordered one, a gap or a peer
     * that started again all count as out of sequence.
     */
    void probeFrom(long sender, int sequence) {
        peerProbes.incrementAndGet();
        int epoch = probeEpoch;
        Peer[] known = peers;
        for (Peer p : known) {
            if (p.mac == sender) {
                if (p.epoch != epoch) {
                    p.epoch = epoch;
                    (sequence - p.lastSequence == 1 ? firstInSequence : firstOutOfSequence).incrementAndGet();
                }
                p.lastSequence = sequence;
                return;
            }
        }
        if (known.length < MAX_PEERS) { // a new peer: nothing to compare its first probe with
            Peer[] grown = Arrays.copyOf(known, known.length + 1);
            grown[known.length] = new Peer(sender, sequence, epoch);
            peers = grown; // for the status; only the receive thread changes a peer (one per port)
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
        return check(now, heardCount, late, misses, windowNanos, windowNanos, settleNanos, receivePending);
    }

    /**
     * One check with a window that widens up to {@code maxWindowNanos} on a path that has shown
     * delays (see the class comment); at or below {@code windowNanos} the window is fixed.
     */
    Change check(long now, long heardCount, boolean late, int misses, long windowNanos, long maxWindowNanos,
            long settleNanos, BooleanSupplier receivePending) {
        boolean heard = heardCount != heardSeen;
        heardSeen = heardCount;
        long probes = peerProbes.get();
        boolean probesHeard = probes != probesSeen;
        learnDelay(now, heard, late, probesHeard);
        long window = window(now, windowNanos, maxWindowNanos);
        long learning = learningFrames.get();
        if (learning != learningSeen) {
            learningSeen = learning;
            if (!lost) { // a lost path stays lost: the move does not mend it
                inGrace = true;
                graceUntil = now + Math.max(window, MOVE_GRACE_NANOS);
            }
        }
        if (probesHeard) {
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
        if (++silentChecks >= misses && now - lastHeardNanos >= window && !(inGrace && now - graceUntil < 0)) {
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
     * Measures the silence at every silent check (a late check's silence is the probe thread's, not
     * the path's) and, at the next check that takes probes, learns it as a delay if every peer's
     * first probe since then followed its last one and at least one did.
     */
    private void learnDelay(long now, boolean heard, boolean late, boolean probesHeard) {
        if (!heard && !late) {
            silenceSinceProbes = Math.max(silenceSinceProbes, now - lastHeardNanos);
        }
        if (!probesHeard) {
            return;
        }
        long in = firstInSequence.get();
        long out = firstOutOfSequence.get();
        probeEpoch++; // single writer: the probe thread
        if (in != inSequenceSeen && out == outOfSequenceSeen && silenceSinceProbes > 0) {
            long delay = silenceSinceProbes;
            if (delay > decayedDelay(now)) {
                delaySeenNanos = delay;
                delaySeenAt = now;
            }
        }
        inSequenceSeen = in;
        outOfSequenceSeen = out;
        silenceSinceProbes = 0;
    }

    private long decayedDelay(long now) {
        if (delaySeenNanos == 0) {
            return 0;
        }
        return (long) (delaySeenNanos * Math.pow(0.5, (double) (now - delaySeenAt) / DELAY_HALF_LIFE_NANOS));
    }

    /** The window now: {@link #DELAY_FACTOR} × the delay seen, within [windowNanos, maxWindowNanos]. */
    private long window(long now, long windowNanos, long maxWindowNanos) {
        delayNow = decayedDelay(now);
        windowNow = maxWindowNanos <= windowNanos ? windowNanos
                : Math.min(maxWindowNanos, Math.max(windowNanos, (long) (DELAY_FACTOR * delayNow)));
        return windowNow;
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
        silenceSinceProbes = 0; // the silence was the carrier's
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
        return Arrays.stream(peers).mapToLong(p -> p.mac).toArray();
    }

    /** The window as of the last check; 0 before the first. */
    long windowNanos() {
        return windowNow;
    }

    /** The delay seen, decayed, as of the last check. */
    long delaySeenNanos() {
        return delayNow;
    }

    @Override
    public String toString() {
        return "path watch " + Frames.formatMac(teamMac) + " VLAN " + vlan + (lost ? " LOST" : armed ? " armed" : "");
    }
}
