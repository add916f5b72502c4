package org.vnicteam.appliance.http.internal;

import java.util.List;
import java.util.function.ToLongFunction;

import org.vnicteam.api.bridge.BridgeCounters;
import org.vnicteam.api.bridge.BridgeStatus;
import org.vnicteam.api.bridge.ChannelStatus;
import org.vnicteam.api.bridge.ProbeStatus;
import org.vnicteam.api.host.LinkState;
import org.vnicteam.api.host.MiniportStatus;
import org.vnicteam.api.host.TeamStatus;
import org.vnicteam.api.host.VnicStatus;

/**
 * The body of {@code GET /vnicteam/metrics}: Prometheus text exposition format 0.0.4. Every family
 * has its {@code # HELP} and {@code # TYPE} lines (also when it has no sample, e.g. the team's
 * families before the host side runs); label values are escaped ({@code \\}, {@code \"},
 * {@code \n}). Counters end in {@code _total}.
 */
final class PrometheusText {

    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private static final String[] STATES = { "active", "backup", "failed" };

    private final StringBuilder out = new StringBuilder(4096);

    private PrometheusText() {
    }

    static String render(Snapshot s) {
        PrometheusText p = new PrometheusText();
        p.team(s.teams());
        p.vnics(s.vnics());
        p.bridges(s.bridges());
        p.vlans(s.miniports());
        return p.out.toString();
    }

    private record Member(TeamStatus team, TeamStatus.MemberStatus m) {
    }

    private void team(List<TeamStatus> teams) {
        family("vnicteam_team_media_connected", "gauge",
                "1 when the team has an active member (its miniports are told media connected), else 0.");
        for (TeamStatus t : teams) {
            sample("vnicteam_team_media_connected", t.mediaConnected() ? 1 : 0, "team", t.name());
        }
        family("vnicteam_team_failovers_total", "counter", "Changes of the team's active member.");
        for (TeamStatus t : teams) {
            sample("vnicteam_team_failovers_total", t.failovers(), "team", t.name());
        }
        List<Member> members = teams.stream().flatMap(t -> t.members().stream().map(m -> new Member(t, m))).toList();
        family("vnicteam_team_member_state", "gauge",
                "A team member's state: 1 for the one it is in (active, backup or failed), 0 for the others.");
        for (Member x : members) {
            String state = Snapshot.state(x.m);
            for (String st : STATES) {
                sample("vnicteam_team_member_state", st.equals(state) ? 1 : 0, "team", x.team.name(), "member",
                        x.m.name(), "state", st);
            }
        }
        family("vnicteam_team_member_path_up", "gauge",
                "1 when the member's Ethernet path (its bridge's probes) counts as up, 0 while it is degraded.");
        for (Member x : members) {
            sample("vnicteam_team_member_path_up", x.m.path() == LinkState.UP ? 1 : 0, "team", x.team.name(), "member",
                    x.m.name());
        }
        memberCounter(members, "vnicteam_team_member_path_lost_total",
                "Times the member's Ethernet path was committed lost (its bridge's probes).",
                TeamStatus.MemberStatus::pathLostEvents);
        memberCounter(members, "vnicteam_team_member_tx_frames_total", "Frames the team sent through the member.",
                TeamStatus.MemberStatus::txFrames);
        memberCounter(members, "vnicteam_team_member_rx_frames_total",
                "Frames from the member the team passed up to a miniport.", TeamStatus.MemberStatus::rxFrames);
        memberCounter(members, "vnicteam_team_member_tx_bytes_total", "Bytes of the frames sent through the member.",
                TeamStatus.MemberStatus::txBytes);
        memberCounter(members, "vnicteam_team_member_rx_bytes_total", "Bytes of the frames from the member passed up.",
                TeamStatus.MemberStatus::rxBytes);
    }

    private void memberCounter(List<Member> members, String name, String help,
            ToLongFunction<TeamStatus.MemberStatus> value) {
        family(name, "counter", help);
        for (Member x : members) {
            sample(name, value.applyAsLong(x.m), "team", x.team.name(), "member", x.m.name());
        }
    }

    private void vnics(List<VnicStatus> vnics) {
        family("vnicteam_vnic_ready", "gauge",
                "1 when every link watcher of the VNIC (session, bridge link, fabric) is up, else 0.");
        for (VnicStatus v : vnics) {
            sample("vnicteam_vnic_ready", v.ready() ? 1 : 0, "vnic", v.name(), "bridge", v.bridge());
        }
        vnicCounter(vnics, "vnicteam_vnic_tx_frames_total", "DATA messages the VNIC posted to its bridge.",
                VnicStatus.Traffic::txFrames);
        vnicCounter(vnics, "vnicteam_vnic_rx_frames_total", "DATA messages from the bridge handed to the driver.",
                VnicStatus.Traffic::rxFrames);
    }

    private void vnicCounter(List<VnicStatus> vnics, String name, String help, ToLongFunction<VnicStatus.Traffic> f) {
        family(name, "counter", help);
        for (VnicStatus v : vnics) {
            if (v.traffic() != null) {
                sample(name, f.applyAsLong(v.traffic()), "vnic", v.name(), "bridge", v.bridge());
            }
        }
    }

