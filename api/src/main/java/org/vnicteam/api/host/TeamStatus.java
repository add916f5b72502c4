package org.vnicteam.api.host;

import java.time.Instant;
import java.util.List;

/**
 * A snapshot of the team.
 *
 * @param name team name
 * @param teamMac the MAC every member's bridge uses ("02:00:...")
 * @param failback fail-back policy
 * @param primary configured primary member name, "" for "highest priority"
 * @param upDelayMillis up delay
 * @param downDelayMillis down delay
 * @param active the active member, or null
 * @param mediaConnected whether the miniports are told "connected"
 * @param members members in priority order
 * @param counters team-wide counters
 * @param failovers fail-overs (every change of the active member to another member)
 * @param lastFailover the last one, or null
 * @param events the most recent state changes, oldest first (bounded)
 * @param pathDownDelayMillis how long a member's path must stay lost before it counts as lost
 */
public record TeamStatus(String name, String teamMac, FailbackPolicy failback, String primary, long upDelayMillis,
        long downDelayMillis, String active, boolean mediaConnected, List<MemberStatus> members, Counters counters,
        long failovers, FailoverRecord lastFailover, List<TeamEvent> events, long pathDownDelayMillis) {

    public TeamStatus {
        members = List.copyOf(members);
        events = List.copyOf(events);
    }

    /** A team without a path down delay. */
    public TeamStatus(String name, String teamMac, FailbackPolicy failback, String primary, long upDelayMillis,
            long downDelayMillis, String active, boolean mediaConnected, List<MemberStatus> members, Counters counters,
            long failovers, FailoverRecord lastFailover, List<TeamEvent> events) {
        this(name, teamMac, failback, primary, upDelayMillis, downDelayMillis, active, mediaConnected, members,
                counters, failovers, lastFailover, events, 0);
    }

    /** The member of that name, or null. */
    public MemberStatus member(String memberName) {
        return members.stream().filter(m -> m.name().equals(memberName)).findFirst().orElse(null);
    }

    /** A member's role in the team. */
    public enum Role {
        ACTIVE, BACKUP, FAILED
    }

    /**
     * One member.
     *
     * @param name VNIC name
     * @param bridge its bridge
     * @param priority priority
     * @param sticky sticky
     * @param link committed link state
     * @param role active, backup (usable) or failed
     * @param sessionUp watcher SESSION
     * @param bridgeLinkUp watcher BRIDGE_LINK
     * @param fabricUp watcher FABRIC
     * @param lastCause cause of the last watcher change
     * @param txFrames frames the team sent through it
     * @param txBytes their bytes
     * @param rxFrames frames from it passed up
     * @param rxBytes their bytes
     * @param rxDroppedNotActive frames from it dropped because it was not the active member
     * @param pathUp watcher PATH: its bridge's Ethernet path, as the bridge's probes tell
     * @param path committed path state, with the same hysteresis as the link (path down delay, up delay)
     * @param pathLostEvents times its committed path went DOWN
     */
    public record MemberStatus(String name, String bridge, int priority, boolean sticky, LinkState link, Role role,
            boolean sessionUp, boolean bridgeLinkUp, boolean fabricUp, String lastCause, long txFrames, long txBytes,
            long rxFrames, long rxBytes, long rxDroppedNotActive, boolean pathUp, LinkState path,
            long pathLostEvents) {

        /** A member whose path is up (its bridge does not probe, or hears its peers). */
        public MemberStatus(String name, String bridge, int priority, boolean sticky, LinkState link, Role role,
                boolean sessionUp, boolean bridgeLinkUp, boolean fabricUp, String lastCause, long txFrames,
                long txBytes, long rxFrames, long rxBytes, long rxDroppedNotActive) {
            this(name, bridge, priority, sticky, link, role, sessionUp, bridgeLinkUp, fabricUp, lastCause, txFrames,
                    txBytes, rxFrames, rxBytes, rxDroppedNotActive, true, LinkState.UP, 0);
        }

        /**
         * Usable, but its path is not UP: the team takes it only when no member is fully up, and
         * leaves it as the active member for a fully-up one once its path is DOWN.
         */
        public boolean degraded() {
            return link != null && link.usable() && path != LinkState.UP;
        }
    }

    /**
     * Team-wide counters.
     *
     * @param txFrames frames sent through the active member (replays and learning frames excluded)
     * @param txBytes their bytes
     * @param txDroppedNoActive frames offered while no member was active
     * @param txDroppedMember frames the active member refused (see its VNIC counters)
     * @param rxFrames frames passed up to a miniport
     * @param rxBytes their bytes
     * @param rxDroppedNotActive frames from members that were not active
     * @param rxDroppedUnknownVlan frames for a VLAN without a miniport
     * @param rxDroppedMalformed frames too short for an Ethernet (or 802.1Q) header
     * @param replayedFrames frames replayed through a new active member
     * @param replayDropped replayed frames the new member refused
     * @param learningFrames learning frames sent (gratuitous ARP or RARP)
     */
    public record Counters(long txFrames, long txBytes, long txDroppedNoActive, long txDroppedMember, long rxFrames,
            long rxBytes, long rxDroppedNotActive, long rxDroppedUnknownVlan, long rxDroppedMalformed,
            long replayedFrames, long replayDropped, long learningFrames) {
    }

    /**
     * One change of the active member.
     *
     * @param number 1 for the first fail-over
     * @param time wall-clock time
     * @param from previous active member, or null
     * @param to new active member, or null (no member left)
     * @param cause what made the runner decide
     * @param firstFrameNanos from the triggering report to the first frame posted through the new
     *        member (learning frame or replay); -1 when nothing was sent
     * @param durationNanos from the triggering report to the end of the action step
     * @param replayedFrames unconfirmed frames of the old member sent again through the new one
     * @param learningFrames learning frames sent through the new member
     */
    public record FailoverRecord(long number, Instant time, String from, String to, String cause,
            long firstFrameNanos, long durationNanos, int replayedFrames, int learningFrames) {
    }

    /**
     * A state change of the team, logged once.
     *
     * @param time wall-clock time
     * @param kind MEMBER_ADDED, MEMBER_REMOVED, LINK, PATH, ACTIVE, SWITCH, CONFIG
     * @param member the member concerned, or ""
     * @param text what happened and why
     */
    public record TeamEvent(Instant time, String kind, String member, String text) {
    }
}
