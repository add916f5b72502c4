package org.vnicteam.host.driver.internal;

import java.nio.ByteBuffer;
import java.util.IdentityHashMap;
import java.util.Map;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.vnicteam.api.host.Vnic;
import org.vnicteam.api.host.VnicEvent;
import org.vnicteam.api.host.VnicListener;

/**
 * The protocol edge (seed FIG. 2, 225): binds the N VNICs as they come and go, makes each a team
 * member, forwards their watchers' reports to the team, and indicates the frames they receive up
 * to the miniport edge — only those of the active member (unless the team is configured to
 * accept from backups), the rest counted and dropped.
 *
 * <p>It reads the team's configuration PID ({@code vnic.target} selects the members) and is
 * modified in place when it changes, so a configuration change never re-binds the members.
 */
@Component(configurationPid = TeamComponent.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL,
        service = {}, immediate = true)
public final class ProtocolEdgeComponent {

    private final TeamCore team;
    private final MiniportEdge edge;
    private final Map<Vnic, Binding> bindings = new IdentityHashMap<>();

    @Activate
    public ProtocolEdgeComponent(@Reference TeamCore team, @Reference MiniportEdge edge) {
        this.team = team;
        this.edge = edge;
    }

    @Modified
    void modified() {
        // nothing to redo: the vnic.target change is applied by SCR to the dynamic reference
    }

    @Reference(name = "vnic", cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void addVnic(Vnic vnic) {
        TeamMember m = team.join(vnic);
        if (m == null) {
            return;
        }
        Binding b = new Binding(m);
        synchronized (bindings) {
            bindings.put(vnic, b);
        }
        vnic.setListener(b); // reports the VNIC's current watcher states at once
    }

    void removeVnic(Vnic vnic) {
        Binding b;
        synchronized (bindings) {
            b = bindings.remove(vnic);
        }
        if (b != null) {
            team.leave(b.member); // replays while the VNIC still works
            vnic.setListener(null);
        }
    }

    /** The listener of one member's VNIC. */
    private final class Binding implements VnicListener {
        final TeamMember member;

        Binding(TeamMember member) {
            this.member = member;
        }

        @Override
        public void frameReceived(Vnic vnic, ByteBuffer frame, int offset, int length) {
            boolean accepted = team.accepts(member);
            team.countReceived(member, length, accepted);
            if (accepted) {
                edge.indicate(frame, offset, length);
            }
        }

        @Override
        public void linkEvent(Vnic vnic, VnicEvent event) {
            team.linkEvent(member, event);
        }
    }
}
