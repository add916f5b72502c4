package org.vnicteam.host.driver.commands;

import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

import org.vnicteam.api.host.MiniportStatus;
import org.vnicteam.api.host.TeamStatus;
import org.vnicteam.api.host.TeamStatus.FailoverRecord;
import org.vnicteam.api.host.TeamStatus.MemberStatus;
import org.vnicteam.api.host.VnicStatus;

/** Plain-text tables of the team's DTOs, read at a glance. No Gogo types here. */
final class TeamText {

    /** Events shown by team:status (the status keeps more). */
    static final int EVENTS_SHOWN = 8;
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS", Locale.ROOT);

    private TeamText() {
    }

    /** Summary, members, last fail-over, counters, recent events. */
    static String status(TeamStatus s) {
        StringBuilder sb = new StringBuilder();
        sb.append(summary(s)).append('\n');
        sb.append(String.format(Locale.ROOT, "team MAC %s, fail-back %s%s, up delay %d ms, down delay %d ms, "
                + "path down delay %d ms, media %s%n%n", s.teamMac(), s.failback().name().toLowerCase(Locale.ROOT),
                s.primary().isEmpty() ? "" : " (primary " + s.primary() + ")", s.upDelayMillis(), s.downDelayMillis(),
                s.pathDownDelayMillis(), s.mediaConnected() ? "connected" : "DISCONNECTED"));
        sb.append(members(s.members())).append('\n');
        sb.append(failover(s)).append("\n\n");
        sb.append(counters(s.counters())).append('\n');
        sb.append(events(s.events()));
        return sb.toString();
    }

    static String summary(TeamStatus s) {
        long active = s.members().stream().filter(m -> m.role() == TeamStatus.Role.ACTIVE).count();
        long backup = s.members().stream().filter(m -> m.role() == TeamStatus.Role.BACKUP).count();
        long failed = s.members().stream().filter(m -> m.role() == TeamStatus.Role.FAILED).count();
        long degraded = s.members().stream().filter(MemberStatus::degraded).count();
        return String.format(Locale.ROOT, "team %s: active %s; %d members (%d active, %d backup, %d failed), "
                + "%d fail-overs%s", s.name(), s.active() == null ? "NONE" : s.active(), s.members().size(), active,
                backup, failed, s.failovers(), degraded == 0 ? "" : ", " + degraded + " degraded (path lost)");
    }

    static String members(List<MemberStatus> members) {
        if (members.isEmpty()) {
            return "no members (a VNIC joins when its configuration org.vnicteam.vnic~NAME exists)\n";
        }
        Table t = new Table("MEMBER", "BRIDGE", "PRIO", "STATE", "LINK", "SESSION", "BRIDGE-LINK", "FABRIC", "PATH",
                "TX-FRAMES", "RX-FRAMES", "RX-NOT-ACTIVE", "LAST-CAUSE");
        for (MemberStatus m : members) {
            t.row(m.name(), m.bridge(), String.valueOf(m.priority()) + (m.sticky() ? " sticky" : ""),
                    m.role().name().toLowerCase(Locale.ROOT), m.link().name(), upDown(m.sessionUp()),
                    upDown(m.bridgeLinkUp()), upDown(m.fabricUp()), path(m), String.valueOf(m.txFrames()),
                    String.valueOf(m.rxFrames()), String.valueOf(m.rxDroppedNotActive()),
                    m.lastCause() == null || m.lastCause().isEmpty() ? "-" : m.lastCause());
        }
        return t.toString();
    }

    /** "UP", "DOWN (lost 2)", "FAIL (lost 1)": the committed path state and how often it was lost. */
    static String path(MemberStatus m) {
        return m.path().name() + (m.pathLostEvents() == 0 ? "" : " (lost " + m.pathLostEvents() + ")");
    }

