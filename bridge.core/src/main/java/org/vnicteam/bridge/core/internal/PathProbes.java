package org.vnicteam.bridge.core.internal;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.vnicteam.api.bridge.ProbeStatus;
import org.vnicteam.api.ethernet.EthernetPort;

/**
 * A bridge's path probes: every interval, on one thread of its own, a probe frame on every VLAN
 * its channels program (one per team MAC and VLAN), then a check of every {@link PathWatch}; a
 * channel's path is lost while any watch of its team on one of its VLANs is lost, and every change
 * is reported to the {@link Listener}. The receive thread only counts frames per VLAN and hands
 * probes to their watch; probes never go further.
 *
 * <p>The probe thread schedules one check at a time, at the next multiple of the interval on the
 * monotonic clock: after a stall it does not run the missed checks back to back (each would count
 * as a silent interval), and every bridge on one machine checks at the same instants, so that
 * when they lose each other at once they report it in the same check, not up to an interval
 * apart (the team's path down delay only has to cover thread wake-up jitter).
 */
final class PathProbes implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(PathProbes.class.getName());
    /** A watch no channel programs any more is kept this long, in case its team logs in again. */
    static final long FORGET_NANOS = 10_000_000_000L;
    private static final int VLANS = AddressFilter.MAX_VLAN + 1;

    /** What a channel asks to be watched: its team MAC on its VLANs. */
    record Program(Object channel, long teamMac, List<Integer> vlans) {
    }

    /** A channel's path changed. */
    record Event(Object channel, boolean up, long nanoTime) {
    }

    /** Told of path changes, in order, on the probe thread. */
    @FunctionalInterface
    interface Listener {
        /**
         * @param carrierEpoch the carrier epoch the events were found in: they are stale if the
         *        carrier changed since ({@link PathProbes#carrierEpoch()})
         */
        void pathsChanged(List<Event> events, long carrierEpoch);
    }

    private static final class ChannelPath {
        final Program program;
        final List<PathWatch> watches;
        /** What the channel's session was last told; a new session assumes up. */
        boolean up;

        ChannelPath(Program program, List<PathWatch> watches, boolean up) {
            this.program = program;
            this.watches = watches;
            this.up = up;
        }
    }

    /** What the receive thread reads: one volatile reference. */
    private record Snapshot(PathWatch[] watches, long[] teamMacs) {
    }

    private final long ownMac;
    private final EthernetPort port;
    private final ProbeSettings settings;
    private final int intervalMicros;
    private final Listener listener;

    // receive thread
    private final AtomicLongArray heard = new AtomicLongArray(VLANS);
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong ignored = new AtomicLong();
    private final AtomicLong malformed = new AtomicLong();
    private volatile Snapshot snapshot = new Snapshot(new PathWatch[0], new long[0]);

    // carrier thread
    private final AtomicLong carrierEpoch = new AtomicLong();
    private volatile boolean carrier = true;

    // probe thread and configuration, under this
    private final Map<Long, PathWatch> watches = new LinkedHashMap<>();
    private final Map<Object, ChannelPath> channels = new LinkedHashMap<>();
    private long lastCheck = Long.MIN_VALUE;
    private long epochSeen;
    private long sent;
    private long sendFailed;
    private long lostOfForgotten;

    private ScheduledThreadPoolExecutor thread;
    private volatile boolean closed;

    PathProbes(long ownMac, EthernetPort port, ProbeSettings settings, Listener listener) {
        if (!settings.enabled()) {
            throw new IllegalArgumentException("probing is off");
        }
        this.ownMac = ownMac;
        this.port = port;
        this.settings = settings;
        this.intervalMicros = (int) Math.min(Integer.MAX_VALUE, settings.intervalNanos() / 1000);
        this.listener = listener;
    }

    /** Starts the probe thread. */
    synchronized void start(String threadName) {
        if (thread != null) {
            return;
        }
        thread = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        });
        scheduleNext(thread);
    }

    /** The next check at the next multiple of the interval (System.nanoTime is one clock per machine). */
    private void scheduleNext(ScheduledThreadPoolExecutor t) {
        long interval = settings.intervalNanos();
        long now = System.nanoTime();
        long next = Math.floorDiv(now, interval) * interval + interval;
        try {
            t.schedule(() -> {
                tickNow();
                if (!closed) {
                    scheduleNext(t);
                }
            }, next - now, TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closing
        }
    }

    /** Stops the probe thread: no probe or report after this returns. */
    @Override
    public void close() {
        ScheduledThreadPoolExecutor t;
        synchronized (this) {
            t = thread;
            closed = true;
        }
        if (t == null) {
            return;
        }
        t.shutdownNow();
        try {
            t.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void tickNow() {
        try {
            tick(System.nanoTime());
        } catch (RuntimeException e) {
            // a scheduled task that throws is never run again: log and go on
            LOG.log(Level.WARNING, "path probes: a check failed", e);
        }
    }

    // ---- receive thread -----------------------------------------------------------------------

    /**
     * Every frame from the port: counts it as heard on its VLAN, and takes it when it is a probe.
     *
     * @return true if the frame was a probe (good or not): it goes no further
     */
    boolean onFrame(ByteBuffer b, int offset, int length, long destination, long source, int vlan) {
        boolean probe = ProbeFrame.isProbe(b, offset, length, destination);
        Snapshot s = snapshot;
        if (source == ownMac) {
            if (probe) {
                ignored.incrementAndGet();
            }
            return probe;
        }
        if (!isTeamMac(s, source)) {
            heard.incrementAndGet(vlan);
        }
        if (!probe) {
            return false;
        }
        if (ProbeFrame.check(b, offset, length, vlan, source) != null) {
            malformed.incrementAndGet();
            return true;
        }
        int payload = ProbeFrame.payloadOffset(b, offset, length);
        long team = ProbeFrame.teamMac(b, payload);
        for (PathWatch w : s.watches()) {
            if (w.teamMac == team && w.vlan == vlan) {
                w.probeFrom(source, ProbeFrame.sequence(b, payload));
                received.incrementAndGet();
                return true;
            }
        }
        ignored.incrementAndGet(); // another team's probe
        return true;
    }

    private static boolean isTeamMac(Snapshot s, long mac) {
        for (long t : s.teamMacs()) {
            if (t == mac) {
                return true;
            }
        }
        return false;
    }

    // ---- host → Ethernet thread -------------------------------------------------------------

    /** A learning frame of a team went out on a VLAN: the host moved the team to this bridge. */
    void learningFrameSent(long teamMac, int vlan) {
        for (PathWatch w : snapshot.watches()) {
            if (w.teamMac == teamMac && w.vlan == vlan) {
                w.learningFrameSent();
                return;
            }
        }
    }

    // ---- carrier thread ---------------------------------------------------------------------

    /** The port's carrier changed: the next check restarts every watch's window, silently. */
    void carrierChanged(boolean up) {
        carrier = up;
        carrierEpoch.incrementAndGet();
    }

    long carrierEpoch() {
        return carrierEpoch.get();
    }

    // ---- configuration ----------------------------------------------------------------------

    /**
     * What the channels program now (replaces the previous list). A new channel starts with its path
     * up, as its session assumes; the next check reports it lost if a watch of it is.
     */
    synchronized void setPrograms(List<Program> programs, long now) {
        Set<Long> wanted = new HashSet<>();
        Map<Object, ChannelPath> next = new LinkedHashMap<>();
        for (Program p : programs) {
            List<PathWatch> ws = new ArrayList<>();
            for (int vlan : p.vlans()) {
                long key = key(p.teamMac(), vlan);
                wanted.add(key);
                PathWatch w = watches.computeIfAbsent(key, k -> new PathWatch(p.teamMac(), vlan, heard.get(vlan), now));
                w.programmed = true;
                ws.add(w);
            }
            ChannelPath old = channels.get(p.channel());
            next.put(p.channel(), new ChannelPath(p, List.copyOf(ws), old == null || old.up));
        }
        channels.clear();
        channels.putAll(next);
        for (Map.Entry<Long, PathWatch> e : watches.entrySet()) {
            PathWatch w = e.getValue();
            if (!wanted.contains(e.getKey()) && w.programmed) {
                w.programmed = false;
                w.unprogrammedSince = now;
            }
        }
        publish();
    }

    private void publish() {
        long[] teams = channels.values().stream().mapToLong(c -> c.program.teamMac()).distinct().toArray();
        snapshot = new Snapshot(watches.values().toArray(new PathWatch[0]), teams);
    }

    /** What the channel's session was last told (true for a channel this bridge does not know). */
    synchronized boolean pathUp(Object channel) {
        ChannelPath c = channels.get(channel);
        return c == null || c.up;
    }

    // ---- probe thread -----------------------------------------------------------------------

    /** One interval: probes out, then every watch checked and every channel's change reported. */
    void tick(long now) {
        List<Event> events = new ArrayList<>(0);
        long epoch;
        synchronized (this) {
            epoch = carrierEpoch.get();
            boolean late = lastCheck != Long.MIN_VALUE && now - lastCheck > settings.windowNanos();
            lastCheck = now;
            boolean restarted = epoch != epochSeen;
            if (restarted) {
                epochSeen = epoch;
                restartAll(now);
            }
            if (!carrier) {
                return; // nothing to send and nothing to hear; the carrier report says it all
            }
            forgetUnprogrammed(now);
            sendProbes();
            if (restarted) {
                return; // the window starts now: a whole one before the first miss counts
            }
            for (PathWatch w : watches.values()) {
                w.check(now, heard.get(w.vlan), late, settings.misses(), settings.windowNanos(),
                        settings.maxWindowNanos(), settings.settleNanos(), port::receivePending);
            }
            for (ChannelPath c : channels.values()) {
                boolean up = c.watches.stream().noneMatch(PathWatch::lost);
                if (up != c.up) {
                    c.up = up;
                    events.add(new Event(c.program.channel(), up, now));
                }
            }
        }
        if (!events.isEmpty()) {
            listener.pathsChanged(events, epoch);
        }
    }

    /** The carrier changed: every window starts again and every channel counts as up, silently. */
    private void restartAll(long now) {
        for (PathWatch w : watches.values()) {
            w.restart(now, heard.get(w.vlan));
        }
        for (ChannelPath c : channels.values()) {
            c.up = true;
        }
    }

    private void forgetUnprogrammed(long now) {
        boolean any = watches.values().removeIf(w -> {
            boolean forget = !w.programmed && now - w.unprogrammedSince > FORGET_NANOS;
            if (forget) {
                lostOfForgotten += w.lostEvents();
            }
            return forget;
        });
        if (any) {
            publish();
        }
    }

    private void sendProbes() {
        for (PathWatch w : watches.values()) {
            if (!w.programmed) {
                continue;
            }
            w.sequence++;
            if (w.frame == null) {
                w.frame = ByteBuffer.allocate(ProbeFrame.MIN_FRAME);
                ProbeFrame.write(w.frame, 0, new ProbeFrame.Probe(w.vlan, w.teamMac, ownMac, w.sequence, intervalMicros));
            } else {
                ProbeFrame.writeSequence(w.frame, 0, w.vlan, w.sequence);
            }
            if (port.send(w.frame, 0, ProbeFrame.MIN_FRAME)) {
                w.probesSent++;
                sent++;
            } else {
                sendFailed++;
            }
        }
    }

    // ---- status -----------------------------------------------------------------------------

    synchronized ProbeStatus status() {
        List<ProbeStatus.Watch> list = new ArrayList<>();
        long lostEvents = lostOfForgotten;
        List<PathWatch> sorted = new ArrayList<>(watches.values());
        sorted.sort(Comparator.comparingLong((PathWatch w) -> w.teamMac).thenComparingInt(w -> w.vlan));
        for (PathWatch w : sorted) {
            lostEvents += w.lostEvents();
            List<String> peers = new ArrayList<>();
            for (long p : w.peers()) {
                peers.add(Frames.formatMac(p));
            }
            list.add(new ProbeStatus.Watch(Frames.formatMac(w.teamMac), w.vlan, w.programmed, w.armed(), w.lost(),
                    peers, w.probesSent, w.probesReceived(), w.lostEvents(),
                    lastCheck == Long.MIN_VALUE ? 0 : Math.max(0, lastCheck - w.lastHeardNanos()),
                    w.windowNanos() == 0 ? settings.windowNanos() : w.windowNanos(), w.delaySeenNanos()));
        }
        return new ProbeStatus(intervalMicros, settings.misses(), sent, sendFailed, received.get(), ignored.get(),
                malformed.get(), lostEvents, list);
    }

    private static long key(long teamMac, int vlan) {
        return teamMac << 12 | vlan;
    }

    @Override
    public String toString() {
        return "path probes every " + intervalMicros + " us, " + settings.misses() + " misses"
                + (settings.adaptive() ? ", window up to " + settings.maxWindowNanos() / 1_000_000 + " ms" : "");
    }
}
