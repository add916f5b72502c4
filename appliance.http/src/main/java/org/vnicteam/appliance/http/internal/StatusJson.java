package org.vnicteam.appliance.http.internal;

import java.util.Locale;

import org.vnicteam.api.bridge.BridgeCounters;
import org.vnicteam.api.bridge.BridgeStatus;
import org.vnicteam.api.bridge.ChannelStatus;
import org.vnicteam.api.bridge.ProbeStatus;
import org.vnicteam.api.host.MiniportStatus;
import org.vnicteam.api.host.TeamStatus;
import org.vnicteam.api.host.VnicStatus;

/**
 * The body of {@code GET /vnicteam/status}: one JSON object with {@code team} (always present;
 * {@code active} null and {@code members} empty when no team service runs), {@code teams} (every
 * team), {@code vnics}, {@code bridges} and {@code vlans}. Field names are documented in
 * docs/appliance.md, "HTTP".
 */
final class StatusJson {

    private StatusJson() {
    }

    static String render(Snapshot s) {
        JsonWriter w = new JsonWriter().beginObject();
        w.field("time", s.time().toString());
        w.name("team");
        team(w, s.team());
        w.name("teams").beginArray();
        for (TeamStatus t : s.teams()) {
            team(w, t);
        }
        w.endArray();
        w.name("vnics").beginArray();
        for (VnicStatus v : s.vnics()) {
            vnic(w, v);
        }
        w.endArray();
        w.name("bridges").beginArray();
        for (BridgeStatus b : s.bridges()) {
            bridge(w, b);
        }
        w.endArray();
        w.name("vlans").beginArray();
        for (MiniportStatus m : s.miniports()) {
            miniport(w, m);
        }
        w.endArray();
        return w.endObject().toString();
    }

    private static void team(JsonWriter w, TeamStatus t) {
        w.beginObject();
        if (t == null) {
            w.name("name").nullValue().name("active").nullValue().field("mediaConnected", false);
            w.name("members").beginArray().endArray();
            w.endObject();
            return;
        }
        w.field("name", t.name()).field("active", t.active()).field("mediaConnected", t.mediaConnected());
        w.field("teamMac", t.teamMac());
        w.field("failback", t.failback() == null ? null : t.failback().name().toLowerCase(Locale.ROOT));
        w.field("primary", t.primary());
        w.field("failovers", t.failovers());
        w.name("lastFailover");
        TeamStatus.FailoverRecord f = t.lastFailover();
        if (f == null) {
            w.nullValue();
        } else {
            w.beginObject().field("number", f.number())
                    .field("time", f.time() == null ? null : f.time().toString())
                    .field("from", f.from()).field("to", f.to()).field("cause", f.cause())
                    .field("firstFrameNanos", f.firstFrameNanos()).field("durationNanos", f.durationNanos())
                    .field("replayedFrames", f.replayedFrames()).field("learningFrames", f.learningFrames())
                    .endObject();
        }
        w.name("members").beginArray();
        for (TeamStatus.MemberStatus m : t.members()) {
            w.beginObject().field("name", m.name()).field("state", Snapshot.state(m)).field("bridge", m.bridge())
                    .field("priority", m.priority())
                    .field("link", m.link() == null ? null : m.link().name().toLowerCase(Locale.ROOT))
                    .field("sessionUp", m.sessionUp()).field("bridgeLinkUp", m.bridgeLinkUp())
                    .field("fabricUp", m.fabricUp()).field("pathUp", m.pathUp())
                    .field("path", m.path() == null ? null : m.path().name().toLowerCase(Locale.ROOT))
                    .field("degraded", m.degraded()).field("pathLostEvents", m.pathLostEvents())
                    .field("txFrames", m.txFrames()).field("txBytes", m.txBytes())
                    .field("rxFrames", m.rxFrames()).field("rxBytes", m.rxBytes())
                    .field("rxDroppedNotActive", m.rxDroppedNotActive()).endObject();
        }
        w.endArray();
        TeamStatus.Counters c = t.counters();
        if (c != null) {
            w.name("counters").beginObject().field("txFrames", c.txFrames()).field("txBytes", c.txBytes())
                    .field("txDroppedNoActive", c.txDroppedNoActive()).field("txDroppedMember", c.txDroppedMember())
                    .field("rxFrames", c.rxFrames()).field("rxBytes", c.rxBytes())
                    .field("rxDroppedNotActive", c.rxDroppedNotActive())
                    .field("rxDroppedUnknownVlan", c.rxDroppedUnknownVlan())
                    .field("rxDroppedMalformed", c.rxDroppedMalformed()).field("replayedFrames", c.replayedFrames())
                    .field("learningFrames", c.learningFrames()).endObject();
        }
        w.endObject();
    }

