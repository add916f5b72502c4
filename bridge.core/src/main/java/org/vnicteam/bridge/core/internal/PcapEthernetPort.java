package org.vnicteam.bridge.core.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Collectors;

import org.pcap4j.core.NotOpenException;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.PcapHandle.PcapDirection;
import org.pcap4j.core.PcapNativeException;
import org.pcap4j.core.PcapNetworkInterface.PromiscuousMode;
import org.pcap4j.core.PcapStat;
import org.pcap4j.core.Pcaps;
import org.pcap4j.packet.namednumber.DataLinkType;
import org.vnicteam.api.ethernet.CarrierListener;
import org.vnicteam.api.ethernet.EthernetPort;
import org.vnicteam.api.ethernet.FrameReceiver;
import org.vnicteam.lib.linux.LinkMonitor;
import org.vnicteam.lib.linux.LinkState;
import org.vnicteam.lib.linux.LinkStatistics;
import org.vnicteam.lib.linux.NetNamespace;
import org.vnicteam.lib.pcap4j.KernelFilter;
import org.vnicteam.lib.pcap4j.Pcap4j;
import org.vnicteam.lib.pcap4j.PcapReader;

/**
 * An {@link EthernetPort} on a Linux interface: frames in and out through a pcap4j handle opened
 * inside the interface's network namespace, carrier from rtnetlink.
 *
 * <ul>
 * <li><b>Receive</b>: one daemon thread per port reads the capture (promiscuous, immediate mode,
 * inbound only, so frames this port injects never come back) with {@code pcap_next_ex}
 * ({@link PcapReader}) into one reused buffer and hands each frame to the receiver. On veth and
 * TAP the kernel passes a received 802.1Q tag beside the frame (PACKET_AUXDATA); libpcap puts it
 * back, so the receiver sees the frame as it was on the wire.
 * <li><b>Filter</b>: {@link #setAddresses} compiles a BPF filter (frames to those MACs or to a
 * group, none from them) that the kernel runs before a frame is copied to the ring. The capture
 * thread installs it itself (libpcap handles are not thread-safe, except {@code pcap_breakloop}),
 * swapping the socket's filter in one step ({@link KernelFilter}) so that no frame is lost to it.
 * <li><b>Send</b>: {@code pcap_sendpacket} from any thread, without a lock: each sender takes the
 * spare copy buffer or makes one.
 * <li><b>Carrier</b> = the interface exists, is up, has carrier, and the capture is open. Link
 * changes arrive as rtnetlink events on the {@link LinkMonitor} thread and reach the
 * {@link CarrierListener}s on that thread at once. If the interface goes down or away, the capture
 * closes; when it is back, the capture reopens (and is retried every {@code reopenMillis} while it
 * fails): the bridge needs no reconfiguration.
 * <li><b>Unsent at a carrier loss</b>: until rtnetlink tells the port, the kernel drops what it
 * still sends and {@code pcap_sendpacket} succeeds. The kernel counts those frames in the
 * interface's tx_dropped, so {@link #unsentSinceCarrierLoss} is its growth since the carrier came up.
 * </ul>
 */
