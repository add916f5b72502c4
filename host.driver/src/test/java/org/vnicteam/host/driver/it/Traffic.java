package org.vnicteam.host.driver.it;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.vnicteam.host.driver.it.EmbeddedDefault.waitFor;

import java.time.Duration;
import java.util.List;

import org.vnicteam.api.host.Miniport;
import org.vnicteam.api.host.TeamStatus;
import org.vnicteam.fabric.sim.ethernet.HostStatus;
import org.vnicteam.fabric.sim.ethernet.PingResult;
import org.vnicteam.fabric.sim.ethernet.SegmentStatus;
import org.vnicteam.fabric.sim.ethernet.SimIpHost;
import org.vnicteam.fabric.sim.ethernet.StreamStats;
import org.vnicteam.fabric.sim.ethernet.TxStreamStatus;

/**
 * Traffic through the embedded default and how the framework tests count it: UDP sequence streams
 * between the server's simulated IP hosts and the clients, ARP resolution, the loss rule across a
 * fail-over and the VLAN-isolation checks. Shared by {@link HostFailoverIT} and {@link HostLiveChangesIT}.
 */
final class Traffic {

    static final double FPS = 4000;
    static final int COUNT = 4000; // one second of stream
    static final int PAYLOAD = 64;

    private Traffic() {
    }

    /**
     * Client→server loss allowed across a fail-over: what a client sends between the failure and the
     * moment the switch has learned the team MAC at B's port — the fail-over time (measured by each
     * test) plus 10 ms for frames in flight, at the stream's rate, plus 2.
     */
    static long clientToServerBound(long failoverNanos) {
        return lossBound(FPS, failoverNanos);
    }

    /** What a stream of {@code fps} may lose across a fail-over that took {@code failoverNanos}: the same rule. */
    static long lossBound(double fps, long failoverNanos) {
        return (long) (fps * (failoverNanos / 1e9 + 0.010)) + 2;
    }

    /** One UDP sequence stream and where to read what arrived. */
    record Stream(String name, SimIpHost from, SimIpHost to, int id, int port, int count, double fps) {
        static Stream start(String name, SimIpHost from, SimIpHost to, int port) {
            return start(name, from, to, port, COUNT);
        }

        /** {@code count} datagrams at {@link #FPS}: {@code count / FPS} seconds of stream. */
        static Stream start(String name, SimIpHost from, SimIpHost to, int port, int count) {
            return start(name, from, to, port, count, FPS);
        }

        /** {@code count} datagrams at {@code fps}. */
        static Stream start(String name, SimIpHost from, SimIpHost to, int port, int count, double fps) {
            int id = from.startStream(to.ip().getHostAddress(), port, fps, count, PAYLOAD);
            return new Stream(name, from, to, id, port, count, fps);
        }

        boolean toClient() {
            return name.startsWith("server");
        }

        boolean done() {
            return from.txStreams().stream().filter(t -> t.streamId() == id)
                    .anyMatch(t -> t.state() == TxStreamStatus.State.DONE);
        }

        /** Datagrams sent so far. */
        long sent() {
            return from.txStreams().stream().filter(t -> t.streamId() == id).mapToLong(TxStreamStatus::sent)
                    .findFirst().orElse(0);
        }

        StreamStats stats() {
            String src = from.ip().getHostAddress() + ":";
            return to.rxStreams().stream().filter(s -> s.streamId() == id && s.source().startsWith(src)
                    && s.dstPort() == port).findFirst().orElse(null);
        }

        /** Datagrams received so far (0 before the first). */
        long received() {
            StreamStats s = stats();
            return s == null ? 0 : s.received();
        }

        /** Datagrams that never arrived (tail losses included). */
        long missing() {
            StreamStats s = stats();
            return s == null ? count : count - s.received();
        }

        @Override
        public String toString() {
            StreamStats s = stats();
            return name + ": " + (s == null ? "nothing received" : "received " + s.received() + "/" + count + ", lost "
                    + (count - s.received()) + ", duplicates " + s.duplicates() + ", reordered " + s.reordered()
                    + ", longest gap " + s.maxInterArrivalNanos() / 1000 + " us");
        }
    }

    /** The server pings every client of its VLAN, so both sides know each other's MAC before the streams. */
    static void resolveArp(EmbeddedDefault env) {
        for (int vlan = 1; vlan <= 2; vlan++) {
            for (int c : vlan == 1 ? new int[] { 1, 2 } : new int[] { 3, 4 }) {
                PingResult r = env.server(vlan).ping(env.client(c).ip(), 2, Duration.ofSeconds(2));
                assertTrue("server VLAN " + vlan + " pings client" + c + ": " + r, r.received() >= 1);
            }
        }
    }

    /** One second of stream each way on each VLAN: server→client1, client2→server, server→client3, client4→server. */
    static List<Stream> startStreams(EmbeddedDefault env, int basePort) {
        return startStreams(env, basePort, COUNT, FPS);
    }

