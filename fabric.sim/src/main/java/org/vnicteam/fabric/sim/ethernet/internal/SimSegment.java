package org.vnicteam.fabric.sim.ethernet.internal;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import org.vnicteam.api.ethernet.EthernetPort;
import org.vnicteam.fabric.sim.ethernet.EthernetSegment;
import org.vnicteam.fabric.sim.ethernet.HostStatus;
import org.vnicteam.fabric.sim.ethernet.SegmentStatus;
import org.vnicteam.fabric.sim.ethernet.SimIpHost;

/**
 * A running segment: the event thread, the switch, the bridge ports and the hosts, wired as the
 * spec says. The switch and the hosts live on the event thread; bridges and control calls from
 * other threads post to it.
 */
public final class SimSegment implements EthernetSegment {

    private final SegmentSpec spec;
    private final SegmentEngine engine;
    private final SwitchCore switchCore;
    private final Map<String, SwitchCore.Port> portsByName = new LinkedHashMap<>();
    private final Map<String, BridgePort> bridges = new LinkedHashMap<>();
    private final Map<String, SimIpHost> hosts = new LinkedHashMap<>();
    private volatile boolean closed;

    public SimSegment(SegmentSpec spec) {
        this.spec = spec;
        int maxTagged = spec.maxFrameSize() + SwitchCore.TAG;
        engine = new SegmentEngine("ethernet-" + spec.name(), spec.queueCapacity(), maxTagged);
        List<SwitchCore.Port> ports = new ArrayList<>();
        for (SegmentSpec.PortSpec ps : spec.ports()) {
            SwitchCore.Port p = SwitchCore.port(ports.size(), ps.name(), ps.mode(), ps.vids(), ps.up());
            ports.add(p);
            portsByName.put(ps.name(), p);
        }
        switchCore = new SwitchCore(ports, SegmentSpec.FDB_CAPACITY, spec.ageingNanos(), spec.maxFrameSize());
        engine.attach(switchCore);
        Map<String, SegmentSpec.HostSpec> hostSpecs = new LinkedHashMap<>();
        spec.hosts().forEach(h -> hostSpecs.put(h.name(), h));
        for (SegmentSpec.PortSpec ps : spec.ports()) {
            SwitchCore.Port p = portsByName.get(ps.name());
            if (ps.peerKind() == SegmentStatus.PeerKind.BRIDGE) {
                int max = ps.mode() == org.vnicteam.fabric.sim.ethernet.PortMode.TRUNK ? maxTagged : spec.maxFrameSize();
                BridgePort bp = new BridgePort(ps.peer(), ps.mac(), max, this, p);
                bridges.put(ps.peer(), bp);
                p.setEgress(bp);
            } else {
                SegmentSpec.HostSpec hs = hostSpecs.get(ps.peer());
                SimIpHost host = new SimIpHost(hs.name(), hs.mac(), hs.address(), hs.vlan(),
                        (frame, offset, length) -> post(p, frame, offset, length), engine);
                hosts.put(hs.name(), host);
                p.setEgress((view, frame, length) -> host.receive(ByteBuffer.wrap(frame, 0, length), 0, length));
            }
        }
        // Lookups ignore aged entries by themselves; the sweep frees their slots.
        long sweep = Math.max(100_000_000L, spec.ageingNanos() / 4);
        engine.schedule(sweep, new Runnable() {
            @Override
            public void run() {
                switchCore.age(engine.nanoTime());
                engine.schedule(sweep, this);
            }
        });
        engine.start();
    }

    /** Ingress from the peer of {@code port}: any thread, never blocks; drops are counted on the port. */
    boolean post(SwitchCore.Port port, ByteBuffer frame, int offset, int length) {
        if (closed) {
            return false;
        }
        if (!port.up) {
            port.entryLinkDown.incrementAndGet();
            return false;
        }
        if (!port.attached) {
            port.entryDetached.incrementAndGet();
            return true; // on the cable, into a port the switch no longer has: gone, without a word
        }
        switch (engine.offer(port.index, frame, offset, length)) {
            case QUEUED:
                return true;
            case OVERFLOW:
                port.entryOverflow.incrementAndGet();
                return false;
            default:
                port.entryMalformed.incrementAndGet();
                return false;
        }
    }

    @Override
    public String name() {
        return spec.name();
    }

    public SegmentSpec spec() {
        return spec;
    }

    @Override
    public SegmentStatus status() {
        return onEngine(() -> { // the hosts live on the engine thread too: one consistent snapshot
            engine.drainQueued(); // ... that includes every frame offered before the call
            List<HostStatus> hostStatus = new ArrayList<>();
            for (SimIpHost h : hosts.values()) {
                hostStatus.add(h.status());
            }
            long now = engine.nanoTime();
            List<SegmentStatus.PortStatus> ports = new ArrayList<>();
            for (SegmentSpec.PortSpec ps : spec.ports()) {
                ports.add(portStatus(ps));
            }
            SegmentStatus.SegmentCounters c = new SegmentStatus.SegmentCounters(switchCore.framesSwitched(),
                    switchCore.framesFiltered(), engine.capacity(), engine.highWater(), engine.buffersAllocated(),
                    switchCore.fdbCapacity(), switchCore.fdbFull(), switchCore.ageingNanos());
            return new SegmentStatus(spec.name(), ports, switchCore.fdb(now), hostStatus, c);
        });
    }

