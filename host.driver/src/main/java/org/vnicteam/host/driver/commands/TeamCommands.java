package org.vnicteam.host.driver.commands;

import java.io.IOException;
import java.util.Comparator;
import java.util.Dictionary;
import java.util.Enumeration;
import java.util.Hashtable;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

import org.apache.felix.service.command.Descriptor;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.vnicteam.api.host.FailbackPolicy;
import org.vnicteam.api.host.Miniport;
import org.vnicteam.api.host.Team;
import org.vnicteam.api.host.TeamStatus;
import org.vnicteam.api.host.UpperBinding;
import org.vnicteam.api.host.Vnic;

/**
 * Gogo commands of scope {@code team}: the server's intermediate driver — the fail-over team
 * (members, roles, the last fail-over and its measured duration, counters), its VNICs, its VLAN
 * miniports — and the one action an operator takes on it, the fail-back policy, changed live
 * through Config Admin (PID {@value #TEAM_PID}). Results are the api's {@link TeamStatus} and this
 * package's {@link VnicReport}, {@link MiniportReport}, {@link FailbackChange}; {@link TeamConverter}
 * renders them. The server-side traffic tools of the same scope are {@link TeamTrafficCommands}.
 *
 * <p>Reads only the api's services and snapshots; holds no state.
 */
// The mandatory reference to Gogo's command processor keeps SCR from loading this class (and
// failing on the optional Gogo import) in a framework without a console.
@Component(reference = @org.osgi.service.component.annotations.Reference(name = "gogo",
        service = org.apache.felix.service.command.CommandProcessor.class), service = TeamCommands.class, property = {
        "osgi.command.scope=team",
        "osgi.command.function=status",
        "osgi.command.function=vnics",
        "osgi.command.function=miniports",
        "osgi.command.function=failback" })
public final class TeamCommands {

    static final String TEAM_PID = "org.vnicteam.team";
    /** How long {@code team:failback} waits for the team to show the new policy. */
    static final long APPLY_WAIT_MILLIS = 5_000;

    private final Team team;
    private final ConfigurationAdmin cm;
    private final List<Vnic> vnics = new CopyOnWriteArrayList<>();
    private final List<ServiceReference<Miniport>> miniports = new CopyOnWriteArrayList<>();
    private final List<ServiceReference<UpperBinding>> uppers = new CopyOnWriteArrayList<>();
    private final BundleContext context;

