package org.vnicteam.fabric.sim.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Logger;

import org.vnicteam.api.verbs.AsyncEvent;
import org.vnicteam.api.verbs.PathRecord;
import org.vnicteam.api.verbs.PortState;
import org.vnicteam.api.verbs.PortStateTrap;
import org.vnicteam.api.verbs.ServiceRecord;

/**
 * The subnet manager: sweeps the fabric, assigns LIDs (stable for the life of the fabric),
 * programs P_Key tables and the switches' linear forwarding tables (shortest paths, lowest port
 * on ties), answers path queries, and reports port state changes as async events to the HCA
 * that owns the port and as traps to every subscriber. A sweep runs on every change of a link
 * or of a node's power, so a redundant path takes over at once.
 */
final class SubnetManager {

    private static final Logger LOG = Logger.getLogger(SubnetManager.class.getName());
    private static final int MAX_HOPS = 64;

    private final SimFabric fabric;
    private final SwitchNode smNode;
    private final List<Registration> services = new ArrayList<>();
    long sweeps;

    private record Registration(String name, Port port, int qpn, int qkey) {
    }

    SubnetManager(SimFabric fabric) {
        this.fabric = fabric;
        this.smNode = fabric.switches.isEmpty() ? null : fabric.switches.get(0);
        int lid = 1;
        for (CaNode ca : fabric.cas) {
            for (int i = 1; i <= ca.portCount(); i++) {
                ca.ports[i].lid = lid++;
            }
        }
        for (SwitchNode sw : fabric.switches) {
            sw.lid = lid++;
            for (int i = 1; i <= sw.portCount(); i++) {
                sw.ports[i].lid = sw.lid;
            }
        }
    }

    String smNodeName() {
        return smNode == null ? "" : smNode.name;
    }

    int smLid() {
        return smNode == null ? 0 : smNode.lid;
    }

    /** Engine thread. */
    void sweep() {
        sweeps++;
        Map<Port, PortState> before = new HashMap<>();
        for (Node n : fabric.nodes.values()) {
            for (int i = 1; i <= n.portCount(); i++) {
                Port p = n.ports[i];
                before.put(p, p.state);
                p.state = p.link != null && p.link.physicallyUp() ? PortState.ACTIVE : PortState.DOWN;
            }
        }
        programPkeys();
        programRoutes();
        for (Node n : fabric.nodes.values()) {
            for (int i = 1; i <= n.portCount(); i++) {
                Port p = n.ports[i];
                if (before.get(p) != p.state) {
                    report(p);
                }
            }
        }
    }

    private void report(Port p) {
        LOG.fine(() -> "port " + p + " " + p.state);
        if (p.node instanceof CaNode ca && ca.hca != null) {
            ca.hca.fireAsync(new AsyncEvent(
                    p.state == PortState.ACTIVE ? AsyncEvent.Type.PORT_ACTIVE : AsyncEvent.Type.PORT_DOWN, p.number, 0,
                    "port " + p + " " + p.state));
        }
        PortStateTrap trap = new PortStateTrap(p.node.name, p.number, p.lid, p.state);
        for (CaNode ca : fabric.cas) {
            SimHca h = ca.hca;
            if (h != null) {
                fabric.engine.notify(h.trapListeners, l -> l.portStateChanged(trap));
            }
        }
    }

    private void programPkeys() {
        for (CaNode ca : fabric.cas) {
            int[] table = fabric.spec.partitions().stream().mapToInt(part -> part.pkeyFor(ca.name)).filter(k -> k >= 0)
                    .toArray();
            for (int i = 1; i <= ca.portCount(); i++) {
                Port p = ca.ports[i];
                p.pkeys = table;
                Port peer = p.peer();
                if (peer != null && peer.node instanceof SwitchNode) {
                    peer.pkeys = table; // partition enforcement on the switch port facing the CA
                }
            }
        }
    }

