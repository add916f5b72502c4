package org.vnicteam.host.driver.internal;

import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.vnicteam.api.host.FailbackPolicy;
import org.vnicteam.api.host.FrameSink;
import org.vnicteam.api.host.Team;
import org.vnicteam.api.host.TeamStatus;
import org.vnicteam.api.host.Vnic;
import org.vnicteam.api.host.VnicEvent;

/**
 * The fail-over team (seed FIG. 4 and 6), in teamd's three parts: the members' VNICs are the
 * link watchers (they only report), {@link TeamMachine} with its {@link Runner} decides, and
 * {@link #performSwitch} is the action step: it makes the new member active, sends one learning
 * frame per VLAN from the team MAC through it (gratuitous ARP where the VLAN's IPv4 address is
 * known), and replays through it, in order, the frames the failed member's bridge never put on
 * the wire — all before any later frame can be sent.
 *
 * <p>Locks: {@code stateLock} serialises the machine and the action; {@code txLock} is held by
 * every transmit and by the action while it switches, which is what orders replayed frames before
 * new ones. Order: stateLock, txLock, a VNIC's own lock. Reports arrive on the VNICs' and the
 * fabric's threads and are acted on in that thread, without a hop; delays run on the team's timer
 * thread.
 */
@Component(configurationPid = TeamComponent.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL,
        service = { Team.class, TeamCore.class }, property = "name=team0")
@Designate(ocd = TeamComponent.Config.class)
public final class TeamComponent implements Team, TeamCore, TeamLower {

    public static final String PID = "org.vnicteam.team";

    @ObjectClassDefinition(id = PID, name = "vnicteam fail-over team",
            description = "The intermediate driver's team of VNICs: one active, the others backup.")
    public @interface Config {
        @AttributeDefinition(description = "Team name (logs, status).")
        String name() default "team0";

        @AttributeDefinition(description = "The MAC every member's bridge sends with (unicast).")
        String team_mac() default "02:76:6e:00:00:01";

        @AttributeDefinition(description = "When to leave a healthy active member for a recovered one: "
                + "NONE (never), PRIMARY (for the primary), BETTER (for a higher priority).")
        FailbackPolicy failback() default FailbackPolicy.NONE;

        @AttributeDefinition(description = "Primary member name for fail-back PRIMARY; empty: the highest priority.")
        String primary() default "";

        @AttributeDefinition(description = "A member whose watchers report up counts as up after this delay (ms).")
        long up_delay_millis() default 100;

        @AttributeDefinition(description = "A member whose watchers report down counts as down after this delay (ms).")
        long down_delay_millis() default 0;

        @AttributeDefinition(description = "A member whose bridge reports its Ethernet path lost (probes) counts as "
                + "degraded after this delay (ms): long enough for every bridge's report to arrive when they all lose "
                + "each other at once, so that the team then stays where it is.")
        long path_down_delay_millis() default 5;

        @AttributeDefinition(description = "At start-up, how long the first choice of the active member waits for "
                + "the primary (ms); 0 chooses at once.")
        long startup_hold_millis() default 1000;

        @AttributeDefinition(description = "Pass up frames from backup members too (else counted and dropped).")
        boolean accept_from_backup() default false;

        @AttributeDefinition(description = "After a change of the active member, frames from the previous one are "
                + "still passed up for this long (ms): those already in flight.")
        long rx_grace_millis() default 50;

        @AttributeDefinition(description = "Send learning frames (gratuitous ARP or RARP) per VLAN on a change.")
        boolean learning_frames() default true;

        @AttributeDefinition(description = "State changes kept in the status.")
        int event_history() default 64;

        @AttributeDefinition(description = "Filter selecting the member VNICs (protocol edge).")
        String vnic_target() default "(name=*)";
    }

    private static final System.Logger LOG = System.getLogger(TeamComponent.class.getName());

