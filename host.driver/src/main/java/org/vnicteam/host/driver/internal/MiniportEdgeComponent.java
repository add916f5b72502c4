package org.vnicteam.host.driver.internal;

import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * The miniport edge: binds the VLAN miniports as they come and go, demultiplexes received frames
 * by their 802.1Q tag (a table indexed by VID, replaced whole on change, so the receive path
 * reads it without a lock), and passes frames down to the team.
 */
@Component(service = MiniportEdge.class)
public final class MiniportEdgeComponent implements MiniportEdge, MiniportPort.MiniportLower {

    private static final System.Logger LOG = System.getLogger(MiniportEdgeComponent.class.getName());

    /** VID → miniport; index 0 is the untagged miniport. Copy-on-write. */
    private volatile MiniportPort[] byVlan = new MiniportPort[4096];
    private final List<MiniportPort> bound = new ArrayList<>();
    private volatile TeamLower team;
    private volatile boolean media;
    private volatile long droppedUnknownVlan;
    private volatile long droppedMalformed;

    @Reference(name = "miniport", cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void addMiniport(MiniportPort m) {
        synchronized (this) {
            MiniportPort[] t = byVlan;
            if (t[m.vlan()] != null) {
                LOG.log(Level.ERROR, () -> m + ": VLAN " + m.vlan() + " already has " + t[m.vlan()] + "; not bound");
                return;
            }
            MiniportPort[] copy = t.clone();
            copy[m.vlan()] = m;
            bound.add(m);
            m.attachLower(this);
            m.mediaChanged(media);
            byVlan = copy;
        }
        LOG.log(Level.INFO, () -> m + " bound");
        TeamLower t = team;
        if (t != null) {
            t.vlansChanged();
        }
    }

    void removeMiniport(MiniportPort m) {
        synchronized (this) {
            if (!bound.remove(m)) {
                return;
            }
            MiniportPort[] copy = byVlan.clone();
            copy[m.vlan()] = null;
            byVlan = copy;
            m.attachLower(null);
        }
        LOG.log(Level.INFO, () -> m + " unbound");
        TeamLower t = team;
        if (t != null) {
            t.vlansChanged();
        }
    }

    @Override
    public void attachTeam(TeamLower t) {
        team = t;
    }

    @Override
    public boolean transmit(ByteBuffer frame, int offset, int length, int tci) {
        TeamLower t = team;
        return t != null && t.transmit(frame, offset, length, tci);
    }

    @Override
    public void indicate(ByteBuffer frame, int offset, int length) {
        if (length < Frames.HEADER_SIZE) {
            droppedMalformed = droppedMalformed + 1;
            return;
        }
        int vid = Frames.UNTAGGED;
        if ((frame.getShort(offset + Frames.ETHERTYPE_OFFSET) & 0xFFFF) == Frames.TPID) {
            if (length < Frames.HEADER_SIZE + Frames.TAG_SIZE) {
                droppedMalformed = droppedMalformed + 1;
                return;
            }
            vid = Frames.vid(frame, offset); // VID 0 (priority tag) goes to the untagged miniport
            offset = Frames.stripTag(frame, offset);
            length -= Frames.TAG_SIZE;
        }
        MiniportPort m = byVlan[vid];
        if (m == null) {
            droppedUnknownVlan = droppedUnknownVlan + 1;
            return;
        }
        m.indicate(frame, offset, length);
    }

    @Override
    public synchronized List<Integer> vlans() {
        return bound.stream().map(MiniportPort::vlan).sorted().toList();
    }

    @Override
    public synchronized List<VlanTarget> learningTargets() {
        return bound.stream().sorted((a, b) -> Integer.compare(a.vlan(), b.vlan()))
                .map(m -> new VlanTarget(m.vlan(), m.pcp(), m.learningIp())).toList();
    }

    @Override
    public void mediaChanged(boolean connected) {
        List<MiniportPort> ms;
        synchronized (this) {
            media = connected;
            ms = List.copyOf(bound);
        }
        for (MiniportPort m : ms) {
            m.mediaChanged(connected);
        }
    }

    @Override
    public long droppedUnknownVlan() {
        return droppedUnknownVlan;
    }

    @Override
    public long droppedMalformed() {
        return droppedMalformed;
    }
}
