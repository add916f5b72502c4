package org.vnicteam.appliance.http.internal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.vnicteam.api.host.TeamStatus.Role;

class PluginPageTest {

    @Test
    void givenNoTeam_whenRendered_thenThreeTablesAndTheReasonInTheTeamTable() {
        String html = PluginPage.render(Fixtures.empty(), "/system/console/vnicteam/status.json");

        assertTrue(html.contains("<table class='nicetable' id='vnicteam-team'>"), html);
        assertTrue(html.contains("id='vnicteam-bridges'"), html);
        assertTrue(html.contains("id='vnicteam-vlans'"), html);
        assertTrue(html.contains("no team (the host side is not running)"), html);
        assertTrue(html.contains("var url = \"/system/console/vnicteam/status.json\";"), html);
        assertFalse(html.contains("http:") || html.contains("https:") || html.contains("src="),
                "no external resource: " + html);
    }

    @Test
    void givenNamesWithMarkup_whenRendered_thenEscaped() {
        String evil = "<img src=x onerror=alert(1)>&'\"";
        Snapshot s = new Snapshot(Fixtures.T,
                List.of(Fixtures.team("team", evil, Fixtures.member(evil, "bridgeA", Role.ACTIVE, 1, 2))), List.of(),
                List.of(Fixtures.bridge(evil, true, 1, 1)), List.of(Fixtures.vlan(1, evil, true)));

        String html = PluginPage.render(s, "/x</script><script>alert(1)//");

        assertFalse(html.contains("<img"), html);
        assertTrue(html.contains("<td>&lt;img src=x onerror=alert(1)&gt;&amp;&#39;&quot;</td><td>active</td>"), html);
        assertFalse(html.contains("</script><script>alert"), "the URL cannot close the script element");
    }
}