    static String failover(TeamStatus s) {
        FailoverRecord f = s.lastFailover();
        if (f == null) {
            return "fail-overs: none";
        }
        String which = f.number() == 0 && f.from() == null ? "first activation" : "last fail-over #" + f.number();
        return String.format(Locale.ROOT, "%s at %s: %s -> %s, cause: %s%n"
                + "  first frame through %s %s after the report, action done in %s; %d frames replayed, "
                + "%d learning frames", which, time(f), name(f.from()), name(f.to()), f.cause(), name(f.to()),
                f.firstFrameNanos() < 0 ? "(none sent)" : millis(f.firstFrameNanos()), millis(f.durationNanos()),
                f.replayedFrames(), f.learningFrames());
    }

    static String counters(TeamStatus.Counters c) {
        Table t = new Table("COUNTERS", "FRAMES", "BYTES", "DROPPED");
        t.row("tx", String.valueOf(c.txFrames()), String.valueOf(c.txBytes()), "no active member "
                + c.txDroppedNoActive() + ", member refused " + c.txDroppedMember());
        t.row("rx", String.valueOf(c.rxFrames()), String.valueOf(c.rxBytes()), "not active " + c.rxDroppedNotActive()
                + ", unknown VLAN " + c.rxDroppedUnknownVlan() + ", malformed " + c.rxDroppedMalformed());
        t.row("replayed", String.valueOf(c.replayedFrames()), "-", "refused " + c.replayDropped());
        t.row("learning", String.valueOf(c.learningFrames()), "-", "-");
        return t.toString();
    }

    static String events(List<TeamStatus.TeamEvent> events) {
        if (events.isEmpty()) {
            return "events: none\n";
        }
        List<TeamStatus.TeamEvent> shown = events.subList(Math.max(0, events.size() - EVENTS_SHOWN), events.size());
        Table t = new Table("EVENT-TIME", "KIND", "MEMBER", "WHAT");
        for (TeamStatus.TeamEvent e : shown) {
            t.row(TIME.format(LocalTime.ofInstant(e.time(), ZoneId.systemDefault())), e.kind(),
                    e.member().isEmpty() ? "-" : e.member(), e.text());
        }
        return t.toString();
    }

    static String vnics(VnicReport r) {
        if (r.vnics().isEmpty()) {
            return "no VNICs (factory configurations org.vnicteam.vnic~NAME make them)\n";
        }
        Table t = new Table("VNIC", "BRIDGE", "PRIO", "SESSION", "ID", "WATCHERS S/L/F/P", "RTT", "TX-FRAMES",
                "RX-FRAMES", "TX-DROPPED", "UNCONFIRMED", "REPLAYED", "LOGINS", "SESSIONS-LOST", "PATH-LOST");
        for (VnicStatus v : r.vnics()) {
            VnicStatus.Traffic x = v.traffic();
            long txDropped = x.txDroppedNoSession() + x.txDroppedQueueFull() + x.txDroppedBadLength()
                    + x.txDroppedBufferBusy();
            t.row(v.name(), v.bridge(), String.valueOf(v.priority()), v.state().name().toLowerCase(Locale.ROOT),
                    String.valueOf(v.sessionId()), upDown(v.sessionUp()) + "/" + upDown(v.bridgeLinkUp()) + "/"
                            + upDown(v.fabricUp()) + "/" + (v.bridgeProbes() ? upDown(v.pathUp()) : "-"),
                    v.lastRttNanos() < 0 ? "-" : millis(v.lastRttNanos()), String.valueOf(x.txFrames()),
                    String.valueOf(x.rxFrames()), String.valueOf(txDropped),
                    String.valueOf(v.replay().unconfirmedFrames()), String.valueOf(v.replay().replayedFrames()),
                    String.valueOf(v.control().logins()), lost(v.control().sessionsLost()),
                    String.valueOf(v.pathLostReports()));
        }
        return t.toString() + "(watchers: S session, L the bridge's Ethernet link, F fabric path, P the bridge's "
                + "Ethernet path as its probes tell (- the bridge does not probe); keep-alive "
                + r.vnics().stream().map(v -> v.name() + " " + v.keepaliveIntervalMicros() / 1000.0 + " ms x "
                        + v.keepaliveMisses()).collect(Collectors.joining(", ")) + ")\n";
    }

