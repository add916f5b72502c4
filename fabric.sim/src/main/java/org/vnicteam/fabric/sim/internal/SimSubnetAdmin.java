package org.vnicteam.fabric.sim.internal;

import java.util.List;
import java.util.Optional;

import org.vnicteam.api.verbs.PathRecord;
import org.vnicteam.api.verbs.ServiceRecord;
import org.vnicteam.api.verbs.SubnetAdministration;
import org.vnicteam.api.verbs.TrapListener;
import org.vnicteam.api.verbs.VerbsException;

/** The subnet administrator as seen from one HCA port; queries run on the engine thread. */
final class SimSubnetAdmin implements SubnetAdministration {

    private final SimHca hca;
    private final Port port;

    SimSubnetAdmin(SimHca hca, Port port) {
        this.hca = hca;
        this.port = port;
    }

    @Override
    public Optional<Integer> lidOf(String adapterName) {
        return query(() -> hca.fabric.sm.lidOf(adapterName));
    }

    @Override
    public Optional<PathRecord> path(int destinationLid) {
        return query(() -> hca.fabric.sm.path(port, destinationLid));
    }

    private <T> Optional<T> query(java.util.concurrent.Callable<Optional<T>> q) {
        try {
            return hca.engine.call(q);
        } catch (VerbsException e) {
            return Optional.empty();
        }
    }

    @Override
    public void registerService(String name, int qpn, int qkey) {
        hca.engine.run(() -> hca.fabric.sm.registerService(name, port, qpn, qkey));
    }

    @Override
    public void unregisterService(String name, int qpn) {
        hca.engine.run(() -> hca.fabric.sm.unregisterService(name, port, qpn));
    }

    @Override
    public List<ServiceRecord> services(String name) {
        try {
            return hca.engine.call(() -> hca.fabric.sm.services(name));
        } catch (VerbsException e) {
            return List.of();
        }
    }

    @Override
    public void subscribe(TrapListener listener) {
        hca.trapListeners.addIfAbsent(listener);
    }

    @Override
    public void unsubscribe(TrapListener listener) {
        hca.trapListeners.remove(listener);
    }
}
