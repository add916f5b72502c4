package org.vnicteam.api.bridge;

import java.util.List;

/**
 * A snapshot of a bridge's path probes. The bridge sends a probe frame on every VLAN its sessions
 * program, every interval, and watches each (team MAC, VLAN): a watch is armed once a probe of a
 * peer bridge of the same team was heard there, and lost when nothing at all (no probe, no other
 * frame) was heard there for {@code misses} intervals.
 *
 * @param intervalMicros probe interval, 0 when the bridge does not probe
 * @param misses silent intervals after which an armed watch is lost
 * @param sent probe frames put on the wire
 * @param sendFailed probe frames the Ethernet port refused (no carrier, queue full)
 * @param received probes of peer bridges of a programmed team
 * @param ignored probes of other teams, and the bridge's own probes heard back
 * @param malformed frames sent to the probe group with the probe EtherType that failed the checks
 * @param pathLostEvents watches that went from heard to lost
 * @param watches one per (team MAC, VLAN), ordered by team then VLAN
 */
public record ProbeStatus(long intervalMicros, int misses, long sent, long sendFailed, long received, long ignored,
        long malformed, long pathLostEvents, List<Watch> watches) {

    /** A bridge that does not probe. */
    public static final ProbeStatus OFF = new ProbeStatus(0, 0, 0, 0, 0, 0, 0, 0, List.of());

    public ProbeStatus {
        watches = List.copyOf(watches);
    }

    public boolean enabled() {
        return intervalMicros > 0;
    }

    /** Whether no watch is lost. */
    public boolean pathUp() {
        return watches.stream().noneMatch(Watch::lost);
    }

    /**
     * The path watch of one team on one VLAN.
     *
     * @param teamMac the team MAC ("aa:bb:cc:dd:ee:ff")
     * @param vlan the VLAN (0 = untagged)
     * @param programmed whether a session programs it now (only then are probes sent on it)
     * @param armed whether a peer bridge of the team was heard on it
     * @param lost whether it is lost now
     * @param peers the MACs of the peer bridges heard on it
     * @param probesSent probes sent on it
     * @param probesReceived probes of peer bridges heard on it
     * @param lostEvents times it was lost
     * @param silentNanos time since a frame was last heard on its VLAN, as of the last check
     * @param windowNanos the silence after which it is lost now: the configured window, or longer
     *        on a path that has delayed frames without losing them
     * @param delaySeenNanos the longest silence this path ended with every peer's probes arriving
     *        in sequence (a delay, not a loss), decayed; 0 when none
     * @since 1.2
     */
    public record Watch(String teamMac, int vlan, boolean programmed, boolean armed, boolean lost, List<String> peers,
            long probesSent, long probesReceived, long lostEvents, long silentNanos, long windowNanos,
            long delaySeenNanos) {
        public Watch {
            peers = List.copyOf(peers);
        }

        /** Without the window and the delay seen (both 0). */
        public Watch(String teamMac, int vlan, boolean programmed, boolean armed, boolean lost, List<String> peers,
                long probesSent, long probesReceived, long lostEvents, long silentNanos) {
            this(teamMac, vlan, programmed, armed, lost, peers, probesSent, probesReceived, lostEvents, silentNanos, 0,
                    0);
        }
    }
}