    static String vnicsLine(VnicReport r) {
        return r.vnics().stream().map(v -> v.name() + " " + v.state().name().toLowerCase(Locale.ROOT)
                + (!v.ready() ? " (not ready)" : v.degraded() ? " (degraded)" : "")).collect(Collectors.joining(", "));
    }

    static String miniports(MiniportReport r) {
        if (r.miniports().isEmpty()) {
            return "no miniports (factory configurations org.vnicteam.miniport~NAME make them)\n";
        }
        Table t = new Table("MINIPORT", "VLAN", "UPPER", "MEDIA", "IP", "TX-FRAMES", "RX-FRAMES", "TX-DROPPED",
                "RX-DROPPED", "MEDIA-CHANGES");
        for (MiniportStatus m : r.miniports()) {
            long txDropped = m.txDroppedDisconnected() + m.txDroppedTagged() + m.txDroppedBadLength()
                    + m.txDroppedTeam() + m.txDroppedStage();
            t.row(m.name(), m.vlan() == 0 ? "untagged" : String.valueOf(m.vlan()), upper(m.upper()),
                    m.mediaConnected() ? "connected" : "DISCONNECTED", m.ipAddress().isEmpty() ? "-" : m.ipAddress(),
                    String.valueOf(m.txFrames()), String.valueOf(m.rxFrames()), String.valueOf(txDropped),
                    String.valueOf(m.rxDroppedStage()), String.valueOf(m.mediaChanges()));
        }
        StringBuilder sb = new StringBuilder(t.toString());
        r.uppers().forEach(u -> sb.append(u).append('\n'));
        return sb.toString();
    }

    static String miniportsLine(MiniportReport r) {
        return r.miniports().stream().map(m -> m.name() + " VLAN " + m.vlan() + " "
                + (m.mediaConnected() ? "connected" : "DISCONNECTED")).collect(Collectors.joining(", "));
    }

    static String failback(FailbackChange c, boolean full) {
        TeamStatus s = c.status();
        String line = String.format(Locale.ROOT, "team %s: fail-back %s -> %s%s (applied live; until the next start "
                + "unless in etc/org.vnicteam.team.config); active %s%s", s.name(),
                c.before().name().toLowerCase(Locale.ROOT), s.failback().name().toLowerCase(Locale.ROOT),
                s.primary().isEmpty() ? "" : " (primary " + s.primary() + ")", name(s.active()),
                java.util.Objects.equals(c.activeBefore(), s.active()) ? ""
                        : " (was " + name(c.activeBefore()) + ": the new policy failed back)");
        return full ? line + "\n" : line;
    }

    /** "server-vlan1" for the target "(upper.name=server-vlan1)"; any other filter as it is. */
    static String upper(String upper) {
        String prefix = "(upper.name=";
        if (upper.startsWith(prefix) && upper.endsWith(")") && upper.indexOf('(', 1) < 0) {
            return upper.substring(prefix.length(), upper.length() - 1);
        }
        return upper.isEmpty() ? "-" : upper;
    }

    private static String lost(Map<String, Long> byCause) {
        return byCause.isEmpty() ? "0" : byCause.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .map(e -> e.getKey().toLowerCase(Locale.ROOT) + " " + e.getValue()).collect(Collectors.joining(", "));
    }

    private static String time(FailoverRecord f) {
        return TIME.format(LocalTime.ofInstant(f.time(), ZoneId.systemDefault()));
    }

    private static String name(String member) {
        return member == null ? "none" : member;
    }

    private static String upDown(boolean up) {
        return up ? "up" : "DOWN";
    }

    /** "0.183 ms". */
    static String millis(long nanos) {
        return String.format(Locale.ROOT, "%.3f ms", nanos / 1e6);
    }
}