    private void bridges(List<BridgeStatus> bridges) {
        family("vnicteam_bridge_carrier", "gauge", "1 when the bridge's Ethernet port has carrier, else 0.");
        for (BridgeStatus b : bridges) {
            sample("vnicteam_bridge_carrier", b.carrier() ? 1 : 0, "bridge", b.name());
        }
        family("vnicteam_bridge_sessions", "gauge", "Open data channels (host sessions) of the bridge.");
        for (BridgeStatus b : bridges) {
            sample("vnicteam_bridge_sessions", b.channels().stream().filter(ChannelStatus::open).count(), "bridge",
                    b.name());
        }
        bridgeCounter(bridges, "vnicteam_bridge_tx_frames_total", "Frames from the host the bridge put on Ethernet.",
                BridgeCounters::txFrames);
        bridgeCounter(bridges, "vnicteam_bridge_rx_frames_total", "Frames from Ethernet the bridge handed to the host.",
                BridgeCounters::rxFrames);
        bridgeCounter(bridges, "vnicteam_bridge_tx_bytes_total", "Bytes of the frames put on Ethernet.",
                BridgeCounters::txBytes);
        bridgeCounter(bridges, "vnicteam_bridge_rx_bytes_total", "Bytes of the frames handed to the host.",
                BridgeCounters::rxBytes);
        bridgeCounter(bridges, "vnicteam_bridge_dropped_total", "Frames the bridge dropped, whatever the cause.",
                BridgeCounters::dropped);
        bridgeCounter(bridges, "vnicteam_bridge_carrier_changes_total",
                "Carrier transitions of the bridge's Ethernet port.", BridgeCounters::carrierChanges);
        List<BridgeStatus> probing = bridges.stream().filter(b -> b.probes().enabled()).toList();
        family("vnicteam_bridge_path_up", "gauge",
                "1 when no path watch of the probing bridge is lost (team and VLAN heard), else 0.");
        for (BridgeStatus b : probing) {
            sample("vnicteam_bridge_path_up", b.probes().pathUp() ? 1 : 0, "bridge", b.name());
        }
        probeCounter(probing, "vnicteam_bridge_probes_sent_total", "Probe frames the bridge put on Ethernet.",
                ProbeStatus::sent);
        probeCounter(probing, "vnicteam_bridge_probes_received_total",
                "Probes of peer bridges of a programmed team the bridge heard.", ProbeStatus::received);
        probeCounter(probing, "vnicteam_bridge_path_lost_total", "Path watches of the bridge that went lost.",
                ProbeStatus::pathLostEvents);
    }

    private void probeCounter(List<BridgeStatus> bridges, String name, String help, ToLongFunction<ProbeStatus> f) {
        family(name, "counter", help);
        for (BridgeStatus b : bridges) {
            sample(name, f.applyAsLong(b.probes()), "bridge", b.name());
        }
    }

    private void bridgeCounter(List<BridgeStatus> bridges, String name, String help, ToLongFunction<BridgeCounters> f) {
        family(name, "counter", help);
        for (BridgeStatus b : bridges) {
            sample(name, f.applyAsLong(b.counters() == null ? BridgeCounters.ZERO : b.counters()), "bridge", b.name());
        }
    }

    private void vlans(List<MiniportStatus> miniports) {
        family("vnicteam_vlan_media_connected", "gauge",
                "1 when the VLAN miniport indicates media connected to its upper protocol, else 0.");
        for (MiniportStatus m : miniports) {
            sample("vnicteam_vlan_media_connected", m.mediaConnected() ? 1 : 0, vlanLabels(m));
        }
        vlanCounter(miniports, "vnicteam_vlan_tx_frames_total", "Frames from the upper protocol sent down.",
                MiniportStatus::txFrames);
        vlanCounter(miniports, "vnicteam_vlan_rx_frames_total", "Frames indicated up to the upper protocol.",
                MiniportStatus::rxFrames);
        vlanCounter(miniports, "vnicteam_vlan_tx_bytes_total", "Bytes (untagged) of the frames sent down.",
                MiniportStatus::txBytes);
        vlanCounter(miniports, "vnicteam_vlan_rx_bytes_total", "Bytes (untagged) of the frames indicated up.",
                MiniportStatus::rxBytes);
        vlanCounter(miniports, "vnicteam_vlan_tx_dropped_total", "Frames from the upper protocol dropped, any cause.",
                StatusJson::txDropped);
        vlanCounter(miniports, "vnicteam_vlan_rx_dropped_total", "Frames dropped on the way up by the packet stage.",
                MiniportStatus::rxDroppedStage);
    }

    private void vlanCounter(List<MiniportStatus> miniports, String name, String help,
            ToLongFunction<MiniportStatus> f) {
        family(name, "counter", help);
        for (MiniportStatus m : miniports) {
            sample(name, f.applyAsLong(m), vlanLabels(m));
        }
    }

    private static String[] vlanLabels(MiniportStatus m) {
        return new String[] { "vlan", Integer.toString(m.vlan()), "miniport", m.name() };
    }

    private void family(String name, String type, String help) {
        out.append("# HELP ").append(name).append(' ');
        for (int i = 0; i < help.length(); i++) {
            char c = help.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                default -> out.append(c);
            }
        }
        out.append('\n').append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    /** One sample line: NAME{k="v",...} VALUE. */
    private void sample(String name, long value, String... labels) {
        out.append(name);
        if (labels.length > 0) {
            out.append('{');
            for (int i = 0; i < labels.length; i += 2) {
                if (i > 0) {
                    out.append(',');
                }
                out.append(labels[i]).append("=\"").append(escapeLabel(labels[i + 1])).append('"');
            }
            out.append('}');
        }
        out.append(' ').append(value).append('\n');
    }

    static String escapeLabel(String v) {
        if (v == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder(v.length() + 4);
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            switch (c) {
                case '\\' -> sb.append("\\\\");
                case '"' -> sb.append("\\\"");
                case '\n' -> sb.append("\\n");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }
}