    private final MiniportEdge edge;
    private final Object stateLock = new Object();
    private final Object txLock = new Object();
    private final ScheduledThreadPoolExecutor timer;
    private final TeamMachine machine;
    private final Map<String, TeamMember> members = new LinkedHashMap<>();
    private final ArrayDeque<TeamStatus.TeamEvent> events = new ArrayDeque<>();
    /** State changes of the current input, logged together once it has been acted on. */
    private final List<TeamStatus.TeamEvent> pendingLog = new ArrayList<>();
    private ScheduledFuture<?> tick;
    private long tickAt = Long.MAX_VALUE;

    // configuration (stateLock; the data path reads the volatile ones)
    private volatile String name;
    private volatile byte[] teamMac;
    private volatile boolean acceptFromBackup;
    private volatile long rxGraceNanos;
    private boolean learningFrames;
    private int eventHistory;

    // data path
    private volatile TeamMember active;
    private volatile TeamMember graceMember;
    private volatile long graceUntil;
    private long txFrames;
    private long txBytes;
    private long txDroppedNoActive;
    private long txDroppedMember;
    private final LongAdder rxFrames = new LongAdder();
    private final LongAdder rxBytes = new LongAdder();
    private final LongAdder rxDroppedNotActive = new LongAdder();

    // fail-over record (stateLock)
    private long failovers;
    private TeamStatus.FailoverRecord lastFailover;
    private long replayedFrames;
    private long replayDropped;
    private long learningSent;

