package org.vnicteam.host.driver.internal;

import java.lang.annotation.Annotation;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.vnicteam.api.host.Miniport;
import org.vnicteam.api.host.Team;
import org.vnicteam.api.host.UpperBinding;
import org.vnicteam.api.host.Vnic;

/**
 * The intermediate driver wired by hand exactly as SCR wires it — miniport edge, team, protocol
 * edge, miniports — for use outside a framework (benchmarks, tools), as fabric.sim's
 * {@code SimulatedFabric.create} is for the fabric. Not used inside OSGi; this package is private
 * to the bundle there.
 */
public final class DriverAssembly implements AutoCloseable {

    private final MiniportEdgeComponent edge = new MiniportEdgeComponent();
    private final TeamComponent team;
    private final ProtocolEdgeComponent protocol;
    private final List<Vnic> vnics = new ArrayList<>();
    private final List<MiniportComponent> miniports = new ArrayList<>();

    /**
     * @param teamConfig team configuration by the {@link TeamComponent.Config} method names
     *        (e.g. {@code "up_delay_millis"}); missing ones take their defaults
     */
    public DriverAssembly(Map<String, Object> teamConfig) {
        team = new TeamComponent(edge, config(TeamComponent.Config.class, teamConfig));
        protocol = new ProtocolEdgeComponent(team, edge);
    }

    public Team team() {
        return team;
    }

    /** Adds a VLAN miniport (vid 0 = untagged) under {@code upper}. */
    public Miniport miniport(String name, int vid, String ipAddress, UpperBinding upper) {
        MiniportComponent m = new MiniportComponent(upper, config(MiniportComponent.Config.class,
                Map.of("name", name, "vlan", vid, "ip_address", ipAddress == null ? "" : ipAddress)));
        miniports.add(m);
        edge.addMiniport(m);
        return m;
    }

    /** Binds a VNIC as a member, as the protocol edge does for a VNIC service. */
    public void addVnic(Vnic vnic) {
        vnics.add(vnic);
        protocol.addVnic(vnic);
    }

    public void removeVnic(Vnic vnic) {
        if (vnics.remove(vnic)) {
            protocol.removeVnic(vnic);
        }
    }

    @Override
    public void close() {
        for (Vnic v : List.copyOf(vnics)) {
            removeVnic(v);
        }
        for (MiniportComponent m : miniports) {
            edge.removeMiniport(m);
            m.deactivate();
        }
        team.deactivate();
    }

    /** A typed configuration: the annotation's defaults, overridden by {@code values} (method names). */
    @SuppressWarnings("unchecked")
    static <A extends Annotation> A config(Class<A> type, Map<String, Object> values) {
        return (A) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] { type }, (proxy, method, args) -> {
            switch (method.getName()) {
                case "annotationType":
                    return type;
                case "toString":
                    return type.getSimpleName() + values;
                case "hashCode":
                    return System.identityHashCode(proxy);
                case "equals":
                    return proxy == args[0];
                default:
                    Object v = values.get(method.getName());
                    return v != null ? v : method.getDefaultValue();
            }
        });
    }
}
