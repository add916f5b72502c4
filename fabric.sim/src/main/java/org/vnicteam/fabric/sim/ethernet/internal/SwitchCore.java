package org.vnicteam.fabric.sim.ethernet.internal;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.vnicteam.fabric.sim.ethernet.PortMode;
import org.vnicteam.fabric.sim.ethernet.SegmentStatus;

/**
 * The VLAN-aware learning switch: ingress classification (access / trunk rules), MAC learning per
 * (VID, MAC) with ageing, forwarding of known unicast to one port, flooding of broadcast,
 * multicast and unknown unicast to the other up ports of the same VLAN, and egress tagging.
 * Every egress checks that the port carries the frame's VLAN, so a frame can never leave on a
 * port of another VLAN. Driven by one thread (the segment's) with an explicit clock, so tests can
 * drive it directly.
 *
 * <p>Frame layout handled: {@code dst(6) src(6) [0x8100 TCI(2)] type/len(2) payload}, without FCS.
 */
public final class SwitchCore {

    private static final Logger LOG = Logger.getLogger(SwitchCore.class.getName());

    public static final int TPID = 0x8100;
    public static final int MIN_FRAME = 60;
    static final int HEADER = 14;
    static final int TAG = 4;

    /** Where a port's egress frames go; called on the switch's thread, the frame valid only during the call. */
    @FunctionalInterface
    public interface Egress {
        /**
         * @param view a read-only view of {@code frame} (position 0, limit {@code length})
         * @param frame the bytes (do not modify)
         * @param length frame length
         */
        void deliver(ByteBuffer view, byte[] frame, int length);
    }

    /** A switch port: configuration, link state and counters. */
    public static final class Port {
        final int index;
        final String name;
        final PortMode mode;
        final int accessVid;
        final List<Integer> vids;
        private final long[] vidBits = new long[64];
        /** Link state: written by any thread (the bridge port under its carrier lock), read by the switch. */
        volatile boolean up;
        /**
         * Whether the port is part of the switch. A removed port keeps its cable, its link and its
         * peer's carrier, but the switch neither takes frames from it nor sends any to it: a
         * failure that carrier watching cannot see.
         */
        volatile boolean attached = true;
        Egress egress;

        long rxFrames;
        long rxBytes;
        long txFrames;
        long txBytes;
        long droppedWrongVlan;
        long droppedUntaggedOnTrunk;
        long droppedMalformed;
        long droppedLinkDown;
        long droppedDetached;
        /** Drops found by the posting thread before the frame was queued. */
        final AtomicLong entryOverflow = new AtomicLong();
        final AtomicLong entryMalformed = new AtomicLong();
        final AtomicLong entryLinkDown = new AtomicLong();
        final AtomicLong entryDetached = new AtomicLong();

        Port(int index, String name, PortMode mode, List<Integer> vids, boolean up) {
            this.index = index;
            this.name = name;
            this.mode = mode;
            this.vids = List.copyOf(vids);
            this.accessVid = mode == PortMode.ACCESS ? vids.get(0) : 0;
            for (int v : vids) {
                vidBits[v >>> 6] |= 1L << (v & 63);
            }
            this.up = up;
        }

        public boolean carries(int vid) {
            return (vidBits[vid >>> 6] & (1L << (vid & 63))) != 0;
        }

        /**
         * Adds a configured VID back to a trunk, or drops it from it (on the switch's thread).
         *
         * @throws IllegalArgumentException for a VID the port was not configured with
         */
        public void setCarried(int vid, boolean carried) {
            if (!vids.contains(vid)) {
                throw new IllegalArgumentException("port " + name + " is not configured with VLAN " + vid + " (VLANs "
                        + vids + ")");
            }
            if (carried) {
                vidBits[vid >>> 6] |= 1L << (vid & 63);
            } else {
                vidBits[vid >>> 6] &= ~(1L << (vid & 63));
            }
        }

        /** The configured VIDs it carries now, ascending (on the switch's thread). */
        public List<Integer> carriedVids() {
            return vids.stream().filter(this::carries).sorted().toList();
        }

        /** The configured VIDs it does not carry now (dropped from the trunk), ascending. */
        public List<Integer> droppedVids() {
            return vids.stream().filter(v -> !carries(v)).sorted().toList();
        }

        public boolean attached() {
            return attached;
        }

        public String name() {
            return name;
        }

        public int index() {
            return index;
        }

        public boolean up() {
            return up;
        }

        public void setUp(boolean up) {
            this.up = up;
        }