    @Activate
    public TeamCommands(@Reference Team team, @Reference ConfigurationAdmin cm, BundleContext context) {
        this.team = team;
        this.context = context;
        this.cm = cm;
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addVnic(Vnic v) {
        vnics.add(v);
    }

    void removeVnic(Vnic v) {
        vnics.remove(v);
    }

    /* a reference only, dereferenced when a command runs: see TeamTrafficCommands */
    @Reference(name = "miniport", cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addMiniport(ServiceReference<Miniport> ref) {
        miniports.add(ref);
    }

    void removeMiniport(ServiceReference<Miniport> ref) {
        miniports.remove(ref);
    }

    @Reference(name = "upper", cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addUpper(ServiceReference<UpperBinding> ref) {
        uppers.add(ref);
    }

    void removeUpper(ServiceReference<UpperBinding> ref) {
        uppers.remove(ref);
    }

    @Descriptor("show the fail-over team: members (bridge, priority, state active/backup/failed, link, watchers, "
            + "last cause, counters), the active member, the last fail-over with its cause and measured duration, "
            + "team counters and recent events")
    public TeamStatus status() {
        return team.status();
    }

    @Descriptor("show the server's VNICs, one per bridge: session state, watchers (session, bridge link, fabric), "
            + "keep-alive round trip, frames, replay buffer, logins and sessions lost")
    public VnicReport vnics() {
        return new VnicReport(vnics.stream().map(Vnic::status)
                .sorted(Comparator.comparingInt((org.vnicteam.api.host.VnicStatus s) -> -s.priority())
                        .thenComparing(org.vnicteam.api.host.VnicStatus::name))
                .toList());
    }

    @Descriptor("show the server's VLAN miniports: VLAN, upper binding, media state, IP address, frames, drops; "
            + "then each upper binding as it describes itself (a TAP: interface, carrier, frames and drops)")
    public MiniportReport miniports() {
        return new MiniportReport(miniports.stream().map(r -> Services.use(context, r, Miniport::status))
                .filter(java.util.Objects::nonNull)
                .sorted(Comparator.comparingInt(org.vnicteam.api.host.MiniportStatus::vlan)
                        .thenComparing(org.vnicteam.api.host.MiniportStatus::name))
                .toList(),
                uppers.stream().map(r -> Services.use(context, r, Object::toString)).filter(java.util.Objects::nonNull)
                        .sorted().toList());
    }

    @Descriptor("change the team's fail-back policy live (Config Admin, PID " + TEAM_PID + "; lasts until the next "
            + "start unless put in etc/" + TEAM_PID + ".config)")
    public FailbackChange failback(@Descriptor("POLICY: none (a restored member becomes a backup), primary (back to "
            + "the primary, by default the highest priority), better (to any higher priority)") String policy)
            throws IOException, InterruptedException {
        return change(policy(policy), null);
    }

    @Descriptor("change the team's fail-back policy to primary with a named primary member, live (Config Admin)")
    public FailbackChange failback(
            @Descriptor("POLICY: primary (the only policy that takes a member)") String policy,
            @Descriptor("MEMBER: the primary member, a VNIC of the team (team:status lists them)") String member)
            throws IOException, InterruptedException {
        FailbackPolicy p = policy(policy);
        if (p != FailbackPolicy.PRIMARY) {
            throw new IllegalArgumentException("MEMBER is only for 'primary'; team:failback " + policy.strip()
                    + " takes no member");
        }
        List<String> names = team.status().members().stream().map(TeamStatus.MemberStatus::name).toList();
        if (!names.contains(member)) {
            throw new IllegalArgumentException("unknown member '" + member + "'; members: "
                    + (names.isEmpty() ? "none" : String.join(", ", names)));
        }
        return change(p, member);
    }

    private FailbackChange change(FailbackPolicy policy, String primary) throws IOException, InterruptedException {
        TeamStatus before = team.status();
        Configuration c = cm.getConfiguration(TEAM_PID, "?");
        Dictionary<String, Object> old = c.getProperties();
        Hashtable<String, Object> props = new Hashtable<>();
        if (old != null) {
            for (Enumeration<String> e = old.keys(); e.hasMoreElements();) {
                String k = e.nextElement();
                props.put(k, old.get(k));
            }
        }
        props.put("failback", policy.name());
        props.put("primary", primary == null ? "" : primary);
        c.update(props);
        // Config Admin delivers the change asynchronously; the team applies it in @Modified
        String wantPrimary = primary == null ? "" : primary;
        long deadline = System.nanoTime() + APPLY_WAIT_MILLIS * 1_000_000L;
        TeamStatus after = team.status();
        while (!(after.failback() == policy && after.primary().equals(wantPrimary))) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the team did not apply fail-back " + policy + " within "
                        + APPLY_WAIT_MILLIS + " ms (still " + after.failback() + "); scr:info "
                        + "org.vnicteam.host.driver.internal.TeamComponent shows why");
            }
            Thread.sleep(10);
            after = team.status();
        }
        // a new policy may make the runner leave the active member at once (fail-back): give it a moment
        Thread.sleep(50);
        return new FailbackChange(before.failback(), before.primary(), before.active(), team.status());
    }

    private static FailbackPolicy policy(String text) {
        String t = text == null ? "" : text.strip().toUpperCase(Locale.ROOT);
        for (FailbackPolicy p : FailbackPolicy.values()) {
            if (p.name().equals(t)) {
                return p;
            }
        }
        throw new IllegalArgumentException("POLICY '" + text + "' is not a fail-back policy; policies: "
                + List.of(FailbackPolicy.values()).stream().map(p -> p.name().toLowerCase(Locale.ROOT))
                        .collect(Collectors.joining(", ")));
    }
}
