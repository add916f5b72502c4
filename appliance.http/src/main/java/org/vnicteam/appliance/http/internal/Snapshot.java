package org.vnicteam.appliance.http.internal;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;

import org.vnicteam.api.bridge.BridgeStatus;
import org.vnicteam.api.host.MiniportStatus;
import org.vnicteam.api.host.TeamStatus;
import org.vnicteam.api.host.VnicStatus;

/**
 * What the appliance's services said at one moment: the status records of every team, VNIC,
 * bridge device and VLAN miniport present (each list may be empty), sorted for stable output.
 *
 * @param time when it was taken
 * @param teams teams by name
 * @param vnics VNICs by name
 * @param bridges bridges by name
 * @param miniports miniports by VLAN, then name
 */
record Snapshot(Instant time, List<TeamStatus> teams, List<VnicStatus> vnics, List<BridgeStatus> bridges,
        List<MiniportStatus> miniports) {

    Snapshot {
        teams = teams.stream().sorted(Comparator.comparing(t -> String.valueOf(t.name()))).toList();
        vnics = vnics.stream().sorted(Comparator.comparing(v -> String.valueOf(v.name()))).toList();
        bridges = bridges.stream().sorted(Comparator.comparing(b -> String.valueOf(b.name()))).toList();
        miniports = miniports.stream()
                .sorted(Comparator.comparingInt(MiniportStatus::vlan).thenComparing(m -> String.valueOf(m.name())))
                .toList();
    }

    /** The team shown as "the" team (the first by name), or null when no team service is present. */
    TeamStatus team() {
        return teams.isEmpty() ? null : teams.get(0);
    }

    /** A member's role as the pages show it: "active", "backup" or "failed". */
    static String state(TeamStatus.MemberStatus m) {
        return m.role() == null ? "failed" : m.role().name().toLowerCase(java.util.Locale.ROOT);
    }
}