    private static void vnic(JsonWriter w, VnicStatus v) {
        w.beginObject().field("name", v.name()).field("bridge", v.bridge())
                .field("session", v.state() == null ? null : v.state().name().toLowerCase(Locale.ROOT))
                .field("ready", v.ready()).field("sessionUp", v.sessionUp()).field("bridgeLinkUp", v.bridgeLinkUp())
                .field("fabricUp", v.fabricUp()).field("pathUp", v.pathUp()).field("bridgeProbes", v.bridgeProbes())
                .field("pathLostReports", v.pathLostReports()).field("lastRttNanos", v.lastRttNanos());
        VnicStatus.Traffic t = v.traffic();
        if (t != null) {
            w.field("txFrames", t.txFrames()).field("txBytes", t.txBytes()).field("rxFrames", t.rxFrames())
                    .field("rxBytes", t.rxBytes());
        }
        w.endObject();
    }

    private static void bridge(JsonWriter w, BridgeStatus b) {
        BridgeCounters c = b.counters() == null ? BridgeCounters.ZERO : b.counters();
        long sessions = b.channels().stream().filter(ChannelStatus::open).count();
        w.beginObject().field("name", b.name()).field("adapter", b.adapterName())
                .field("ethernetPort", b.ethernetPort()).field("mac", b.mac()).field("carrier", b.carrier())
                .field("fabricLid", b.fabricLid()).field("sessions", sessions).field("txFrames", c.txFrames())
                .field("txBytes", c.txBytes()).field("rxFrames", c.rxFrames()).field("rxBytes", c.rxBytes())
                .field("dropped", c.dropped()).field("carrierChanges", c.carrierChanges());
        ProbeStatus p = b.probes();
        w.name("probes").beginObject().field("intervalMicros", p.intervalMicros()).field("misses", p.misses())
                .field("pathUp", p.pathUp()).field("sent", p.sent()).field("sendFailed", p.sendFailed())
                .field("received", p.received()).field("ignored", p.ignored()).field("malformed", p.malformed())
                .field("pathLostEvents", p.pathLostEvents());
        w.name("watches").beginArray();
        for (ProbeStatus.Watch x : p.watches()) {
            w.beginObject().field("teamMac", x.teamMac()).field("vlan", x.vlan()).field("programmed", x.programmed())
                    .field("armed", x.armed()).field("lost", x.lost()).field("probesSent", x.probesSent())
                    .field("probesReceived", x.probesReceived()).field("lostEvents", x.lostEvents())
                    .field("windowNanos", x.windowNanos()).field("delaySeenNanos", x.delaySeenNanos()).endObject();
        }
        w.endArray().endObject().endObject();
    }

    private static void miniport(JsonWriter w, MiniportStatus m) {
        w.beginObject().field("vlan", m.vlan()).field("name", m.name()).field("upper", m.upper())
                .field("media", m.mediaConnected() ? "connected" : "disconnected")
                .field("mediaConnected", m.mediaConnected()).field("ipAddress", m.ipAddress())
                .field("txFrames", m.txFrames()).field("txBytes", m.txBytes()).field("rxFrames", m.rxFrames())
                .field("rxBytes", m.rxBytes()).field("txDropped", txDropped(m)).field("rxDropped", m.rxDroppedStage())
                .field("mediaChanges", m.mediaChanges()).endObject();
    }

    static long txDropped(MiniportStatus m) {
        return m.txDroppedDisconnected() + m.txDroppedTagged() + m.txDroppedBadLength() + m.txDroppedTeam()
                + m.txDroppedStage();
    }
}
