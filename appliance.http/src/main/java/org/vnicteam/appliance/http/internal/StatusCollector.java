package org.vnicteam.appliance.http.internal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.vnicteam.api.bridge.BridgeDevice;
import org.vnicteam.api.bridge.BridgeStatus;
import org.vnicteam.api.host.Miniport;
import org.vnicteam.api.host.MiniportStatus;
import org.vnicteam.api.host.Team;
import org.vnicteam.api.host.TeamStatus;
import org.vnicteam.api.host.Vnic;
import org.vnicteam.api.host.VnicStatus;

/**
 * Holds whatever teams, VNICs, VLAN miniports and bridge devices are registered right now (each
 * reference 0..n, dynamic, greedy: services come and go with bundles and configurations) and takes
 * a {@link Snapshot} of their status on demand. A service that goes away while it is asked is
 * left out of that snapshot. Internal to this bundle: the servlets reference it.
 */
@Component(service = StatusCollector.class)
public class StatusCollector {

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile List<Team> teams = List.of();

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile List<Vnic> vnics = List.of();

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile List<Miniport> miniports = List.of();

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile List<BridgeDevice> bridges = List.of();

    Snapshot snapshot() {
        List<TeamStatus> t = statuses(teams, Team::status);
        List<VnicStatus> v = statuses(vnics, Vnic::status);
        List<MiniportStatus> m = statuses(miniports, Miniport::status);
        List<BridgeStatus> b = statuses(bridges, BridgeDevice::status);
        return new Snapshot(Instant.now(), t, v, b, m);
    }

    private static <S, R> List<R> statuses(List<S> services, Function<S, R> status) {
        List<R> out = new ArrayList<>(services.size());
        for (S s : services) {
            try {
                R r = status.apply(s);
                if (r != null) {
                    out.add(r);
                }
            } catch (RuntimeException e) {
                // unregistered or stopping while we asked: not part of this snapshot
            }
        }
        return out;
    }
}
