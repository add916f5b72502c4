package org.vnicteam.fabric.sim.internal;

import java.util.Optional;

import org.vnicteam.api.verbs.PathRecord;
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
    public void subscribe(TrapListener listener) {
        hca.trapListeners.addIfAbsent(listener);
    }

    @Override
    public void unsubscribe(TrapListener listener) {
        hca.trapListeners.remove(listener);
    }
}
