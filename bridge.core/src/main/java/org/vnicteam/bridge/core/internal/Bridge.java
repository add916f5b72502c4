package org.vnicteam.bridge.core.internal;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.vnicteam.api.bridge.BridgeCounters;
import org.vnicteam.api.bridge.BridgeDevice;
import org.vnicteam.api.bridge.BridgeStatus;
import org.vnicteam.api.bridge.ChannelStatus;
import org.vnicteam.api.bridge.DataChannel;
import org.vnicteam.api.bridge.LinkListener;
import org.vnicteam.api.bridge.ProbeStatus;
import org.vnicteam.api.ethernet.CarrierListener;
import org.vnicteam.api.ethernet.EthernetPort;
import org.vnicteam.api.ethernet.FrameReceiver;
import org.vnicteam.api.verbs.CompletionQueue;
import org.vnicteam.api.verbs.Hca;
import org.vnicteam.api.verbs.PortAttributes;
import org.vnicteam.api.verbs.VerbsException;
import org.vnicteam.api.verbs.WcOpcode;
import org.vnicteam.api.verbs.WorkCompletion;

/**
 * One bridge device: its HCA (owned: closing the bridge closes it, which the fabric sees as an
 * unplug), its Ethernet port, and the data channels of its sessions. Frames from Ethernet are
 * dispatched to the channels whose team MAC/VLANs they match; completions of every channel's queue
 * pair arrive on two completion queues shared by the device and are dispatched by QP number.
 *
 * <p>Plain Java so that tests drive it with a real simulated fabric; the DS component
 * {@link BridgeDeviceComponent} wraps it.
 */
