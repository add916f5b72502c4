package org.vnicteam.fabric.sim.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.vnicteam.api.verbs.AsyncEvent;
import org.vnicteam.api.verbs.AsyncEventListener;
import org.vnicteam.api.verbs.CompletionQueue;
import org.vnicteam.api.verbs.Hca;
import org.vnicteam.api.verbs.PortAttributes;
import org.vnicteam.api.verbs.QpInitAttributes;
import org.vnicteam.api.verbs.QueuePair;
import org.vnicteam.api.verbs.SubnetAdministration;
import org.vnicteam.api.verbs.TrapListener;
import org.vnicteam.api.verbs.VerbsException;

/** The open HCA of a channel-adapter node. */
final class SimHca implements Hca {

    static final int FIRST_QPN = 0x10; // QP0 and QP1 are the SMI and GSI
    static final int MAX_QPS = 1 << 16;

    final Engine engine;
    final CaNode node;
    final SimFabric fabric;
    private final SimQp[] qps = new SimQp[MAX_QPS];
    private int nextQpn = FIRST_QPN;
    private final List<SimCq> cqs = new ArrayList<>();
    private final CopyOnWriteArrayList<AsyncEventListener> listeners = new CopyOnWriteArrayList<>();
    final CopyOnWriteArrayList<TrapListener> trapListeners = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    SimHca(SimFabric fabric, CaNode node) {
        this.fabric = fabric;
        this.engine = fabric.engine;
        this.node = node;
    }

    @Override
    public String name() {
        return node.name;
    }

    @Override
    public long nodeGuid() {
        return node.guid;
    }

    @Override
    public int portCount() {
        return node.portCount();
    }

    @Override
    public PortAttributes queryPort(int port) {
        Port p = port(port);
        int[] pkeys = p.pkeys == null ? new int[0] : p.pkeys;
        return new PortAttributes(port, p.state, p.lid, fabric.sm.smLid(), p.link == null ? 0 : p.link.mtu, pkeys);
    }

    Port port(int port) {
        if (port < 1 || port > node.portCount()) {
            throw new IllegalArgumentException(node.name + " has ports 1.." + node.portCount() + ", not " + port);
        }
        return node.ports[port];
    }

    @Override
    public CompletionQueue createCompletionQueue(int depth) throws VerbsException {
        checkOpen();
        if (depth < 1 || depth > (1 << 20)) {
            throw new VerbsException("CQ depth must be 1..1048576, not " + depth);
        }
        SimCq cq = new SimCq(this, depth);
        synchronized (cqs) {
            cqs.add(cq);
        }
        return cq;
    }

    @Override
    public QueuePair createQueuePair(QpInitAttributes a) throws VerbsException {
        checkOpen();
        Port port;
        try {
            port = port(a.port());
        } catch (IllegalArgumentException e) {
            throw new VerbsException(e.getMessage());
        }
        if (!(a.sendCq() instanceof SimCq s) || s.hca() != this || !(a.receiveCq() instanceof SimCq r)
                || r.hca() != this) {
            throw new VerbsException("completion queues must belong to this HCA");
        }
        if (a.maxSendRequests() > 65536 || a.maxReceiveRequests() > 65536) {
            throw new VerbsException("queue depth above 65536");
        }
        return engine.call(() -> {
            checkOpen();
            int qpn = allocateQpn();
            SimQp qp = new SimQp(this, qpn, a, port, s, r);
            qps[qpn] = qp;
            return qp;
        });
    }

    private int allocateQpn() throws VerbsException {
        for (int i = 0; i < MAX_QPS - FIRST_QPN; i++) {
            int qpn = nextQpn;
            nextQpn = nextQpn + 1 >= MAX_QPS ? FIRST_QPN : nextQpn + 1;
            if (qps[qpn] == null) {
                return qpn;
            }
        }
        throw new VerbsException("no free QP numbers");
    }

    /** Engine thread. */
    SimQp qp(int qpn) {
        return qpn < MAX_QPS ? qps[qpn] : null;
    }

    /** Engine thread. */
    void removeQp(SimQp qp) {
        if (qps[qp.number] == qp) {
            qps[qp.number] = null;
        }
    }

    @Override
    public void addAsyncEventListener(AsyncEventListener l) {
        listeners.add(l);
    }

    @Override
    public void removeAsyncEventListener(AsyncEventListener l) {
        listeners.remove(l);
    }

    /** Engine thread. */
    void fireAsync(AsyncEvent event) {
        engine.notify(listeners, l -> l.onEvent(event));
    }

    @Override
    public SubnetAdministration subnet(int port) {
        return new SimSubnetAdmin(this, port(port));
    }

    private void checkOpen() throws VerbsException {
        if (closed) {
            throw new VerbsException("HCA " + node.name + " is closed");
        }
    }

    boolean isClosed() {
        return closed;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        engine.run(() -> {
            for (int i = 0; i < qps.length; i++) {
                if (qps[i] != null) {
                    qps[i].destroy();
                }
            }
            synchronized (cqs) {
                cqs.forEach(SimCq::close);
            }
            trapListeners.clear();
            fabric.unplug(this);
        });
    }

    @Override
    public String toString() {
        return "HCA " + node.name;
    }
}
