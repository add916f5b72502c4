package org.vnicteam.fabric.sim.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.vnicteam.api.fabric.FabricStatus;
import org.vnicteam.api.verbs.Hca;
import org.vnicteam.api.verbs.VerbsException;
import org.vnicteam.fabric.sim.SimulatedFabric;

/** The simulated fabric: nodes, links, the subnet manager and the engine that runs them. */
public final class SimFabric implements SimulatedFabric {

    private static final long GUID_BASE = 0x0002_C903_0000_0000L;

    final TopologySpec spec;
    final Engine engine;
    final Map<String, Node> nodes = new LinkedHashMap<>();
    final List<CaNode> cas = new ArrayList<>();
    final List<SwitchNode> switches = new ArrayList<>();
    final Map<String, Link> links = new LinkedHashMap<>();
    final SubnetManager sm;
    private final String name;

    public SimFabric(String name, TopologySpec spec, long seed) {
        this.name = name;
        this.spec = spec;
        this.engine = new Engine("fabric-" + name, seed);
        long guid = GUID_BASE;
        for (TopologySpec.NodeSpec n : spec.nodes()) {
            guid++;
            Node node;
            if (n.kind() == TopologySpec.Kind.CA) {
                CaNode ca = new CaNode(engine, n.name(), guid, n.ports());
                cas.add(ca);
                node = ca;
            } else {
                SwitchNode sw = new SwitchNode(n.name(), guid, n.ports());
                switches.add(sw);
                node = sw;
            }
            nodes.put(n.name(), node);
        }
        for (TopologySpec.LinkSpec l : spec.links()) {
            links.put(l.name(), new Link(engine, l.name(), nodes.get(l.nodeA()).ports[l.portA()],
                    nodes.get(l.nodeB()).ports[l.portB()], l.mtu(), l.latencyNanos(), l.lossRate(), l.bitErrorRate(),
                    l.up()));
        }
        sm = new SubnetManager(this);
        engine.start();
        engine.run(sm::sweep);
    }

    public String name() {
        return name;
    }

    @Override
    public List<String> adapters() {
        return cas.stream().map(c -> c.name).toList();
    }

    @Override
    public Hca open(String adapterName) throws VerbsException {
        return engine.call(() -> {
            Node n = nodes.get(adapterName);
            if (!(n instanceof CaNode ca)) {
                throw new VerbsException("no channel adapter '" + adapterName + "'; there are " + adapters());
            }
            if (ca.hca != null) {
                throw new VerbsException("HCA " + adapterName + " is already open");
            }
            ca.hca = new SimHca(this, ca);
            sm.sweep();
            return ca.hca;
        });
    }

    /** Engine thread: the HCA was closed; its node loses power, its links go dark. */
    void unplug(SimHca hca) {
        CaNode ca = hca.node;
        if (ca.hca != hca) {
            return;
        }
        ca.hca = null;
        sm.unregisterAll(ca);
        for (int i = 1; i <= ca.portCount(); i++) {
            if (ca.ports[i].link != null) {
                ca.ports[i].link.flush(engine);
            }
        }
        sm.sweep();
    }

