package org.vnicteam.appliance.http.internal;

import org.vnicteam.api.bridge.BridgeCounters;
import org.vnicteam.api.bridge.BridgeStatus;
import org.vnicteam.api.bridge.ChannelStatus;
import org.vnicteam.api.host.MiniportStatus;
import org.vnicteam.api.host.TeamStatus;

/**
 * The content of the Web Console page "VNIC Team" (the console wraps it in its header and
 * navigation): three tables, team ({@code #vnicteam-team}), bridges ({@code #vnicteam-bridges}) and
 * VLANs ({@code #vnicteam-vlans}), rendered from a snapshot on the server, then refreshed every
 * second by a small inline script from the plugin's own {@code status.json} (the
 * {@code /vnicteam/status} document, behind the console's authentication). No external resource;
 * the script builds cells with {@code textContent}, never HTML.
 */
final class PluginPage {

    private PluginPage() {
    }

    static String render(Snapshot s, String statusJsonUrl) {
        StringBuilder h = new StringBuilder(8192);
        h.append("<div id='vnicteam'>\n");
        h.append("<p class='statline' id='vnicteam-updated' data-refreshes='0'>as of ").append(esc(s.time().toString()))
                .append("; refreshes every second</p>\n");

        TeamStatus t = s.team();
        h.append("<h3>Team</h3>\n<p id='vnicteam-team-summary'>").append(esc(teamSummary(t))).append("</p>\n");
        table(h, "vnicteam-team", "Member", "State", "Bridge", "Link", "TX frames", "RX frames", "Path");
        if (t == null || t.members().isEmpty()) {
            emptyRow(h, 7, t == null ? "no team (the host side is not running)" : "no members");
        } else {
            for (TeamStatus.MemberStatus m : t.members()) {
                row(h, m.name(), Snapshot.state(m), m.bridge(), m.link() == null ? "" : m.link().name().toLowerCase(java.util.Locale.ROOT),
                        Long.toString(m.txFrames()), Long.toString(m.rxFrames()),
                        m.path() == null ? "" : m.path().name().toLowerCase(java.util.Locale.ROOT));
            }
        }
        h.append("</tbody></table>\n");

        h.append("<h3>Bridges</h3>\n");
        table(h, "vnicteam-bridges", "Bridge", "Carrier", "Sessions", "MAC", "TX frames", "RX frames", "Dropped",
                "Carrier changes", "Path");
        if (s.bridges().isEmpty()) {
            emptyRow(h, 9, "no bridge plugged in");
        }
        for (BridgeStatus b : s.bridges()) {
            BridgeCounters c = b.counters() == null ? BridgeCounters.ZERO : b.counters();
            row(h, b.name(), b.carrier() ? "up" : "DOWN",
                    Long.toString(b.channels().stream().filter(ChannelStatus::open).count()), b.mac(),
                    Long.toString(c.txFrames()), Long.toString(c.rxFrames()), Long.toString(c.dropped()),
                    Long.toString(c.carrierChanges()), !b.probes().enabled() ? "-" : b.probes().pathUp() ? "up" : "LOST");
        }
        h.append("</tbody></table>\n");

        h.append("<h3>VLANs</h3>\n");
        table(h, "vnicteam-vlans", "VLAN", "Miniport", "Media", "Upper", "TX frames", "RX frames", "TX dropped");
        if (s.miniports().isEmpty()) {
            emptyRow(h, 7, "no VLAN miniport (the host side is not running)");
        }
        for (MiniportStatus m : s.miniports()) {
            row(h, Integer.toString(m.vlan()), m.name(), m.mediaConnected() ? "connected" : "disconnected", m.upper(),
                    Long.toString(m.txFrames()), Long.toString(m.rxFrames()), Long.toString(StatusJson.txDropped(m)));
        }
        h.append("</tbody></table>\n</div>\n");

        // the URL as a JSON string: JsonWriter escapes <, > and &, so it cannot end the script element
        String url = new JsonWriter().value(statusJsonUrl).toString();
        h.append("<script>\n(function () {\n  var url = ").append(url).append(";\n").append(SCRIPT).append("})();\n</script>\n");
        return h.toString();
    }