public final class PcapEthernetPort implements EthernetPort, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(PcapEthernetPort.class.getName());
    /** How long {@link #open} waits for the first capture to open. */
    private static final long FIRST_OPEN_WAIT_MILLIS = 2000;
    /** How long {@link #close} waits for the capture thread. */
    private static final long CLOSE_WAIT_MILLIS = 900;

    private final PcapPortSettings settings;
    private final NetNamespace namespace;
    private final LinkMonitor monitor;
    private final Thread captureThread;
    private final CountDownLatch firstAttempt = new CountDownLatch(1);
    private final CopyOnWriteArrayList<CarrierListener> listeners = new CopyOnWriteArrayList<>();
    /** Orders carrier changes and their announcements (monitor thread, capture thread, close). */
    private final Object carrierLock = new Object();
    private final Object wakeLock = new Object();
    private final Object statsLock = new Object();
    private final AtomicReference<byte[]> spareSendBuffer = new AtomicReference<>();

    private volatile FrameReceiver receiver;
    private volatile LinkState link;
    /** The open capture, or null: set and cleared by the capture thread only. */
    private volatile PcapHandle handle;
    /** Frames received (handed on or dropped) before the open capture started; see {@link #receivePending}. */
    private volatile long receivedBeforeCapture;
    /** The ifindex the open capture is bound to. */
    private volatile int handleIndex;
    private volatile boolean carrier;
    private volatile boolean closed;
    /** The BPF filter wanted ("" = everything); the capture thread installs it. */
    private volatile String filter = "";
    private volatile String installedFilter;
    private boolean woken; // under wakeLock
    private volatile LinkMonitor.Watch watch;

    private final LongAdder txFrames = new LongAdder();
    private final LongAdder txBytes = new LongAdder();
    private final LongAdder txDropped = new LongAdder();
    private final LongAdder rxFrames = new LongAdder();
    private final LongAdder rxBytes = new LongAdder();
    private final LongAdder rxDropped = new LongAdder();
    private final LongAdder captureOpens = new LongAdder();
    /** Filters libpcap could not compile or the kernel refused (the capture then delivers everything). */
    private final LongAdder filterFailures = new LongAdder();
    /** Frames the kernel dropped for a full ring, in captures already closed. */
    private final LongAdder ringDropsClosed = new LongAdder();
    private volatile long carrierChanges; // written under carrierLock
    /** The interface's tx_dropped when the carrier last came up; null before the first time. */
    private volatile TxDroppedBaseline baseline;

    private PcapEthernetPort(PcapPortSettings settings, NetNamespace namespace, LinkMonitor monitor) {
        this.settings = settings;
        this.namespace = namespace;
        this.monitor = monitor;
        this.captureThread = new Thread(this::captureLoop, "ethernet " + settings.name() + " capture");
        captureThread.setDaemon(true);
    }

    /**
     * Opens the port: watches the interface and, if it is there, opens the capture before
     * returning. An interface that is absent is waited for (carrier stays false until it comes).
     *
     * @throws IOException if the namespace does not exist or rtnetlink cannot be used
     */
    public static PcapEthernetPort open(PcapPortSettings settings) throws IOException {
        Pcap4j.init();
        checkLibpcap();
        NetNamespace namespace = NetNamespace.named(settings.namespace());
        LinkMonitor monitor = LinkMonitor.open(namespace);
        PcapEthernetPort port = new PcapEthernetPort(settings, namespace, monitor);
        try {
            String ifName = settings.interfaceName();
            if (settings.interfaceUp()) {
                LinkState now = monitor.query(ifName);
                if (now.exists() && !now.adminUp()) {
                    monitor.setAdminUp(ifName, true);
                }
            }
            port.watch = monitor.watch(ifName, port::linkChanged);
            port.captureThread.start();
            port.firstAttempt.await(FIRST_OPEN_WAIT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (IOException | RuntimeException e) {
            port.close();
            throw e;
        } catch (InterruptedException e) {
            port.close();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while opening Ethernet port " + settings.name(), e);
        }
        return port;
    }

    /** Loads libpcap now, so that a missing one fails the opening rather than the capture thread. */
    private static void checkLibpcap() throws IOException {
        try {
            Pcaps.libVersion();
        } catch (LinkageError e) {
            throw new IOException("libpcap cannot be loaded (Debian: apt-get install libpcap0.8): " + e, e);
        }
    }

    public PcapPortSettings settings() {
        return settings;
    }

    // ---- EthernetPort ---------------------------------------------------------------------

    @Override
    public String name() {
        return settings.name();
    }

    @Override
    public boolean send(ByteBuffer frame, int offset, int length) {
        PcapHandle h = handle;
        if (!carrier || h == null || length < Frames.HEADER_SIZE || offset < 0
                || length > frame.limit() - offset || length > settings.maxFrame(Frames.isTagged(frame, offset, length))) {
            txDropped.increment();
            return false;
        }
        byte[] buffer = spareSendBuffer.getAndSet(null);
        if (buffer == null) {
            buffer = new byte[settings.maxFrame(true)];
        }
        try {
            frame.get(offset, buffer, 0, length);
            h.sendPacket(buffer, length);
        } catch (NotOpenException | PcapNativeException e) {
            // The capture closed under us (link going away), or the kernel refused the frame.
            txDropped.increment();
            LOG.log(Level.FINE, "{0}: frame not sent: {1}", new Object[] { this, e.getMessage() });
            return false;
        } finally {
            spareSendBuffer.set(buffer);
        }
        txFrames.increment();
        txBytes.add(length);
        return true;
    }

    @Override
    public void setReceiver(FrameReceiver receiver) {
        this.receiver = receiver;
    }

    @Override
    public boolean carrier() {
        return carrier;
    }

    @Override
    public void addCarrierListener(CarrierListener listener) {
        listeners.addIfAbsent(listener);
    }

    @Override
    public void removeCarrierListener(CarrierListener listener) {
        listeners.remove(listener);
    }

    @Override
    public int maxFrameSize() {
        return settings.maxFrame(true);
    }

    /** The interface's MAC (all zero while it is absent). */
    @Override
    public byte[] macAddress() {
        LinkState l = link;
        byte[] mac = l == null ? new byte[0] : l.addressBytes();
        return mac.length == Frames.MAC_SIZE ? mac : new byte[Frames.MAC_SIZE];
    }

    @Override
    public void setAddresses(List<byte[]> macs) {
        String wanted = filterFor(macs);
        if (wanted.equals(filter)) {
            return;
        }
        filter = wanted;
        breakCapture(); // the capture thread installs it before it goes on
    }

    /**
     * The growth of the interface's tx_dropped (read from the kernel now, about 20 us) since the
     * carrier came up: every frame the kernel threw away since then, ours among them. The kernel
     * counts a drop before the send returns, so the frames of every send that returned are
     * covered, also those dropped before rtnetlink told the port (while {@link #carrier()} is
     * still true). An over-estimate where the interface dropped frames while its link was fine (a
     * full queue at a veth's peer) or dropped other senders' frames, or refused a frame with an
     * error (the sender knew); {@link Integer#MAX_VALUE} when the counter cannot be read or
     * belongs to another interface of the same name.
     */
    @Override
    public int unsentSinceCarrierLoss() {
        TxDroppedBaseline base = baseline;
        if (base == null) {
            return 0; // never had carrier: nothing was accepted
        }
        if (base == TxDroppedBaseline.UNKNOWN) {
            return Integer.MAX_VALUE;
        }
        LinkStatistics now;
        try {
            now = monitor.statistics(settings.interfaceName());
        } catch (IOException e) {
            LOG.log(Level.FINE, "{0}: no kernel counters, every recent frame counts as unsent: {1}",
                    new Object[] { this, e });
            return Integer.MAX_VALUE;
        }
        long dropped = now.txDropped() - base.txDropped;
        if (now.index() != base.index || dropped < 0) {
            return Integer.MAX_VALUE; // another interface under the same name
        }
        return (int) Math.min(dropped, Integer.MAX_VALUE);
    }

    /** tx_dropped of one interface (by ifindex) at one moment; {@link #UNKNOWN} if it could not be read. */
    private record TxDroppedBaseline(int index, long txDropped) {
        static final TxDroppedBaseline UNKNOWN = new TxDroppedBaseline(0, 0);
    }

    /** Before the carrier comes up: from now on a frame the kernel drops counts as unsent. */
    private void takeBaseline() {
        try {
            LinkStatistics s = monitor.statistics(settings.interfaceName());
            baseline = new TxDroppedBaseline(s.index(), s.txDropped());
        } catch (IOException e) {
            baseline = TxDroppedBaseline.UNKNOWN;
            LOG.log(Level.WARNING, this + ": no kernel counters, a carrier loss will count every recent frame as unsent",
                    e);
        }
    }

    /** rxDropped includes the frames the kernel dropped because the capture ring was full. */
    @Override
    public PortCounters counters() {
        long ringDrops = ringDropsClosed.sum(); // before the handle: a closing capture adds to it after clearing it
        ringDrops += ringDrops(handle);
        return new PortCounters(txFrames.sum(), txBytes.sum(), rxFrames.sum(), rxBytes.sum(), txDropped.sum(),
                rxDropped.sum() + ringDrops, carrierChanges);
    }

    /**
     * Whether the kernel has taken frames into the capture's ring that the capture thread has not
     * handed on: pcap_stats' received minus dropped (frames that passed the filter and found a slot;
     * the filter drops our own sources and libpcap has the kernel skip outgoing frames) against the
     * frames handed on. Read in that order, a frame handed on in between counts as waiting, never
     * the other way round.
     */
    @Override
    public boolean receivePending() {
        PcapHandle h = handle;
        if (h == null) {
            return false;
        }
        long handedOn = received() - receivedBeforeCapture;
        synchronized (statsLock) {
            try {
                PcapStat s = h.getStats();
                return s.getNumPacketsReceived() - s.getNumPacketsDropped() > handedOn;
            } catch (PcapNativeException | NotOpenException e) {
                return false;
            }
        }
    }

    /** Frames the capture thread has taken so far, every capture: handed on or dropped by the port. */
    private long received() {
        return rxFrames.sum() + rxDropped.sum();
    }

    /**
     * pcap_stats' ps_drop: frames the kernel had no ring slot for (0 without a capture). One caller
     * at a time: libpcap adds the kernel's counts (which reading resets) to its totals.
     */
    private long ringDrops(PcapHandle h) {
        if (h == null) {
            return 0;
        }
        synchronized (statsLock) {
            try {
                return h.getStats().getNumPacketsDropped();
            } catch (PcapNativeException | NotOpenException e) {
                return 0;
            }
        }
    }

    /**
     * The BPF expression for {@link #setAddresses}: frames to one of {@code macs} or to a group
     * ("ether multicast" includes broadcast), and none from one of them; "" (everything) for none.
     */
    static String filterFor(List<byte[]> macs) {
        TreeSet<String> unique = new TreeSet<>();
        for (byte[] mac : macs) {
            unique.add(Frames.formatMac(Frames.macValue(mac)));
        }
        if (unique.isEmpty()) {
            return "";
        }
        return "(ether multicast or " + unique.stream().map(m -> "ether dst " + m).collect(Collectors.joining(" or "))
                + ") and not (" + unique.stream().map(m -> "ether src " + m).collect(Collectors.joining(" or ")) + ")";
    }

    /** The filter the capture runs now ("" = none; null before the first capture). */
    String installedFilter() {
        return installedFilter;
    }

    /** Filters that could not be installed (the capture delivered everything instead). */
    long filterFailures() {
        return filterFailures.sum();
    }

    /** Whether a capture is open. */
    boolean capturing() {
        return handle != null;
    }

    /** Captures opened so far (the first, and each reopen). */
    long captureOpens() {
        return captureOpens.sum();
    }

    /** The state of the interface last reported. */
    LinkState link() {
        return link;
    }

    /**
     * Stops the capture thread and the link monitor (within about a second, normally a few tens of
     * milliseconds) and tells the listeners the carrier is gone. Idempotent.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (watch != null) {
            watch.close();
        }
        breakCapture();
        wake();
        if (captureThread.isAlive() && Thread.currentThread() != captureThread) { // a receiver may close it
            try {
                captureThread.join(CLOSE_WAIT_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (captureThread.isAlive()) {
                LOG.warning(this + ": capture thread still running after " + CLOSE_WAIT_MILLIS + " ms");
            }
        }
        monitor.close();
        updateCarrier(System.nanoTime());
    }

    /** Whether a thread of this port (capture or link monitor) still runs. */
    boolean threadsAlive() {
        return captureThread.isAlive() || monitor.isAlive();
    }

    @Override
    public String toString() {
        return "Ethernet port " + settings.name() + " (" + settings.interfaceName()
                + (namespace.isCurrent() ? "" : " in netns " + namespace.name()) + ")";
    }

    // ---- link state (link monitor thread) ---------------------------------------------------

    private void linkChanged(LinkState state) {
        link = state;
        if (handle != null && mustReopen(state)) {
            breakCapture();
        } else if (handle == null && canOpen(state)) {
            wake();
        }
        updateCarrier(state.nanoTime());
    }

    private static boolean canOpen(LinkState l) {
        return l != null && l.exists() && l.adminUp();
    }

    /** The open capture cannot go on: its interface went down, away, or was replaced. */
    private boolean mustReopen(LinkState l) {
        return !canOpen(l) || l.index() != handleIndex;
    }

    private void updateCarrier(long nanoTime) {
        synchronized (carrierLock) {
            LinkState l = link;
            boolean now = !closed && l != null && l.operational() && handle != null;
            if (now == carrier) {
                return;
            }
            if (now) {
                takeBaseline();
            }
            carrier = now;
            carrierChanges++;
            for (CarrierListener listener : listeners) {
                try {
                    listener.carrierChanged(this, now, nanoTime);
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "carrier listener of " + this + " failed", e);
                }
            }
        }
    }

    // ---- capture (capture thread) -------------------------------------------------------------

    private void captureLoop() {
        int failures = 0;
        try {
            while (!closed) {
                LinkState l = link;
                if (!canOpen(l)) {
                    firstAttempt.countDown();
                    pause();
                    continue;
                }
                PcapHandle h;
                try {
                    h = namespace.call(this::openHandle);
                } catch (IOException | RuntimeException e) {
                    LOG.log(failures++ == 0 ? Level.WARNING : Level.FINE,
                            this + ": cannot open the capture (again every " + settings.reopenMillis() + " ms): "
                                    + e.getMessage(), e);
                    firstAttempt.countDown();
                    pause();
                    continue;
                }
                failures = 0;
                captureOpens.increment();
                handleIndex = l.index();
                installedFilter = null;
                receivedBeforeCapture = received();
                handle = h;
                updateCarrier(System.nanoTime());
                firstAttempt.countDown(); // after the carrier: open() returns with it known
                try {
                    capture(h);
                } finally {
                    handle = null;
                    updateCarrier(System.nanoTime());
                    ringDropsClosed.add(ringDrops(h));
                    h.close(); // waits for sends in progress (pcap4j's handle lock)
                }
                if (!closed && !mustReopen(link)) {
                    pause(); // the capture failed with the link still there: retry after a pause
                }
            }
        } finally {
            firstAttempt.countDown();
        }
    }

    private PcapHandle openHandle() throws PcapNativeException, IOException {
        PcapHandle h = new PcapHandle.Builder(settings.interfaceName())
                // one byte more than the largest frame, so that a longer one shows as too long
                .snaplen(settings.maxFrame(true) + 1)
                .promiscuousMode(PromiscuousMode.PROMISCUOUS)
                .immediateMode(true)
                .bufferSize(settings.bufferKib() * 1024)
                .direction(PcapDirection.IN)
                .build();
        if (!DataLinkType.EN10MB.equals(h.getDlt())) {
            h.close();
            throw new IOException(settings.interfaceName() + " is not an Ethernet interface (link type "
                    + h.getDlt() + ")");
        }
        return h;
    }

    /** Runs the open capture until the port closes, its link goes, or libpcap fails. */
    private void capture(PcapHandle h) {
        PcapReader reader;
        try {
            reader = new PcapReader(h);
        } catch (NotOpenException | IllegalStateException e) {
            LOG.log(Level.WARNING, this + ": cannot read the capture: " + e.getMessage(), e);
            return;
        }
        // every frame in one buffer (a receiver may use a frame only during its call), one byte
        // more than the largest frame like the snap length, so that a longer one shows as too long
        byte[] buffer = new byte[settings.maxFrame(true) + 1];
        ByteBuffer frame = ByteBuffer.wrap(buffer);
        while (!closed && !mustReopen(link)) {
            try {
                installFilter(h);
                int length;
                while ((length = reader.next(buffer)) != PcapReader.BREAK) {
                    if (length > 0) { // 0: none (no timeout is set; a frame libpcap filtered out itself)
                        frame.clear().limit(length);
                        frameArrived(frame, length);
                    }
                }
                // pcap_breakloop: a new filter, the link went, or close; the loop condition says which
            } catch (PcapNativeException | NotOpenException e) {
                LOG.log(mustReopen(link) ? Level.FINE : Level.WARNING, "{0}: capture ended: {1}",
                        new Object[] { this, e.getMessage() });
                return;
            }
        }
    }

    /**
     * Puts the wanted filter on the capture's socket in one step ({@link KernelFilter}): no moment
     * without a filter or with a reject-all one, nothing drained, so no frame is lost to the
     * change; frames that passed the old filter and wait in the ring are still delivered. The
     * first filter of a capture comes the same way, so libpcap never holds a program of its own
     * that it could run in user space.
     */
    private void installFilter(PcapHandle h) throws NotOpenException {
        String wanted = filter;
        if (wanted.equals(installedFilter)) {
            return;
        }
        try {
            KernelFilter.attach(h, wanted);
        } catch (PcapNativeException e) {
            // Cannot happen for the expressions filterFor writes; the bridge filters anyway.
            filterFailures.increment();
            LOG.log(Level.WARNING, this + ": BPF filter refused, delivering everything: " + wanted, e);
            try {
                KernelFilter.attach(h, "");
            } catch (PcapNativeException again) {
                LOG.log(Level.WARNING, this + ": cannot lift the filter either", again);
            }
        }
        installedFilter = wanted;
    }

    /** A frame the capture thread read, in the reused buffer {@code b} (position 0, limit {@code length}). */
    private void frameArrived(ByteBuffer b, int length) {
        FrameReceiver r = receiver;
        if (r == null || !carrier || length < Frames.HEADER_SIZE
                || length > settings.maxFrame(Frames.isTagged(b, 0, length))) {
            rxDropped.increment();
            return;
        }
        rxFrames.increment();
        rxBytes.add(length);
        try {
            r.frameReceived(b, 0, length);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "receiver of " + this + " failed", e);
        }
    }

    private void breakCapture() {
        PcapHandle h = handle;
        if (h != null) {
            try {
                h.breakLoop();
            } catch (NotOpenException e) {
                // closed meanwhile: nothing to break
            }
        }
    }

    private void wake() {
        synchronized (wakeLock) {
            woken = true;
            wakeLock.notifyAll();
        }
    }

    /** Waits up to reopenMillis, or until a link change or close wakes the thread. */
    private void pause() {
        synchronized (wakeLock) {
            long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(settings.reopenMillis());
            long left;
            while (!woken && !closed && (left = end - System.nanoTime()) > 0) {
                try {
                    TimeUnit.NANOSECONDS.timedWait(wakeLock, left);
                } catch (InterruptedException e) {
                    break; // nothing interrupts this thread on purpose: only close() ends it
                }
            }
            woken = false;
        }
    }
}