        public void setEgress(Egress egress) {
            this.egress = egress;
        }

        /** Counters snapshot; call on the switch's thread. */
        public SegmentStatus.PortCounters counters() {
            return new SegmentStatus.PortCounters(rxFrames, rxBytes, txFrames, txBytes, droppedWrongVlan,
                    droppedUntaggedOnTrunk, entryOverflow.get(), droppedMalformed + entryMalformed.get(),
                    droppedLinkDown + entryLinkDown.get(), droppedDetached + entryDetached.get());
        }
    }

    private final Port[] ports;
    private final Fdb fdb;
    private final long ageingNanos;
    private final int maxFrame;

    // egress scratch: the current frame, untagged and tagged, built at most once per frame
    private final byte[] untagged;
    private final byte[] tagged;
    private final ByteBuffer untaggedView;
    private final ByteBuffer taggedView;
    private byte[] cur;
    private int curLen;
    private boolean curHadTag;
    private int curTci;
    private int untaggedLen = -1;
    private int taggedLen = -1;

    private long framesSwitched;
    private long framesFiltered;
    private long fdbFull;

    /**
     * @param ports the ports, {@code ports.get(i).index == i}
     * @param maxFrame largest untagged frame (a tagged one may be 4 bytes longer)
     */
    public SwitchCore(List<Port> ports, int fdbCapacity, long ageingNanos, int maxFrame) {
        this.ports = ports.toArray(new Port[0]);
        for (int i = 0; i < this.ports.length; i++) {
            if (this.ports[i].index != i) {
                throw new IllegalArgumentException("port " + this.ports[i].name + " has index " + this.ports[i].index);
            }
        }
        this.fdb = new Fdb(fdbCapacity);
        this.ageingNanos = ageingNanos;
        this.maxFrame = maxFrame;
        untagged = new byte[maxFrame + TAG];
        tagged = new byte[maxFrame + TAG + TAG];
        untaggedView = ByteBuffer.wrap(untagged).asReadOnlyBuffer();
        taggedView = ByteBuffer.wrap(tagged).asReadOnlyBuffer();
    }

    /** A port to hand to the constructor. */
    public static Port port(int index, String name, PortMode mode, List<Integer> vids, boolean up) {
        return new Port(index, name, mode, vids, up);
    }

    public Port port(int index) {
        return ports[index];
    }

    public int portCount() {
        return ports.length;
    }

    public long ageingNanos() {
        return ageingNanos;
    }

    /** A frame entered on port {@code in}: classify, learn, forward or flood. */
    public void ingress(int in, byte[] f, int len, long now) {
        Port p = ports[in];
        framesSwitched++;
        if (!p.attached) {
            p.droppedDetached++; // queued just before its port was removed: it never reached the switch
            return;
        }
        // No link check here: the port refused frames once its link was down, so a frame in the
        // queue was received before the cut. Dropping it now would lose a frame its sender counts
        // as on the wire. It is not learned from, though: the port's entries were flushed.
        boolean learn = p.up;
        if (len < HEADER) {
            p.droppedMalformed++;
            return;
        }
        boolean hadTag = u16(f, 12) == TPID;
        int tci = 0;
        if (hadTag) {
            if (len < HEADER + TAG) {
                p.droppedMalformed++;
                return;
            }
            tci = u16(f, 14);
        }
        int tagVid = tci & 0xFFF;
        if (len > maxFrame + (hadTag ? TAG : 0) || (hadTag && tagVid == 0xFFF) || (f[6] & 1) != 0) {
            p.droppedMalformed++; // too long, reserved VID, or a group address as source
            return;
        }
        int vid;
        if (p.mode == PortMode.TRUNK) {
            if (!hadTag || tagVid == 0) {
                p.droppedUntaggedOnTrunk++;
                return;
            }
            if (!p.carries(tagVid)) {
                p.droppedWrongVlan++;
                return;
            }
            vid = tagVid;
        } else {
            if (hadTag && tagVid != 0 && tagVid != p.accessVid) {
                p.droppedWrongVlan++;
                return;
            }
            vid = p.accessVid;
        }
        p.rxFrames++;
        p.rxBytes += len;

        if (learn && !fdb.learn(vid, mac48(f, 6), in, now)) {
            fdbFull++;
        }
        cur = f;
        curLen = len;
        curHadTag = hadTag;
        curTci = (tci & 0xF000) | vid; // keep PCP and DEI, set the VID
        untaggedLen = -1;
        taggedLen = -1;

        if ((f[0] & 1) == 0) { // unicast: forward if known
            int out = fdb.lookup(vid, mac48(f, 0), now, ageingNanos);
            if (out == in) {
                framesFiltered++; // the destination sits behind the port it came in on
                return;
            }
            if (out >= 0) {
                Port o = ports[out];
                if (o.up && o.attached && o.carries(vid)) {
                    transmit(o);
                    return;
                }
            }
        }
        for (Port o : ports) { // flood within the VLAN, never back out of the ingress port
            if (o.index != in && o.up && o.attached && o.carries(vid)) {
                transmit(o);
            }
        }
    }

