package org.vnicteam.appliance.http.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.vnicteam.api.host.TeamStatus.Role;

class PrometheusTextTest {

    /** A sample line of the text format: name, optional labels with escaped values, an integer value. */
    private static final Pattern SAMPLE = Pattern.compile(
            "[a-zA-Z_:][a-zA-Z0-9_:]*(\\{[a-zA-Z_][a-zA-Z0-9_]*=\"(?:[^\"\\\\\\n]|\\\\[\\\\\"n])*\""
                    + "(,[a-zA-Z_][a-zA-Z0-9_]*=\"(?:[^\"\\\\\\n]|\\\\[\\\\\"n])*\")*\\})? -?\\d+");

    @Test
    void givenNoServices_whenRendered_thenEveryFamilyHasHelpAndTypeAndNoSample() {
        String text = PrometheusText.render(Fixtures.empty());

        assertWellFormed(text);
        assertTrue(text.contains("# TYPE vnicteam_team_member_tx_frames_total counter\n"), text);
        assertTrue(text.contains("# TYPE vnicteam_bridge_carrier gauge\n"), text);
        assertTrue(text.lines().allMatch(l -> l.startsWith("# ")), "no samples: " + text);
    }

    @Test
    void givenTeamBridgesAndVlans_whenRendered_thenLabelledSamples() {
        Snapshot s = new Snapshot(Fixtures.T,
                List.of(Fixtures.team("team", "vnicA", Fixtures.member("vnicA", "bridgeA", Role.ACTIVE, 5, 6),
                        Fixtures.member("vnicB", "bridgeB", Role.BACKUP, 0, 0))),
                List.of(), List.of(Fixtures.bridge("bridgeA", true, 9, 8), Fixtures.bridge("bridgeB", false, 0, 0)),
                List.of(Fixtures.vlan(1, "vlan1", true)));

        String text = PrometheusText.render(s);

        assertWellFormed(text);
        assertTrue(text.contains("\nvnicteam_team_member_tx_frames_total{team=\"team\",member=\"vnicA\"} 5\n"), text);
        assertTrue(text.contains("\nvnicteam_team_member_rx_frames_total{team=\"team\",member=\"vnicA\"} 6\n"), text);
        assertTrue(text.contains("\nvnicteam_team_member_state{team=\"team\",member=\"vnicA\",state=\"active\"} 1\n"), text);
        assertTrue(text.contains("\nvnicteam_team_member_state{team=\"team\",member=\"vnicA\",state=\"backup\"} 0\n"), text);
        assertTrue(text.contains("\nvnicteam_team_member_state{team=\"team\",member=\"vnicB\",state=\"backup\"} 1\n"), text);
        assertTrue(text.contains("\nvnicteam_team_media_connected{team=\"team\"} 1\n"), text);
        assertTrue(text.contains("\nvnicteam_bridge_carrier{bridge=\"bridgeA\"} 1\n"), text);
        assertTrue(text.contains("\nvnicteam_bridge_carrier{bridge=\"bridgeB\"} 0\n"), text);
        assertTrue(text.contains("\nvnicteam_bridge_tx_frames_total{bridge=\"bridgeA\"} 9\n"), text);
        assertTrue(text.contains("\nvnicteam_vlan_media_connected{vlan=\"1\",miniport=\"vlan1\"} 1\n"), text);
        assertTrue(text.contains("\nvnicteam_vlan_rx_frames_total{vlan=\"1\",miniport=\"vlan1\"} 20\n"), text);
    }

    @Test
    void givenLabelValuesWithQuoteBackslashAndNewline_whenRendered_thenEscaped() {
        String evil = "a\"b\\c\nd";
        Snapshot s = new Snapshot(Fixtures.T, List.of(Fixtures.team("t", evil,
                Fixtures.member(evil, "bridgeA", Role.ACTIVE, 1, 1))), List.of(),
                List.of(Fixtures.bridge(evil, true, 1, 1)), List.of());

        String text = PrometheusText.render(s);

        assertWellFormed(text);
        assertTrue(text.contains("member=\"a\\\"b\\\\c\\nd\""), text);
        assertTrue(text.contains("{bridge=\"a\\\"b\\\\c\\nd\"} 1"), text);
        assertEquals("x\\\\y\\\"z\\n", PrometheusText.escapeLabel("x\\y\"z\n"));
    }

    /** HELP then TYPE once per family, before its samples; every other line a valid sample of it. */
    private static void assertWellFormed(String text) {
        assertTrue(text.endsWith("\n"), "ends with a newline");
        Set<String> families = new HashSet<>();
        String current = null;
        String help = null;
        for (String line : text.split("\n")) {
            if (line.startsWith("# HELP ")) {
                help = line.split(" ")[2];
                continue;
            }
            if (line.startsWith("# TYPE ")) {
                String[] p = line.split(" ");
                assertEquals(4, p.length, line);
                assertEquals(help, p[2], "HELP before TYPE: " + line);
                assertTrue(Set.of("counter", "gauge").contains(p[3]), line);
                assertTrue(families.add(p[2]), "one TYPE per family: " + line);
                assertTrue(!p[3].equals("counter") || p[2].endsWith("_total"), "counters end in _total: " + line);
                current = p[2];
                continue;
            }
            assertTrue(SAMPLE.matcher(line).matches(), "sample line: " + line);
            String name = line.split("[{ ]")[0];
            assertEquals(current, name, "sample under its family: " + line);
        }
    }
}