    @Activate
    public TeamComponent(@Reference MiniportEdge edge, Config c) {
        this.edge = edge;
        if (c.startup_hold_millis() < 0) {
            throw new IllegalArgumentException("startup_hold_millis must be >= 0");
        }
        this.machine = new TeamMachine(settings(c), c.startup_hold_millis() * 1_000_000L);
        apply(c);
        this.timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "team-" + c.name());
            t.setDaemon(true);
            return t;
        });
        timer.setRemoveOnCancelPolicy(true);
        edge.attachTeam(this);
        LOG.log(Level.INFO, () -> "team " + name + " up: team MAC " + Frames.formatMac(teamMac) + ", fail-back "
                + c.failback() + ", up delay " + c.up_delay_millis() + " ms, down delay " + c.down_delay_millis()
                + " ms, path down delay " + c.path_down_delay_millis() + " ms");
    }

    private static TeamMachine.Settings settings(Config c) {
        if (c.up_delay_millis() < 0 || c.down_delay_millis() < 0 || c.rx_grace_millis() < 0
                || c.path_down_delay_millis() < 0) {
            throw new IllegalArgumentException("team: delays must be >= 0");
        }
        return new TeamMachine.Settings(c.failback(), c.primary() == null ? "" : c.primary().trim(),
                c.up_delay_millis() * 1_000_000L, c.down_delay_millis() * 1_000_000L,
                c.path_down_delay_millis() * 1_000_000L);
    }

    private void apply(Config c) {
        name = c.name();
        teamMac = Frames.parseMac(c.team_mac());
        acceptFromBackup = c.accept_from_backup();
        rxGraceNanos = c.rx_grace_millis() * 1_000_000L;
        learningFrames = c.learning_frames();
        eventHistory = Math.max(1, c.event_history());
    }

    @Modified
    void modified(Config c) {
        TeamMachine.Settings s = settings(c);
        synchronized (stateLock) {
            byte[] oldMac = teamMac;
            apply(c);
            act(machine.reconfigure(s, System.nanoTime()), System.nanoTime(), null);
            if (!java.util.Arrays.equals(oldMac, teamMac)) {
                programAll();
            }
        }
    }

    @Deactivate
    void deactivate() {
        edge.attachTeam(null);
        timer.shutdownNow();
    }

    // =========================================================================================
    // TeamCore: the protocol edge
    // =========================================================================================

    @Override
    public TeamMember join(Vnic vnic) {
        synchronized (stateLock) {
            if (members.containsKey(vnic.name())) {
                LOG.log(Level.ERROR, () -> "team " + name + ": a member named " + vnic.name()
                        + " exists; the second VNIC of that name is not used");
                return null;
            }
            TeamMember m = new TeamMember(vnic);
            members.put(m.name, m);
            vnic.configureAddresses(teamMac, edge.vlans());
            act(machine.add(m.name, vnic.priority(), vnic.sticky(), System.nanoTime()), System.nanoTime(), null);
            return m;
        }
    }

    @Override
    public void leave(TeamMember m) {
        synchronized (stateLock) {
            if (members.get(m.name) != m) {
                return;
            }
            members.remove(m.name);
            act(machine.remove(m.name, System.nanoTime()), System.nanoTime(), m);
        }
    }

    @Override
    public void linkEvent(TeamMember m, VnicEvent e) {
        synchronized (stateLock) {
            if (members.get(m.name) != m) {
                return; // a late report of a member that left
            }
            String cause = e.cause() + (e.detail() == null || e.detail().isEmpty() ? "" : ": " + e.detail());
            act(machine.report(m.name, e.watcher(), e.up(), cause, e.nanoTime()), e.nanoTime(), null);
        }
    }

    @Override
    public boolean accepts(TeamMember m) {
        return m == active || acceptFromBackup || (m == graceMember && System.nanoTime() - graceUntil < 0);
    }

    @Override
    public void countReceived(TeamMember m, int length, boolean accepted) {
        if (accepted) {
            m.rxFrames = m.rxFrames + 1;
            m.rxBytes = m.rxBytes + length;
            rxFrames.increment();
            rxBytes.add(length);
        } else {
            m.rxDroppedNotActive = m.rxDroppedNotActive + 1;
            rxDroppedNotActive.increment();
        }
    }

    // =========================================================================================
    // TeamLower: the miniport edge
    // =========================================================================================

    @Override
    public boolean transmit(ByteBuffer frame, int offset, int length, int tci) {
        synchronized (txLock) {
            TeamMember a = active;
            if (a == null) {
                txDroppedNoActive++;
                return false;
            }
            if (a.vnic.send(frame, offset, length, tci)) {
                txFrames++;
                txBytes += length;
                a.txFrames++;
                a.txBytes += length;
                return true;
            }
            txDroppedMember++;
            return false;
        }
    }

    @Override
    public void vlansChanged() {
        synchronized (stateLock) {
            programAll();
        }
    }

    @Override
    public boolean mediaConnected() {
        return active != null;
    }

    private void programAll() {
        List<Integer> vlans = edge.vlans();
        for (TeamMember m : members.values()) {
            m.vnic.configureAddresses(teamMac, vlans);
        }
    }

    // =========================================================================================
    // the action step
    // =========================================================================================

    /**
     * Logs the machine's state changes once each, re-arms the delay timer, and switches the
     * active member when the runner chose another one. stateLock held.
     *
     * @param triggerNanos when the report that caused this was made (a fail-over is timed from it)
     * @param leaving the member being removed, if that is the input
     */
    private void act(TeamMachine.Outcome o, long triggerNanos, TeamMember leaving) {
        for (TeamMachine.Change c : o.changes()) {
            record(c.kind(), c.member(), c.text());
        }
        armTimer(o.nextDeadline());
        if (o.activeChanged()) {
            TeamMember from = o.previous() == null ? null
                    : leaving != null && leaving.name.equals(o.previous()) ? leaving : members.get(o.previous());
            TeamMember to = o.active() == null ? null : members.get(o.active());
            performSwitch(from, to, o.planned() && leaving == null, o.cause(), triggerNanos);
        }
        flushLog();
    }

    /**
     * Logs the pending state changes, each once, on the team's own thread and in order: the thread
     * that reported (often the fabric's) must not wait for a console write while the frames it has
     * just posted wait for it to return to its loop. stateLock held.
     */
    private void flushLog() {
        if (pendingLog.isEmpty()) {
            return;
        }
        List<TeamStatus.TeamEvent> lines = List.copyOf(pendingLog);
        pendingLog.clear();
        String team = name;
        Runnable write = () -> {
            for (TeamStatus.TeamEvent e : lines) {
                Level level = switch (e.kind()) {
                    case "ACTIVE", "LINK", "PATH" -> Level.WARNING;
                    default -> Level.INFO;
                };
                LOG.log(level, () -> "team " + team + ": " + e.text());
            }
        };
        try {
            timer.execute(write);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            write.run(); // stopping
        }
    }

    /**
     * Replays a failed member's unconfirmed frames through the new one. One instance made with the
     * team and reused (stateLock): the action runs on the reporting thread, for a LINK_STATUS the
     * fabric's, and nothing moves on the fabric until it returns. A lambda created there would spin
     * its class at the first fail-over (0.7-7 ms on a loaded 2-core machine), the one that counts.
     */
    private final class ReplaySink implements FrameSink {
        TeamMember to;
        long t0;
        int sent;
        int refused;
        long firstNanos;

        void start(TeamMember target, long triggerNanos, long firstSoFar) {
            to = target;
            t0 = triggerNanos;
            sent = 0;
            refused = 0;
            firstNanos = firstSoFar;
        }

        @Override
        public boolean frame(ByteBuffer frame, int offset, int length) {
            boolean ok = to != null && to.vnic.send(frame, offset, length, Vnic.NO_TAG);
            if (ok) {
                sent++;
                if (firstNanos < 0) {
                    firstNanos = System.nanoTime() - t0;
                }
            } else {
                refused++;
            }
            return ok;
        }
    }

    private final ReplaySink replaySink = new ReplaySink();

    private void performSwitch(TeamMember from, TeamMember to, boolean planned, String cause, long t0) {
        int learning = 0;
        int replayed = 0;
        int replayRefused = 0;
        long first = -1;
        // Grace first: a frame the old member passes up while the switch happens is still accepted.
        graceUntil = System.nanoTime() + rxGraceNanos;
        graceMember = from;
        synchronized (txLock) {
            active = to;
            if (to != null && learningFrames) {
                for (MiniportEdge.VlanTarget v : edge.learningTargets()) {
                    byte[] f = v.ipv4() != null ? Frames.gratuitousArp(teamMac, v.ipv4()) : Frames.rarpAnnounce(teamMac);
                    int tci = v.vid() == Frames.UNTAGGED ? Vnic.NO_TAG : Frames.tci(v.vid(), v.pcp());
                    if (to.vnic.send(ByteBuffer.wrap(f), 0, f.length, tci)) {
                        learning++;
                        if (first < 0) {
                            first = System.nanoTime() - t0;
                        }
                    }
                }
            }
            if (from != null && !planned) {
                // What the failed member's bridge never put on the wire goes out through the new
                // member, oldest first, before anything sent after this switch (txLock is held).
                replaySink.start(to, t0, first);
                from.vnic.replayUnconfirmed(replaySink);
                replayed = replaySink.sent;
                replayRefused = replaySink.refused;
                first = replaySink.firstNanos;
                replaySink.start(null, 0, -1); // keeps no member
            }
        }
        long duration = System.nanoTime() - t0;
        graceUntil = System.nanoTime() + rxGraceNanos;
        learningSent += learning;
        replayedFrames += replayed;
        replayDropped += replayRefused;
        if (from != null && to != null) {
            failovers++;
        }
        lastFailover = new TeamStatus.FailoverRecord(failovers, Instant.now(), from == null ? null : from.name,
                to == null ? null : to.name, cause, first, duration, replayed, learning);
        String text = (from == null ? "none" : from.name) + " -> " + (to == null ? "none" : to.name) + " in "
                + duration / 1000 + " us" + (first >= 0 ? " (first frame after " + first / 1000 + " us)" : "")
                + (planned ? ", planned"
                        : ", replayed " + replayed + (replayRefused > 0 ? " (" + replayRefused + " lost)" : ""))
                + ", " + learning + " learning frame" + (learning == 1 ? "" : "s");
        record("SWITCH", to == null ? "" : to.name, text);
        if ((from == null) != (to == null)) {
            edge.mediaChanged(to != null);
        }
    }

    private void record(String kind, String member, String text) {
        pendingLog.add(new TeamStatus.TeamEvent(null, kind, member, text));
        events.addLast(new TeamStatus.TeamEvent(Instant.now(), kind, member, text));
        while (events.size() > eventHistory) {
            events.removeFirst();
        }
    }

    private void armTimer(long deadline) {
        if (deadline == tickAt) {
            return;
        }
        if (tick != null) {
            tick.cancel(false);
            tick = null;
        }
        tickAt = deadline;
        if (deadline != Long.MAX_VALUE) {
            long delay = Math.max(0, deadline - System.nanoTime());
            tick = timer.schedule(() -> {
                synchronized (stateLock) {
                    tickAt = Long.MAX_VALUE;
                    tick = null;
                    long now = System.nanoTime();
                    act(machine.tick(now), now, null);
                }
            }, delay, TimeUnit.NANOSECONDS);
        }
    }

    // =========================================================================================
    // Team: status
    // =========================================================================================

    @Override
    public String name() {
        return name;
    }

    @Override
    public String active() {
        TeamMember a = active;
        return a == null ? null : a.name;
    }

    @Override
    public TeamStatus status() {
        synchronized (stateLock) {
            List<TeamStatus.MemberStatus> ms = new ArrayList<>();
            TeamMember a = active;
            List<TeamMachine.Member> sorted = new ArrayList<>(machine.members());
            sorted.sort(Comparator.comparingInt((TeamMachine.Member m) -> m.priority).reversed()
                    .thenComparingLong(m -> m.joinOrder));
            for (TeamMachine.Member mm : sorted) {
                TeamMember m = members.get(mm.name);
                if (m == null) {
                    continue;
                }
                TeamStatus.Role role = m == a ? TeamStatus.Role.ACTIVE
                        : mm.link.usable() ? TeamStatus.Role.BACKUP : TeamStatus.Role.FAILED;
                long tf;
                long tb;
                synchronized (txLock) {
                    tf = m.txFrames;
                    tb = m.txBytes;
                }
                ms.add(new TeamStatus.MemberStatus(m.name, m.vnic.bridge(), mm.priority, mm.sticky, mm.link, role,
                        mm.watchers.get(VnicEvent.Watcher.SESSION), mm.watchers.get(VnicEvent.Watcher.BRIDGE_LINK),
                        mm.watchers.get(VnicEvent.Watcher.FABRIC), mm.lastCause, tf, tb, m.rxFrames, m.rxBytes,
                        m.rxDroppedNotActive, mm.watchers.get(VnicEvent.Watcher.PATH), mm.path, mm.pathLostEvents));
            }
            TeamStatus.Counters counters;
            synchronized (txLock) {
                counters = new TeamStatus.Counters(txFrames, txBytes, txDroppedNoActive, txDroppedMember,
                        rxFrames.sum(), rxBytes.sum(), rxDroppedNotActive.sum(), edge.droppedUnknownVlan(),
                        edge.droppedMalformed(), replayedFrames, replayDropped, learningSent);
            }
            TeamMachine.Settings s = machine.settings();
            return new TeamStatus(name, Frames.formatMac(teamMac), s.failback(), s.primary(),
                    s.upDelayNanos() / 1_000_000, s.downDelayNanos() / 1_000_000, a == null ? null : a.name,
                    a != null, ms, counters, failovers, lastFailover, List.copyOf(events),
                    s.pathDownDelayNanos() / 1_000_000);
        }
    }
}