    static String teamSummary(TeamStatus t) {
        if (t == null) {
            return "No team service: the host side (VNICs and the team) is not running.";
        }
        return "Team " + t.name() + ": " + (t.active() == null ? "no active member" : "active " + t.active()) + ", "
                + t.members().size() + (t.members().size() == 1 ? " member" : " members") + ", " + t.failovers()
                + (t.failovers() == 1 ? " fail-over" : " fail-overs") + ", media "
                + (t.mediaConnected() ? "connected" : "disconnected");
    }

    private static void table(StringBuilder h, String id, String... headers) {
        h.append("<table class='nicetable' id='").append(id).append("'><thead><tr>");
        for (String c : headers) {
            h.append("<th>").append(esc(c)).append("</th>");
        }
        h.append("</tr></thead><tbody>\n");
    }

    private static void row(StringBuilder h, String... cells) {
        h.append("<tr>");
        for (String c : cells) {
            h.append("<td>").append(esc(c)).append("</td>");
        }
        h.append("</tr>\n");
    }

    private static void emptyRow(StringBuilder h, int columns, String text) {
        h.append("<tr><td colspan='").append(columns).append("'>").append(esc(text)).append("</td></tr>\n");
    }

    static String esc(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder(s.length() + 8);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> sb.append("&amp;");
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&#39;");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }

    /** Rebuilds the three tables from status.json every second (the same columns as above). */
    private static final String SCRIPT = """
              var refreshes = 0;
              function text(id, t) { var e = document.getElementById(id); if (e) { e.textContent = t; } }
              function fill(id, rows, columns, empty) {
                var table = document.getElementById(id);
                if (!table) { return; }
                var body = document.createElement('tbody');
                if (rows.length === 0) {
                  var tr = body.insertRow(), td = tr.insertCell();
                  td.colSpan = columns; td.textContent = empty;
                }
                rows.forEach(function (cells) {
                  var tr = body.insertRow();
                  cells.forEach(function (c) { tr.insertCell().textContent = (c === null || c === undefined) ? '' : String(c); });
                });
                table.replaceChild(body, table.tBodies[0]);
              }
              function render(s) {
                var t = s.team || { name: null, active: null, members: [] };
                var n = t.members.length;
                text('vnicteam-team-summary', t.name === null
                    ? 'No team service: the host side (VNICs and the team) is not running.'
                    : 'Team ' + t.name + ': ' + (t.active === null ? 'no active member' : 'active ' + t.active) + ', '
                      + n + (n === 1 ? ' member' : ' members') + ', ' + t.failovers
                      + (t.failovers === 1 ? ' fail-over' : ' fail-overs') + ', media '
                      + (t.mediaConnected ? 'connected' : 'disconnected'));
                fill('vnicteam-team', t.members.map(function (m) {
                  return [m.name, m.state, m.bridge, m.link, m.txFrames, m.rxFrames, m.path];
                }), 7, t.name === null ? 'no team (the host side is not running)' : 'no members');
                fill('vnicteam-bridges', s.bridges.map(function (b) {
                  var p = b.probes, path = !p || p.intervalMicros === 0 ? '-' : p.pathUp ? 'up' : 'LOST';
                  return [b.name, b.carrier ? 'up' : 'DOWN', b.sessions, b.mac, b.txFrames, b.rxFrames, b.dropped,
                    b.carrierChanges, path];
                }), 9, 'no bridge plugged in');
                fill('vnicteam-vlans', s.vlans.map(function (v) {
                  return [v.vlan, v.name, v.media, v.upper, v.txFrames, v.rxFrames, v.txDropped];
                }), 7, 'no VLAN miniport (the host side is not running)');
              }
              function tick() {
                // absolute, from location.origin: a page opened with user:password@ in its URL has a
                // base URL with credentials, from which fetch refuses to resolve a relative URL
                fetch(location.origin + url, { credentials: 'same-origin', cache: 'no-store' })
                  .then(function (r) { if (!r.ok) { throw new Error('HTTP ' + r.status); } return r.json(); })
                  .then(function (s) {
                    render(s);
                    refreshes++;
                    var u = document.getElementById('vnicteam-updated');
                    u.setAttribute('data-refreshes', String(refreshes));
                    u.textContent = 'as of ' + s.time + '; refreshes every second';
                  })
                  .catch(function (e) { text('vnicteam-updated', 'refresh failed: ' + e.message + '; retrying every second'); })
                  .then(function () { setTimeout(tick, 1000); });
              }
              setTimeout(tick, 1000);
            """;
}