    private void programRoutes() {
        for (SwitchNode sw : fabric.switches) {
            sw.clearRoutes();
            Map<SwitchNode, Integer> firstHop = bfs(sw);
            for (Map.Entry<SwitchNode, Integer> e : firstHop.entrySet()) {
                SwitchNode target = e.getKey();
                if (target != sw) {
                    sw.lft[target.lid] = (byte) (int) e.getValue();
                }
                // every active CA port hanging off the target switch is reached the same way
                for (int i = 1; i <= target.portCount(); i++) {
                    Port tp = target.ports[i];
                    Port peer = tp.peer();
                    if (tp.isActive() && peer != null && peer.node instanceof CaNode) {
                        sw.lft[peer.lid] = (byte) (target == sw ? i : e.getValue());
                    }
                }
            }
        }
    }

    /** Breadth-first over active switch-to-switch links: reachable switch → egress port from {@code from}. */
    private static Map<SwitchNode, Integer> bfs(SwitchNode from) {
        Map<SwitchNode, Integer> firstHop = new HashMap<>();
        firstHop.put(from, 0);
        ArrayDeque<SwitchNode> queue = new ArrayDeque<>();
        queue.add(from);
        while (!queue.isEmpty()) {
            SwitchNode s = queue.poll();
            for (int i = 1; i <= s.portCount(); i++) {
                Port p = s.ports[i];
                Port peer = p.peer();
                if (p.isActive() && peer != null && peer.node instanceof SwitchNode next && !firstHop.containsKey(next)) {
                    firstHop.put(next, s == from ? i : firstHop.get(s));
                    queue.add(next);
                }
            }
        }
        return firstHop;
    }

    /** The path from a CA port to a LID as the forwarding tables route it now. Engine thread. */
    Optional<PathRecord> path(Port from, int dlid) {
        if (!from.isActive()) {
            return Optional.empty();
        }
        Port at = from;
        int mtu = Integer.MAX_VALUE;
        for (int hops = 1; hops <= MAX_HOPS; hops++) {
            mtu = Math.min(mtu, at.link.mtu);
            Port in = at.peer();
            if (in.node instanceof CaNode) {
                return in.lid == dlid && in.isActive()
                        ? Optional.of(new PathRecord(from.lid, dlid, mtu, hops, from.pkeys.length > 0 ? from.pkeys[0] : 0))
                        : Optional.empty();
            }
            SwitchNode sw = (SwitchNode) in.node;
            int out = dlid < SwitchNode.LFT_SIZE ? sw.lft[dlid] & 0xFF : 0;
            if (out == 0 || !sw.ports[out].isActive()) {
                return Optional.empty();
            }
            at = sw.ports[out];
        }
        return Optional.empty();
    }

    /** Engine thread. */
    void registerService(String name, Port port, int qpn, int qkey) {
        unregisterService(name, port, qpn);
        services.add(new Registration(name, port, qpn, qkey));
    }

    /** Engine thread. */
    void unregisterService(String name, Port port, int qpn) {
        services.removeIf(r -> r.name.equals(name) && r.port == port && r.qpn == qpn);
    }

    /** Engine thread: a closed HCA's records go with it. */
    void unregisterAll(CaNode ca) {
        services.removeIf(r -> r.port.node == ca);
    }

    /** Engine thread. */
    List<ServiceRecord> services(String name) {
        List<ServiceRecord> out = new ArrayList<>();
        for (Registration r : services) {
            if (r.name.equals(name) && r.port.isActive()) {
                out.add(new ServiceRecord(name, r.port.node.name, r.port.lid, r.qpn, r.qkey));
            }
        }
        return out;
    }

    /** LID of a CA's first port when it is active. Engine thread. */
    Optional<Integer> lidOf(String ca) {
        Node n = fabric.nodes.get(ca);
        if (n instanceof CaNode c && c.ports[1].isActive()) {
            return Optional.of(c.ports[1].lid);
        }
        return Optional.empty();
    }
}