public final class Bridge implements BridgeDevice, FrameReceiver, CarrierListener, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(Bridge.class.getName());
    private static final int POLL_BATCH = 64;
    private static final HostDataChannel[] NO_CHANNELS = new HostDataChannel[0];

    final BridgeSettings settings;
    final Hca hca;
    final EthernetPort port;
    final long mac;
    final byte[] macBytes;
    final CompletionQueue sendCq;
    final CompletionQueue receiveCq;

    private final WorkCompletion[] sendBatch = batch();
    private final WorkCompletion[] receiveBatch = batch();
    private final Object channelsLock = new Object();
    /** Copy-on-write: the data path reads it without a lock. */
    private volatile HostDataChannel[] channels = NO_CHANNELS;
    /** Counters of closed channels, so that device totals survive sessions. */
    private BridgeCounters retired = BridgeCounters.ZERO;
    /** Frames from Ethernet that no channel took. */
    private final FrameCounters unclaimed = new FrameCounters();
    private final AtomicLong carrierChanges = new AtomicLong();
    private final CopyOnWriteArrayList<LinkListener> linkListeners = new CopyOnWriteArrayList<>();
    private volatile boolean carrier;
    private volatile boolean closed;
    private volatile BridgeDevice publishedAs = this;
    /** The unicast MACs the port was last told of (see {@link #updatePortAddresses()}). */
    private List<Long> portAddresses = List.of();
    /** Null when the bridge does not probe its Ethernet path. */
    private final PathProbes probes;
    /** Orders path reports after the carrier report they follow (see {@link #reportPaths}). */
    private final Object reportLock = new Object();
    private final Object programLock = new Object();

    /**
     * Takes ownership of an open HCA and prepares the data path; nothing flows before
     * {@link #start()}.
     */
    public Bridge(BridgeSettings settings, Hca hca, EthernetPort port) throws VerbsException {
        this(settings, hca, port, ProbeSettings.OFF);
    }

    /** As above, probing the Ethernet path as {@code probeSettings} say (docs/protocol.md, "Probe frames"). */
    public Bridge(BridgeSettings settings, Hca hca, EthernetPort port, ProbeSettings probeSettings)
            throws VerbsException {
        this.settings = settings;
        this.hca = hca;
        this.port = port;
        this.mac = settings.mac() == -1 ? Frames.macFromGuid(hca.nodeGuid()) : settings.mac();
        this.macBytes = Frames.macBytes(mac);
        int perChannel = settings.hostReceives() + settings.hostSendSlots();
        int depth = Math.min(1 << 20, settings.maxChannels() * perChannel + POLL_BATCH);
        this.sendCq = hca.createCompletionQueue(depth);
        this.receiveCq = hca.createCompletionQueue(depth);
        sendCq.setListener(this::drainSendCompletions);
        receiveCq.setListener(this::drainReceiveCompletions);
        this.probes = probeSettings.enabled() ? new PathProbes(mac, port, probeSettings, this::reportPaths) : null;
    }

    /**
     * The object listeners are told about (the registered service, when a component wraps this
     * bridge), so that they see the same identity they bound.
     */
    public void publishAs(BridgeDevice device) {
        publishedAs = device;
    }

    /** Attaches to the Ethernet port: from now on frames flow and carrier changes are reported. */
    public void start() {
        port.addCarrierListener(this);
        carrier = port.carrier(); // after adding the listener, so no change falls in between
        port.setReceiver(this);
        updatePortAddresses();
        if (probes != null) {
            probes.carrierChanged(carrier);
            probes.start("bridge-" + name() + "-probes");
        }
    }

    /** Detaches from the port and closes the HCA: to the fabric, the bridge is unplugged. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (probes != null) {
            probes.close();
        }
        port.setReceiver(null);
        port.removeCarrierListener(this);
        for (HostDataChannel c : channels) {
            c.close();
        }
        hca.close();
    }

    // ---- BridgeDevice -------------------------------------------------------------------------

    @Override
    public String name() {
        return settings.name();
    }

    @Override
    public String adapterName() {
        return settings.adapter();
    }

    @Override
    public Hca hca() {
        return hca;
    }

    @Override
    public byte[] macAddress() {
        return macBytes.clone();
    }

    @Override
    public int ethernetMtu() {
        return settings.ethernetMtu();
    }

    @Override
    public int maxVlans() {
        return settings.maxVlans();
    }

    @Override
    public int maxChannels() {
        return settings.maxChannels();
    }

    @Override
    public boolean carrier() {
        return carrier;
    }

    @Override
    public long carrierChanges() {
        return carrierChanges.get();
    }

    @Override
    public boolean probing() {
        return probes != null;
    }

    @Override
    public DataChannel openDataChannel(DataChannel.Peer peer) throws VerbsException {
        HostDataChannel channel;
        synchronized (channelsLock) {
            if (closed) {
                throw new VerbsException("bridge " + name() + " is unplugged");
            }
            if (channels.length >= settings.maxChannels()) {
                throw new VerbsException("bridge " + name() + " serves " + settings.maxChannels()
                        + " sessions at most; all are in use");
            }
            channel = new HostDataChannel(this, peer);
            HostDataChannel[] grown = Arrays.copyOf(channels, channels.length + 1);
            grown[grown.length - 1] = channel;
            channels = grown;
        }
        try {
            channel.connect();
        } catch (VerbsException | RuntimeException e) {
            channel.close();
            throw e;
        }
        return channel;
    }

    /** Called by a channel once its queue pair is destroyed. */
    void channelClosed(HostDataChannel channel) {
        synchronized (channelsLock) {
            HostDataChannel[] now = channels;
            int i = Arrays.asList(now).indexOf(channel);
            if (i < 0) {
                return;
            }
            HostDataChannel[] shrunk = new HostDataChannel[now.length - 1];
            System.arraycopy(now, 0, shrunk, 0, i);
            System.arraycopy(now, i + 1, shrunk, i, now.length - i - 1);
            channels = shrunk;
            retired = retired.plus(channel.counters.snapshot(0));
        }
        addressesChanged();
    }

    /**
     * Tells the port the unicast MACs this bridge takes frames for: its own and the team MAC of
     * every programmed session (a port on a real interface filters in the kernel on them). Called
     * when they change: start, CONFIG_ADDRESSES, a session's end.
     */
    void updatePortAddresses() {
        synchronized (channelsLock) { // computed and applied in one piece, so a later set never loses to an earlier
            TreeSet<Long> macs = new TreeSet<>();
            macs.add(mac);
            for (HostDataChannel c : channels) {
                AddressFilter f = c.addressFilter();
                if (f.programmed) {
                    macs.add(f.teamMac);
                }
            }
            List<Long> now = List.copyOf(macs);
            if (closed || now.equals(portAddresses)) {
                return;
            }
            portAddresses = now;
            port.setAddresses(now.stream().map(Frames::macBytes).toList());
        }
    }

    /**
     * A channel was programmed with a team MAC and VLANs, or ended: the port filters on the MACs,
     * the probes watch the team's VLANs.
     */
    void addressesChanged() {
        updatePortAddresses();
        programsChanged();
    }

    private void programsChanged() {
        if (probes == null) {
            return;
        }
        // Read and applied under one lock: whoever applies last applies the newest channels.
        synchronized (programLock) {
            List<PathProbes.Program> programs = new ArrayList<>();
            for (HostDataChannel c : channels) {
                AddressFilter f = c.addressFilter();
                if (f.programmed) {
                    programs.add(new PathProbes.Program(c, f.teamMac, f.vlans));
                }
            }
            probes.setPrograms(programs, System.nanoTime());
        }
    }

    /** Whether the channel's path is up, as its session was last told. */
    boolean pathUp(HostDataChannel channel) {
        return probes == null || probes.pathUp(channel);
    }

    /**
     * Path changes found by the probe thread. Under the lock carrier reports take too, and dropped
     * if the carrier changed since they were found: a carrier report supersedes them, so a path
     * report can never reach a session after a newer carrier report.
     */
    private void reportPaths(List<PathProbes.Event> events, long carrierEpoch) {
        BridgeDevice device = publishedAs;
        synchronized (reportLock) {
            if (probes.carrierEpoch() != carrierEpoch) {
                return;
            }
            for (PathProbes.Event e : events) {
                for (LinkListener l : linkListeners) {
                    try {
                        l.pathChanged(device, (DataChannel) e.channel(), e.up(), e.nanoTime());
                    } catch (RuntimeException ex) {
                        LOG.log(Level.WARNING, "link listener of bridge " + name() + " failed", ex);
                    }
                }
            }
        }
    }

    @Override
    public void addLinkListener(LinkListener listener) {
        linkListeners.addIfAbsent(listener);
    }

    @Override
    public void removeLinkListener(LinkListener listener) {
        linkListeners.remove(listener);
    }

    @Override
    public BridgeStatus status() {
        List<ChannelStatus> open = new ArrayList<>();
        BridgeCounters totals;
        synchronized (channelsLock) {
            totals = retired.plus(unclaimed.snapshot(carrierChanges.get()));
            for (HostDataChannel c : channels) {
                ChannelStatus s = c.status();
                open.add(s);
                totals = totals.plus(s.counters());
            }
        }
        PortAttributes fabricPort = hca.queryPort(FABRIC_PORT);
        return new BridgeStatus(name(), adapterName(), settings.ethernetPortName(), Frames.formatMac(mac),
                settings.ethernetMtu(), carrier, fabricPort.isActive() ? fabricPort.lid() : 0, totals, open,
                probes == null ? ProbeStatus.OFF : probes.status());
    }

    // ---- Ethernet side ----------------------------------------------------------------------

    @Override
    public void frameReceived(ByteBuffer frame, int offset, int length) {
        if (length < Frames.HEADER_SIZE) {
            unclaimed.increment(FrameCounters.DROPPED_MALFORMED);
            return;
        }
        long destination = Frames.mac(frame, offset + Frames.DESTINATION_OFFSET);
        long source = Frames.mac(frame, offset + Frames.SOURCE_OFFSET);
        boolean group = Frames.isGroupDestination(frame, offset);
        int vlan = Frames.vlan(frame, offset, length);
        PathProbes p = probes;
        if (p != null && p.onFrame(frame, offset, length, destination, source, vlan)) {
            return; // a probe: for this bridge only, never for the host
        }
        boolean taken = false;
        for (HostDataChannel c : channels) {
            taken |= c.offerFromEthernet(frame, offset, length, destination, group, source, vlan);
        }
        if (!taken) {
            unclaimed.increment(FrameCounters.DROPPED_FILTERED);
        }
    }

    /**
     * The port's carrier changed: update state first, then tell the listeners on this same thread,
     * so the host command handler's LINK_STATUS leaves without any queue or poll in between.
     */
    @Override
    public void carrierChanged(EthernetPort changed, boolean nowCarrier, long nanoTime) {
        synchronized (reportLock) {
            carrier = nowCarrier;
            long changes = carrierChanges.incrementAndGet();
            if (probes != null) {
                probes.carrierChanged(nowCarrier);
            }
            BridgeDevice device = publishedAs;
            for (LinkListener l : linkListeners) {
                try {
                    l.linkChanged(device, nowCarrier, changes, nanoTime);
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "link listener of bridge " + name() + " failed", e);
                }
            }
        }
    }

    /** The host moved a team to this bridge: one of its learning frames went out (fabric thread). */
    void learningFrameSent(long teamMac, int vlan) {
        PathProbes p = probes;
        if (p != null) {
            p.learningFrameSent(teamMac, vlan);
        }
    }

    // ---- completions (the fabric's event thread) --------------------------------------------

    // The HCA calls these on its event thread; the lock only guards the reused batch array
    // should a provider ever call from two threads.
    private void drainReceiveCompletions(CompletionQueue cq) {
        synchronized (receiveBatch) {
            WorkCompletion[] batch = receiveBatch;
            int n;
            while ((n = cq.poll(batch)) > 0) {
                for (int i = 0; i < n; i++) {
                    HostDataChannel c = channelFor(batch[i].qpNumber);
                    if (c != null && batch[i].opcode == WcOpcode.RECV) {
                        c.onReceiveCompleted(batch[i]);
                    }
                }
            }
        }
    }

    private void drainSendCompletions(CompletionQueue cq) {
        synchronized (sendBatch) {
            WorkCompletion[] batch = sendBatch;
            int n;
            while ((n = cq.poll(batch)) > 0) {
                for (int i = 0; i < n; i++) {
                    HostDataChannel c = channelFor(batch[i].qpNumber);
                    if (c != null) {
                        c.onSendCompleted(batch[i]);
                    }
                }
            }
        }
    }

    private HostDataChannel channelFor(int qpNumber) {
        for (HostDataChannel c : channels) {
            if (c.queuePairNumber() == qpNumber) {
                return c;
            }
        }
        return null;
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
        return "bridge " + name() + " (" + adapterName() + ", " + settings.ethernetPortName() + ")";
    }
}