    @Override
    public FabricStatus status() {
        try {
            return engine.call(this::snapshot);
        } catch (VerbsException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    @Override
    public FabricStatus.LinkStatus link(String linkName) {
        Link l = linkNamed(linkName);
        try {
            return engine.call(() -> linkStatus(l));
        } catch (VerbsException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    private static FabricStatus.LinkStatus linkStatus(Link l) {
        return new FabricStatus.LinkStatus(l.name, l.a.id(), l.b.id(), l.physicallyUp(), l.mtu, l.latencyNanos,
                l.lossRate, l.bitErrorRate, l.packets, l.lost, l.corrupted);
    }

    private FabricStatus snapshot() {
        List<FabricStatus.NodeStatus> ns = new ArrayList<>();
        for (Node n : nodes.values()) {
            List<FabricStatus.PortStatus> ps = new ArrayList<>();
            for (int i = 1; i <= n.portCount(); i++) {
                Port p = n.ports[i];
                Port peer = p.peer();
                ps.add(new FabricStatus.PortStatus(i, p.lid, p.state.name(), peer == null ? "" : peer.id(),
                        p.link == null ? "" : p.link.name));
            }
            boolean ca = n instanceof CaNode;
            ns.add(new FabricStatus.NodeStatus(n.name, ca ? FabricStatus.Kind.CA : FabricStatus.Kind.SWITCH, n.guid,
                    n.powered(), ps, n.counters.snapshot()));
        }
        List<FabricStatus.LinkStatus> ls = new ArrayList<>();
        for (Link l : links.values()) {
            ls.add(linkStatus(l));
        }
        return new FabricStatus(ns, ls, sm.smNodeName(), sm.sweeps);
    }

    private Link linkNamed(String linkName) {
        Link l = links.get(linkName);
        if (l == null) {
            throw new IllegalArgumentException("no link '" + linkName + "'; there are " + links.keySet());
        }
        return l;
    }

    @Override
    public void setLinkUp(String linkName, boolean up) {
        Link l = linkNamed(linkName);
        engine.run(() -> {
            if (l.adminUp != up) {
                l.adminUp = up;
                if (!up) {
                    l.flush(engine);
                }
                sm.sweep();
            }
        });
    }

    @Override
    public void setLinkImpairment(String linkName, double lossRate, double bitErrorRate) {
        if (!(lossRate >= 0 && lossRate < 1 && bitErrorRate >= 0 && bitErrorRate < 1)) {
            throw new IllegalArgumentException("loss and bit-error rates are 0 <= p < 1");
        }
        Link l = linkNamed(linkName);
        l.lossRate = lossRate;
        l.bitErrorRate = bitErrorRate;
    }

    /** Sets a link's one-way latency (tests of timing). */
    public void setLinkLatency(String linkName, long nanos) {
        linkNamed(linkName).latencyNanos = nanos;
    }

    @Override
    public Capture capture(String nodeName, int portNumber, Path file) throws IOException {
        Node n = nodes.get(nodeName);
        if (n == null) {
            throw new IllegalArgumentException("no node '" + nodeName + "'");
        }
        if (portNumber < 1 || portNumber > n.portCount()) {
            throw new IllegalArgumentException(nodeName + " has ports 1.." + n.portCount());
        }
        Port port = n.ports[portNumber];
        PcapCapture c = new PcapCapture(file, () -> engine.run(() -> port.capture = null));
        engine.run(() -> {
            if (port.capture != null) {
                throw new IllegalStateException("port " + port + " is already being captured");
            }
            port.capture = c;
        });
        return c;
    }

    /**
     * Puts raw bytes on the wire from a node's port, as a faulty or hostile device would: the
     * fabric must drop and count what is malformed without harm to other traffic.
     */
    public void inject(String nodeName, int portNumber, byte[] packet) {
        if (packet.length > PacketBuffer.CAPACITY) {
            throw new IllegalArgumentException("packet longer than " + PacketBuffer.CAPACITY);
        }
        Node n = nodes.get(nodeName);
        if (n == null || portNumber < 1 || portNumber > n.portCount()) {
            throw new IllegalArgumentException("no port " + nodeName + ":" + portNumber);
        }
        engine.run(() -> {
            PacketBuffer p = engine.pool.acquire();
            p.buf.put(0, packet);
            p.setLength(packet.length);
            p.vcrcValid = true; // bytes from outside carry their own link CRC: every hop checks it
            n.ports[portNumber].send(p, engine);
        });
    }

    @Override
    public long packetBuffersAllocated() {
        try {
            return engine.call(engine.pool::allocated);
        } catch (VerbsException e) {
            return -1;
        }
    }

    @Override
    public void close() {
        try {
            engine.run(() -> {
                for (CaNode ca : cas) {
                    if (ca.hca != null) {
                        ca.hca.close();
                    }
                }
            });
        } finally {
            engine.stop();
        }
    }

    @Override
    public String toString() {
        return "fabric " + name + " " + nodes.keySet();
    }
}
