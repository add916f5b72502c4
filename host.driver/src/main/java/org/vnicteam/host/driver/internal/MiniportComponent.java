package org.vnicteam.host.driver.internal;

import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.LongAdder;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.vnicteam.api.host.Miniport;
import org.vnicteam.api.host.MiniportStage;
import org.vnicteam.api.host.MiniportStatus;
import org.vnicteam.api.host.UpperBinding;
import org.vnicteam.api.host.Vnic;

/**
 * One VLAN miniport per factory configuration of PID {@value #PID} (seed FIG. 2: the miniport
 * instances of the miniport edge, one per VLAN A..M). Above it: the {@link UpperBinding} its
 * {@code upper.target} selects. On the way down a frame goes through the optional
 * {@link MiniportStage} (the place for IPsec), gets this VLAN's 802.1Q tag and goes to the team;
 * on the way up the edge has already removed the tag.
 *
 * <p>The tag is not written here but inserted by the VNIC while it copies the frame into its
 * send buffer (as NICs offload TX VLAN insertion): the miniport decides the TCI, and no frame is
 * copied twice.
 */
@Component(configurationPid = MiniportComponent.PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = { Miniport.class, MiniportPort.class })
@Designate(ocd = MiniportComponent.Config.class, factory = true)
public final class MiniportComponent implements MiniportPort {

    public static final String PID = "org.vnicteam.miniport";

    @ObjectClassDefinition(id = PID, name = "vnicteam VLAN miniport",
            description = "One VLAN of the server: tags frames on the way down, receives its VLAN's frames.")
    public @interface Config {
        @AttributeDefinition(description = "Unique miniport name, e.g. 'vlan1'.")
        String name();

        @AttributeDefinition(description = "VLAN id 1..4094, or 0 for the untagged miniport.")
        int vlan() default 0;

        @AttributeDefinition(description = "802.1Q priority (PCP 0..7) of this VLAN's frames.")
        int priority() default 0;

        @AttributeDefinition(description = "IPv4 address announced by gratuitous ARP on a fail-over; empty: learned "
                + "from the upper protocol's own ARP frames (else a RARP-style frame is sent).")
        String ip_address() default "";

        @AttributeDefinition(description = "Largest untagged frame from the upper binding (without FCS).")
        int max_frame() default 1514;

        @AttributeDefinition(description = "Filter selecting the upper binding, e.g. (upper.name=server-vlan1).")
        String upper_target() default "(upper.name=-)";

        @AttributeDefinition(description = "Filter selecting an optional packet stage (IPsec), e.g. (miniport=vlan1).")
        String stage_target() default "(miniport=-)";
    }

    private static final System.Logger LOG = System.getLogger(MiniportComponent.class.getName());
    private static final int STAGE_HEADROOM = 256;

    private final String name;
    private final int vlan;
    private final int pcp;
    private final int tci;
    private final int maxFrame;
    private final String upperName;
    private final UpperBinding upper;
    private final byte[] configuredIp;
    private volatile int learnedIp;
    private volatile MiniportStage stage;
    private volatile MiniportLower lower;
    private volatile boolean media;
    /** Per-thread scratch for a stage that rewrites frames (upper threads send concurrently). */
    private final ThreadLocal<ByteBuffer> scratch;

    private final LongAdder txFrames = new LongAdder();
    private final LongAdder txBytes = new LongAdder();
    private final LongAdder txDroppedDisconnected = new LongAdder();
    private final LongAdder txDroppedTagged = new LongAdder();
    private final LongAdder txDroppedBadLength = new LongAdder();
    private final LongAdder txDroppedTeam = new LongAdder();
    private final LongAdder txDroppedStage = new LongAdder();
    // receive side: one writer, the thread frames arrive on
    private volatile long rxFrames;
    private volatile long rxBytes;
    private volatile long rxDroppedStage;
    private volatile long mediaChanges;

    @Activate
    public MiniportComponent(@Reference(name = "upper") UpperBinding upper, Config c) {
        if (c.name() == null || c.name().isBlank()) {
            throw new IllegalArgumentException("miniport: name is required");
        }
        if (c.vlan() < 0 || c.vlan() > 4094) {
            throw new IllegalArgumentException("miniport " + c.name() + ": vlan must be 0 (untagged) or 1..4094");
        }
        if (c.priority() < 0 || c.priority() > 7) {
            throw new IllegalArgumentException("miniport " + c.name() + ": priority must be 0..7");
        }
        this.name = c.name();
        this.vlan = c.vlan();
        this.pcp = c.priority();
        this.tci = vlan == Frames.UNTAGGED ? Vnic.NO_TAG : Frames.tci(vlan, pcp);
        this.maxFrame = c.max_frame();
        this.upperName = c.upper_target();
        this.configuredIp = Frames.parseIpv4(c.ip_address());
        this.upper = upper;
        this.scratch = ThreadLocal.withInitial(() -> ByteBuffer.allocate(maxFrame + STAGE_HEADROOM));
        upper.bind(this);
    }