    /** The same four streams, {@code count} datagrams at {@code fps} each. */
    static List<Stream> startStreams(EmbeddedDefault env, int basePort, int count, double fps) {
        return List.of(
                Stream.start("server->client1 (VLAN 1)", env.server(1), env.client(1), basePort, count, fps),
                Stream.start("client2->server (VLAN 1)", env.client(2), env.server(1), basePort + 1, count, fps),
                Stream.start("server->client3 (VLAN 2)", env.server(2), env.client(3), basePort + 2, count, fps),
                Stream.start("client4->server (VLAN 2)", env.client(4), env.server(2), basePort + 3, count, fps));
    }

    /** Waits (≤ 10 s) until every stream has sent its last datagram, then lets the last ones drain. */
    static void finish(List<Stream> streams) throws InterruptedException {
        waitFor(() -> streams.stream().allMatch(Stream::done), () -> "streams done: " + streams);
        Thread.sleep(200); // the last datagrams drain through the fabric, bridges and switch
    }

    /**
     * Server→client: nothing lost by the host. Client→server: at most what the switch relearn
     * costs. The only server→client frames the host may not account for are those bridge A
     * reported on its wire that the simulated switch then dropped ({@link EmbeddedDefault#lostAfterBridgeAsWire}):
     * with a segment that switches every frame its bridge port accepted, that is 0.
     */
    static void assertStreamLoss(EmbeddedDefault env, List<Stream> streams, String when, long failoverNanos) {
        long c2sBound = clientToServerBound(failoverNanos);
        System.out.println(when + ": " + streams);
        long afterWire = env.lostAfterBridgeAsWire();
        long bridgeDrops = env.bridgeBufferDrops();
        c2sBound += bridgeDrops;
        if (bridgeDrops > 0) {
            System.out.println(when + ": the bridges dropped " + bridgeDrops + " frames toward the host for want of"
                    + " buffers (the machine stalled): allowed on top of the client->server bound");
        }
        long toClientMissing = streams.stream().filter(Stream::toClient).mapToLong(Stream::missing).sum();
        if (afterWire > 0) {
            System.out.println(when + ": " + afterWire + " frames bridge A reported on its wire were dropped by the"
                    + " simulated switch (link down before it switched them); server->client missing: "
                    + toClientMissing);
        }
        for (Stream s : streams) {
            // server->client: what is missing over all such streams must be frames the switch dropped
            // after bridge A had put them on its wire; client->server: the relearn bound
            boolean bad = s.toClient() ? toClientMissing > afterWire : s.missing() > c2sBound;
            long bound = s.toClient() ? afterWire : c2sBound;
            if (bad) {
                throw new AssertionError(when + ": " + s + " (bound " + bound + ")" + diagnostics(env));
            }
        }
    }

    /** Team counters and members, the last fail-over, the bridge-facing switch ports, the bridges, the events. */
    static String diagnostics(EmbeddedDefault env) {
        TeamStatus t = env.team().status();
        SegmentStatus seg = env.segment().status();
        StringBuilder b = new StringBuilder("\nteam: " + t.counters() + "\n" + t.members() + "\nlast: "
                + t.lastFailover());
        for (SegmentStatus.PortStatus p : seg.ports()) {
            if (p.peerKind() == SegmentStatus.PeerKind.BRIDGE) {
                b.append("\nswitch ").append(p.name()).append(": ").append(p.counters());
            }
        }
        return b.append("\nbridges: ").append(env.bridgeStatus()).append("\nevents: ").append(t.events()).toString();
    }

    /** Nothing of one VLAN reached the other: streams, ARP caches, switch counters. */
    static void assertNoFrameCrossedVlans(EmbeddedDefault env) {
        for (int c = 1; c <= 4; c++) {
            HostStatus h = env.client(c).status();
            String own = c <= 2 ? "198.18.1." : "198.18.2.";
            for (StreamStats s : h.rxStreams()) {
                assertTrue("client" + c + " got a stream from " + s.source(), s.source().startsWith(own));
            }
            for (HostStatus.ArpEntry e : h.arpCache()) {
                assertTrue("client" + c + " knows " + e.ip(), e.ip().startsWith(own));
            }
            assertEquals("client" + c + " frames of another VLAN", 0, h.counters().droppedVlan());
        }
        for (int vlan = 1; vlan <= 2; vlan++) {
            HostStatus h = env.server(vlan).status();
            String own = "198.18." + vlan + ".";
            for (StreamStats s : h.rxStreams()) {
                assertTrue("server VLAN " + vlan + " got a stream from " + s.source(), s.source().startsWith(own));
            }
            for (HostStatus.ArpEntry e : h.arpCache()) {
                assertTrue("server VLAN " + vlan + " knows " + e.ip(), e.ip().startsWith(own));
            }
        }
        SegmentStatus seg = env.segment().status();
        for (SegmentStatus.PortStatus p : seg.ports()) {
            assertEquals(p.name() + " wrong-VLAN drops", 0, p.counters().droppedWrongVlan());
        }
        assertEquals("frames for a VLAN without a miniport", 0, env.team().status().counters().rxDroppedUnknownVlan());
    }

    static Miniport miniport(EmbeddedDefault env, int vlan) {
        return env.service(Miniport.class, "(vlan=" + vlan + ")");
    }
}