    @Override
    public SegmentStatus.PortStatus port(String name) {
        String switchPort = resolvePort(name).name;
        SegmentSpec.PortSpec ps = spec.ports().stream().filter(s -> s.name().equals(switchPort)).findFirst()
                .orElseThrow();
        return onEngine(() -> portStatus(ps));
    }

    /** On the engine thread. */
    private SegmentStatus.PortStatus portStatus(SegmentSpec.PortSpec ps) {
        SwitchCore.Port p = portsByName.get(ps.name());
        return new SegmentStatus.PortStatus(ps.name(), ps.mode(), p.carriedVids(), p.up, ps.peer(), ps.peerKind(),
                p.counters(), p.attached(), p.droppedVids());
    }

    @Override
    public List<SegmentStatus.FdbEntry> fdb() {
        return onEngine(() -> {
            engine.drainQueued();
            return switchCore.fdb(engine.nanoTime());
        });
    }

    @Override
    public void setPortUp(String name, boolean up) {
        SwitchCore.Port p = resolvePort(name);
        BridgePort bp = p.egress instanceof BridgePort b ? b : null;
        boolean changed;
        if (bp != null) {
            changed = bp.setCarrier(up);
        } else {
            changed = p.up != up;
            p.up = up;
        }
        if (changed && !up) {
            engine.execute(() -> switchCore.flushPort(p.index));
        }
    }

    @Override
    public void setPortAttached(String name, boolean attached) {
        SwitchCore.Port p = resolvePort(name);
        onEngine(() -> {
            p.attached = attached;
            if (!attached) {
                switchCore.flushPort(p.index);
            }
            return null;
        });
    }

    @Override
    public void setVlanCarried(String name, int vid, boolean carried) {
        SwitchCore.Port p = resolvePort(name);
        if (p.mode != org.vnicteam.fabric.sim.ethernet.PortMode.TRUNK) {
            throw new IllegalArgumentException("port " + p.name + " is an access port (VLAN " + p.accessVid
                    + "): only a trunk's VLANs can be dropped; remove the port instead");
        }
        if (!p.vids.contains(vid)) {
            throw new IllegalArgumentException("trunk " + p.name + " is not configured with VLAN " + vid + " (VLANs "
                    + p.vids + ")");
        }
        onEngine(() -> {
            p.setCarried(vid, carried);
            if (!carried) {
                switchCore.flushPortVlan(p.index, vid);
            }
            return null;
        });
    }

    private SwitchCore.Port resolvePort(String name) {
        SwitchCore.Port p = portsByName.get(name);
        if (p != null) {
            return p;
        }
        for (SegmentSpec.PortSpec ps : spec.ports()) {
            if (ps.peer().equals(name)) {
                return portsByName.get(ps.name());
            }
        }
        throw new IllegalArgumentException("no switch port, bridge port or host named '" + name + "' in segment "
                + spec.name() + " (ports " + portsByName.keySet() + ", bridges " + bridges.keySet() + ", hosts "
                + hosts.keySet() + ")");
    }

    @Override
    public List<String> hostNames() {
        return List.copyOf(hosts.keySet());
    }

    @Override
    public SimIpHost host(String name) {
        SimIpHost h = hosts.get(name);
        if (h == null) {
            throw new IllegalArgumentException("no host '" + name + "' in segment " + spec.name() + " (hosts "
                    + hosts.keySet() + ")");
        }
        return h;
    }

    @Override
    public void flushFdb() {
        onEngine(() -> {
            switchCore.flushAll();
            return null;
        });
    }

    @Override
    public EthernetPort bridgePort(String name) {
        BridgePort bp = bridges.get(name);
        if (bp == null) {
            throw new IllegalArgumentException("no bridge port '" + name + "' in segment " + spec.name() + " (bridge ports "
                    + bridges.keySet() + ")");
        }
        return bp;
    }

    @Override
    public List<String> bridgePortNames() {
        return List.copyOf(bridges.keySet());
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (BridgePort bp : bridges.values()) {
            bp.setCarrier(false);
        }
        for (SimIpHost h : hosts.values()) {
            h.close();
        }
        engine.close();
    }

    private <T> T onEngine(Supplier<T> s) {
        // after close nothing mutates the state any more: read it here
        return closed ? s.get() : engine.call(s, "segment " + spec.name());
    }

    @Override
    public String toString() {
        return "EthernetSegment " + spec.name() + " ports " + portsByName.keySet();
    }
}
