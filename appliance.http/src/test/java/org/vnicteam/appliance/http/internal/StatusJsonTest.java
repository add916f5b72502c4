package org.vnicteam.appliance.http.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.vnicteam.api.bridge.BridgeStatus;
import org.vnicteam.api.bridge.ProbeStatus;
import org.vnicteam.api.host.LinkState;
import org.vnicteam.api.host.TeamStatus.MemberStatus;
import org.vnicteam.api.host.TeamStatus.Role;

class StatusJsonTest {

    @Test
    void givenNoServices_whenRendered_thenTeamActiveNullAndEmptyLists() {
        Map<String, Object> doc = MiniJson.object(MiniJson.parse(StatusJson.render(Fixtures.empty())));

        Map<String, Object> team = MiniJson.object(doc.get("team"));
        assertTrue(team.containsKey("active"), "team.active is present");
        assertNull(team.get("active"));
        assertNull(team.get("name"));
        assertEquals(List.of(), team.get("members"));
        assertEquals(List.of(), doc.get("teams"));
        assertEquals(List.of(), doc.get("vnics"));
        assertEquals(List.of(), doc.get("bridges"));
        assertEquals(List.of(), doc.get("vlans"));
        assertEquals("2026-11-23T10:00:00Z", doc.get("time"));
    }

    @Test
    void givenTeamBridgesAndVlans_whenRendered_thenMembersStatesCountersAndMedia() {
        Snapshot s = new Snapshot(Fixtures.T,
                List.of(Fixtures.team("team", "vnicA", Fixtures.member("vnicA", "bridgeA", Role.ACTIVE, 5, 6),
                        Fixtures.member("vnicB", "bridgeB", Role.BACKUP, 0, 0),
                        Fixtures.member("vnicC", "bridgeC", Role.FAILED, 1, 2))),
                List.of(), List.of(Fixtures.bridge("bridgeB", false, 0, 0), Fixtures.bridge("bridgeA", true, 9, 8)),
                List.of(Fixtures.vlan(2, "vlan2", false), Fixtures.vlan(1, "vlan1", true)));

        Map<String, Object> doc = MiniJson.object(MiniJson.parse(StatusJson.render(s)));

        Map<String, Object> team = MiniJson.object(doc.get("team"));
        assertEquals("vnicA", team.get("active"));
        List<Object> members = MiniJson.array(team.get("members"));
        assertEquals(3, members.size());
        Map<String, Object> a = MiniJson.object(members.get(0));
        assertEquals("vnicA", a.get("name"));
        assertEquals("active", a.get("state"));
        assertEquals(5L, a.get("txFrames"));
        assertEquals(6L, a.get("rxFrames"));
        assertEquals("backup", MiniJson.object(members.get(1)).get("state"));
        assertEquals("failed", MiniJson.object(members.get(2)).get("state"));

        List<Object> bridges = MiniJson.array(doc.get("bridges"));
        Map<String, Object> bA = MiniJson.object(bridges.get(0));
        assertEquals("bridgeA", bA.get("name"), "sorted by name");
        assertEquals(true, bA.get("carrier"));
        assertEquals(9L, bA.get("txFrames"));
        assertEquals(8L, bA.get("rxFrames"));
        assertEquals(3L, bA.get("dropped"));
        assertEquals(3L, bA.get("carrierChanges"));
        assertEquals(false, MiniJson.object(bridges.get(1)).get("carrier"));

        List<Object> vlans = MiniJson.array(doc.get("vlans"));
        Map<String, Object> v1 = MiniJson.object(vlans.get(0));
        assertEquals(1L, v1.get("vlan"), "sorted by VLAN");
        assertEquals("vlan1", v1.get("name"));
        assertEquals("connected", v1.get("media"));
        assertEquals(10L, v1.get("txFrames"));
        assertEquals(20L, v1.get("rxFrames"));
        assertEquals("disconnected", MiniJson.object(vlans.get(1)).get("media"));
    }

    @Test
    void givenADegradedMemberAndAProbingBridge_whenRendered_thenPathStatesAndProbeCountersShow() {
        MemberStatus healthy = Fixtures.member("vnicB", "bridgeB", Role.ACTIVE, 1, 1);
        MemberStatus degraded = new MemberStatus("vnicA", "bridgeA", 200, false, LinkState.UP, Role.BACKUP, true, true,
                true, "PATH down", 0, 0, 0, 0, 0, false, LinkState.DOWN, 1);
        BridgeStatus base = Fixtures.bridge("bridgeA", true, 1, 1);
        ProbeStatus probes = new ProbeStatus(2000, 4, 100, 0, 90, 1, 2, 1, List.of(new ProbeStatus.Watch(
                "02:00:00:00:00:01", 1, true, true, true, List.of("02:00:00:00:0b:01"), 50, 45, 1, 9_000_000, 40_000_000,
                20_000_000)));
        BridgeStatus probing = new BridgeStatus(base.name(), base.adapterName(), base.ethernetPort(), base.mac(),
                base.ethernetMtu(), true, 7, base.counters(), List.of(), probes);
        Snapshot s = new Snapshot(Fixtures.T, List.of(Fixtures.team("team", "vnicB", healthy, degraded)), List.of(),
                List.of(probing), List.of());

        Map<String, Object> doc = MiniJson.object(MiniJson.parse(StatusJson.render(s)));

        List<Object> members = MiniJson.array(MiniJson.object(doc.get("team")).get("members"));
        Map<String, Object> a = MiniJson.object(members.get(1));
        assertEquals("down", a.get("path"));
        assertEquals(false, a.get("pathUp"));
        assertEquals(true, a.get("degraded"));
        assertEquals(1L, a.get("pathLostEvents"));
        assertEquals("up", MiniJson.object(members.get(0)).get("path"));
        Map<String, Object> p = MiniJson.object(MiniJson.object(MiniJson.array(doc.get("bridges")).get(0)).get("probes"));
        assertEquals(2000L, p.get("intervalMicros"));
        assertEquals(false, p.get("pathUp"));
        assertEquals(100L, p.get("sent"));
        assertEquals(90L, p.get("received"));
        Map<String, Object> w = MiniJson.object(MiniJson.array(p.get("watches")).get(0));
        assertEquals(1L, w.get("vlan"));
        assertEquals(true, w.get("lost"));
        assertEquals(40_000_000L, w.get("windowNanos"));
        assertEquals(20_000_000L, w.get("delaySeenNanos"));
    }

    @Test
    void givenNamesWithQuotesAndNewlines_whenRendered_thenStillValidJsonWithTheSameNames() {
        String evil = "a\"b\\c\nd</script>";
        Snapshot s = new Snapshot(Fixtures.T,
                List.of(Fixtures.team(evil, evil, Fixtures.member(evil, evil, Role.ACTIVE, 1, 1))), List.of(),
                List.of(Fixtures.bridge(evil, true, 1, 1)), List.of(Fixtures.vlan(1, evil, true)));

        Map<String, Object> doc = MiniJson.object(MiniJson.parse(StatusJson.render(s)));

        Map<String, Object> team = MiniJson.object(doc.get("team"));
        assertEquals(evil, team.get("name"));
        assertEquals(evil, team.get("active"));
        assertEquals(evil, MiniJson.object(MiniJson.array(team.get("members")).get(0)).get("name"));
        assertEquals(evil, MiniJson.object(MiniJson.array(doc.get("bridges")).get(0)).get("name"));
        assertEquals(evil, MiniJson.object(MiniJson.array(doc.get("vlans")).get(0)).get("name"));
    }
}