    private void transmit(Port o) {
        boolean tag = o.mode == PortMode.TRUNK;
        byte[] frame;
        ByteBuffer view;
        int len;
        if (tag) {
            buildTagged();
            frame = tagged;
            view = taggedView;
            len = taggedLen;
        } else {
            buildUntagged();
            frame = untagged;
            view = untaggedView;
            len = untaggedLen;
        }
        o.txFrames++;
        o.txBytes += len;
        Egress e = o.egress;
        if (e == null) {
            return;
        }
        view.clear().limit(len);
        try {
            e.deliver(view, frame, len);
        } catch (RuntimeException | LinkageError ex) {
            LOG.log(Level.WARNING, "egress of port " + o.name + " failed", ex);
        }
    }

    private void buildUntagged() {
        if (untaggedLen >= 0) {
            return;
        }
        int from = curHadTag ? HEADER + TAG - 2 : HEADER - 2; // start of type/len
        System.arraycopy(cur, 0, untagged, 0, 12);
        int rest = curLen - from;
        System.arraycopy(cur, from, untagged, 12, rest);
        int len = 12 + rest;
        if (len < MIN_FRAME) {
            java.util.Arrays.fill(untagged, len, MIN_FRAME, (byte) 0);
            len = MIN_FRAME;
        }
        untaggedLen = len;
    }

    private void buildTagged() {
        if (taggedLen >= 0) {
            return;
        }
        int from = curHadTag ? HEADER + TAG - 2 : HEADER - 2;
        System.arraycopy(cur, 0, tagged, 0, 12);
        tagged[12] = (byte) (TPID >>> 8);
        tagged[13] = (byte) TPID;
        tagged[14] = (byte) (curTci >>> 8);
        tagged[15] = (byte) curTci;
        int rest = curLen - from;
        System.arraycopy(cur, from, tagged, 16, rest);
        taggedLen = 16 + rest;
    }

    /** Link down: forget what was learned on the port. */
    public int flushPort(int port) {
        return fdb.removePorts(p -> p == port);
    }

    /** A VLAN dropped from a trunk: forget what was learned on the port in that VLAN. */
    public int flushPortVlan(int port, int vid) {
        return fdb.removePortVlan(port, vid);
    }

    public void flushAll() {
        fdb.clear();
    }

    /** Removes aged entries (lookups ignore them anyway; this frees their slots). */
    public int age(long now) {
        return fdb.age(now, ageingNanos);
    }

    /** The live FDB, sorted by VID then MAC. */
    public List<SegmentStatus.FdbEntry> fdb(long now) {
        List<SegmentStatus.FdbEntry> out = new ArrayList<>();
        for (Fdb.Row r : fdb.rows(now, ageingNanos)) {
            out.add(new SegmentStatus.FdbEntry(r.vid(), Macs.format(r.mac()), ports[r.port()].name, now - r.lastSeen()));
        }
        out.sort(Comparator.comparingInt(SegmentStatus.FdbEntry::vid).thenComparing(SegmentStatus.FdbEntry::mac));
        return List.copyOf(out);
    }

    /** The port a (VID, MAC) was learned on, or -1. */
    public int lookup(int vid, long mac, long now) {
        return fdb.lookup(vid, mac, now, ageingNanos);
    }

    public long framesSwitched() {
        return framesSwitched;
    }

    public long framesFiltered() {
        return framesFiltered;
    }

    public long fdbFull() {
        return fdbFull;
    }

    public int fdbCapacity() {
        return fdb.capacity();
    }

    public int fdbSize() {
        return fdb.size();
    }

    static int u16(byte[] f, int at) {
        return ((f[at] & 0xFF) << 8) | (f[at + 1] & 0xFF);
    }

    static long mac48(byte[] f, int at) {
        long m = 0;
        for (int i = 0; i < 6; i++) {
            m = (m << 8) | (f[at + i] & 0xFF);
        }
        return m;
    }
}