    @Deactivate
    void deactivate() {
        upper.unbind(this);
        lower = null;
    }

    @Reference(name = "stage", cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void setStage(MiniportStage s) {
        stage = s;
        LOG.log(Level.INFO, () -> "miniport " + name + ": packet stage " + s + " bound");
    }

    void unsetStage(MiniportStage s) {
        if (stage == s) {
            stage = null;
        }
    }

    // ---- Miniport -------------------------------------------------------------------------------

    @Override
    public String name() {
        return name;
    }

    @Override
    public int vlan() {
        return vlan;
    }

    @Override
    public boolean mediaConnected() {
        return media;
    }

    @Override
    public boolean send(ByteBuffer frame, int offset, int length) {
        if (length < Frames.HEADER_SIZE || length > maxFrame) {
            txDroppedBadLength.increment();
            return false;
        }
        if (Frames.tagged(frame, offset, length)) {
            txDroppedTagged.increment(); // the upper protocol sends untagged; the VLAN is ours to set
            return false;
        }
        MiniportLower down = lower;
        if (!media || down == null) {
            txDroppedDisconnected.increment();
            return false;
        }
        if (configuredIp == null) {
            int ip = Frames.arpSenderIp(frame, offset, length);
            if (ip != 0 && ip != learnedIp) {
                learnedIp = ip;
            }
        }
        MiniportStage st = stage;
        if (st != null) {
            ByteBuffer s = scratch.get();
            s.put(0, frame, offset, length);
            int n = st.outbound(s, 0, length, s.capacity());
            if (n == MiniportStage.DROP || n < Frames.HEADER_SIZE || n > s.capacity()) {
                txDroppedStage.increment();
                return false;
            }
            frame = s;
            offset = 0;
            length = n;
        }
        if (down.transmit(frame, offset, length, tci)) {
            txFrames.increment();
            txBytes.add(length);
            return true;
        }
        txDroppedTeam.increment();
        return false;
    }

    @Override
    public MiniportStatus status() {
        byte[] ip = learningIp();
        return new MiniportStatus(name, vlan, upperName, media, Frames.formatIpv4(ip), txFrames.sum(), txBytes.sum(),
                rxFrames, rxBytes, txDroppedDisconnected.sum(), txDroppedTagged.sum(), txDroppedBadLength.sum(),
                txDroppedTeam.sum(), txDroppedStage.sum(), rxDroppedStage, mediaChanges);
    }

    // ---- MiniportPort ---------------------------------------------------------------------------

    @Override
    public void attachLower(MiniportLower l) {
        lower = l;
    }

    @Override
    public void indicate(ByteBuffer frame, int offset, int length) {
        MiniportStage st = stage;
        if (st != null) {
            int n = st.inbound(frame, offset, length, length);
            if (n == MiniportStage.DROP || n < Frames.HEADER_SIZE || n > length) {
                rxDroppedStage = rxDroppedStage + 1;
                return;
            }
            length = n;
        }
        rxFrames = rxFrames + 1;
        rxBytes = rxBytes + length;
        upper.receive(frame, offset, length);
    }

    @Override
    public synchronized void mediaChanged(boolean connected) {
        if (connected == media && mediaChanges > 0) {
            return;
        }
        media = connected;
        mediaChanges++;
        LOG.log(Level.INFO, () -> "miniport " + name + " (VLAN " + (vlan == 0 ? "untagged" : vlan) + "): media "
                + (connected ? "connected" : "disconnected"));
        upper.mediaStateChanged(connected);
    }

    @Override
    public int pcp() {
        return pcp;
    }

    @Override
    public byte[] learningIp() {
        if (configuredIp != null) {
            return configuredIp.clone();
        }
        int ip = learnedIp;
        return ip == 0 ? null : Frames.ipv4Bytes(ip);
    }

    @Override
    public String toString() {
        return "miniport " + name + " VLAN " + (vlan == 0 ? "untagged" : vlan);
    }
}
