package org.vnicteam.appliance.http.internal;

import java.time.Instant;
import java.util.List;

import org.vnicteam.api.bridge.BridgeCounters;
import org.vnicteam.api.bridge.BridgeStatus;
import org.vnicteam.api.host.FailbackPolicy;
import org.vnicteam.api.host.LinkState;
import org.vnicteam.api.host.MiniportStatus;
import org.vnicteam.api.host.TeamStatus;
import org.vnicteam.api.host.TeamStatus.MemberStatus;
import org.vnicteam.api.host.TeamStatus.Role;

/** Status records as the services would return them. */
final class Fixtures {

    static final Instant T = Instant.parse("2026-11-23T10:00:00Z");

    private Fixtures() {
    }

    static MemberStatus member(String name, String bridge, Role role, long tx, long rx) {
        return new MemberStatus(name, bridge, 10, false, role == Role.FAILED ? LinkState.DOWN : LinkState.UP, role,
                true, role != Role.FAILED, true, "", tx, tx * 100, rx, rx * 100, 0);
    }

    static TeamStatus team(String name, String active, MemberStatus... members) {
        return new TeamStatus(name, "02:00:00:00:00:01", FailbackPolicy.NONE, "", 0, 0, active, active != null,
                List.of(members), new TeamStatus.Counters(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12), 1, null, List.of());
    }

    static BridgeStatus bridge(String name, boolean carrier, long tx, long rx) {
        return new BridgeStatus(name, name, name + "-eth", "02:00:00:00:0a:01", 1500, carrier, 7,
                new BridgeCounters(tx, tx * 64, rx, rx * 64, 1, 2, 0, 0, 0, 3), List.of());
    }

    static MiniportStatus vlan(int vlan, String name, boolean media) {
        return new MiniportStatus(name, vlan, "host" + vlan, media, "198.18." + vlan + ".1", 10, 1000, 20, 2000, 1, 0,
                0, 0, 0, 0, 2);
    }

    static Snapshot empty() {
        return new Snapshot(T, List.of(), List.of(), List.of(), List.of());
    }
}
