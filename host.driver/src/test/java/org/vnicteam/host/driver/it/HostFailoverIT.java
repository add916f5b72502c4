package org.vnicteam.host.driver.it;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.vnicteam.host.driver.it.EmbeddedDefault.waitFor;
import static org.vnicteam.host.driver.it.Traffic.COUNT;
import static org.vnicteam.host.driver.it.Traffic.assertNoFrameCrossedVlans;
import static org.vnicteam.host.driver.it.Traffic.assertStreamLoss;
import static org.vnicteam.host.driver.it.Traffic.finish;
import static org.vnicteam.host.driver.it.Traffic.miniport;
import static org.vnicteam.host.driver.it.Traffic.resolveArp;
import static org.vnicteam.host.driver.it.Traffic.startStreams;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import javax.inject.Inject;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerMethod;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.ConfigurationAdmin;
import org.vnicteam.api.host.TeamStatus;
import org.vnicteam.fabric.sim.ethernet.PingResult;
import org.vnicteam.fabric.sim.ethernet.SegmentStatus;

/**
 * The host side in Felix with everything real: the simulated fabric and FIG. 5 Ethernet segment,
 * bridges A and B as device bundles (bridge.core + bridge.hostcmd), VNICs A and B, the team and
 * VLAN miniports 1 and 2 with simulated IP hosts above them. Traffic both ways on both VLANs;
 * bridge A's Ethernet link cut under UDP streams; restore; fail-back; bridge A's bundle stopped;
 * the fabric path to bridge A cut.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class HostFailoverIT {

    @Inject
    BundleContext context;

    @Inject
    ConfigurationAdmin cm;

    @Configuration
    public Option[] config() {
        return HostFrameworkOptions.felixWithTheEmbeddedDefault();
    }

    @Test
    public void givenFig5_thenTrafficFlowsBothWaysOnBothVlans_andNeverCrossesThem() throws Exception {
        EmbeddedDefault env = new EmbeddedDefault(context, cm).start(Map.of(), Map.of());
        resolveArp(env);
        for (int c = 1; c <= 4; c++) {
            int vlan = c <= 2 ? 1 : 2;
            PingResult r = env.client(c).ping(env.server(vlan).ip(), 3, Duration.ofSeconds(2));
            assertEquals("client" + c + " pings the server on VLAN " + vlan + ": " + r, 3, r.received());
        }
        List<Traffic.Stream> streams = startStreams(env, 9000);
        finish(streams);
        assertStreamLoss(env, streams, "no fail-over", 0);
        assertNoFrameCrossedVlans(env);
        for (int vlan = 1; vlan <= 2; vlan++) {
            var st = miniport(env, vlan).status();
            assertTrue("VLAN " + vlan + " miniport carried traffic both ways: " + st,
                    st.txFrames() >= COUNT && st.rxFrames() >= COUNT * 9 / 10);
            assertTrue(st.mediaConnected());
        }
        // the switch learned the team MAC on both VLANs at bridge A's port
        List<SegmentStatus.FdbEntry> fdb = env.segment().fdb();
        String teamMac = env.team().status().teamMac();
        for (int vlan = 1; vlan <= 2; vlan++) {
            int v = vlan;
            assertTrue("team MAC on VLAN " + vlan + " at bridge A's port p1: " + fdb, fdb.stream()
                    .anyMatch(e -> e.vid() == v && e.mac().equals(teamMac) && e.port().equals("p1")));
        }
    }

    @Test
    public void givenStreams_whenBridgeAsEthernetLinkIsCut_thenBTakesOverWithoutServerToClientLoss_andARestoredA_isBackup_andFailBackPrimaryTakesItBackWithoutLoss()
            throws Exception {
        EmbeddedDefault env = new EmbeddedDefault(context, cm).start(Map.of(), Map.of());
        resolveArp(env);

        // --- cut A's Ethernet link under the streams
        List<Traffic.Stream> streams = startStreams(env, 9100);
        Thread.sleep(300);
        long cut = System.nanoTime();
        env.segment().setPortUp("bridgeA-eth", false);
        waitFor(() -> "vnicB".equals(env.team().active()), () -> "B active: " + env.team().status());
        long moved = System.nanoTime() - cut;
        finish(streams);
        TeamStatus st = env.team().status();
        TeamStatus.FailoverRecord f = st.lastFailover();
        System.out.println("link cut -> B active after " + moved / 1000 + " us; team: " + f);
        assertEquals("the fail-over was A's: " + st.events(), "vnicA", f.from());
        assertTrue(f.cause(), f.cause().contains("LINK_STATUS"));
        assertEquals(TeamStatus.Role.FAILED, st.member("vnicA").role());
        assertStreamLoss(env, streams, "link cut", moved);
        assertNoFrameCrossedVlans(env);
        assertTrue("learning frames sent through B", f.learningFrames() == 2);
        // the switch moved the team MAC to B's port on both VLANs
        String teamMac = st.teamMac();
        for (int vlan = 1; vlan <= 2; vlan++) {
            int v = vlan;
            assertTrue("team MAC on VLAN " + vlan + " now at p2", env.segment().fdb().stream()
                    .anyMatch(e -> e.vid() == v && e.mac().equals(teamMac) && e.port().equals("p2")));
        }

        // --- restore A: it becomes backup, no fail-back by default
        env.segment().setPortUp("bridgeA-eth", true);
        waitFor(() -> env.team().status().member("vnicA").role() == TeamStatus.Role.BACKUP,
                () -> "A backup: " + env.team().status());
        Thread.sleep(150); // longer than the up delay: nothing else happens
        assertEquals("vnicB", env.team().active());
        assertEquals(1, env.team().status().failovers());

        // --- fail-back = primary, applied live under the streams: A takes over, nothing lost
        List<Traffic.Stream> again = startStreams(env, 9200);
        Thread.sleep(300);
        env.reconfigureTeam(Map.of("failback", "PRIMARY"));
        waitFor(() -> "vnicA".equals(env.team().active()), () -> "A active again: " + env.team().status());
        finish(again);
        TeamStatus back = env.team().status();
        System.out.println("fail-back: " + back.lastFailover());
        assertEquals(2, back.failovers());
        assertEquals("vnicB", back.lastFailover().from());
        assertEquals(0, back.lastFailover().replayedFrames());
        assertStreamLoss(env, again, "fail-back to primary", 0);
        assertNoFrameCrossedVlans(env);
    }

    @Test
    public void givenBridgeAsBundleIsStopped_thenTheTeamFailsOverWithinTheKeepaliveBound() throws Exception {
        // the product defaults: 10 ms x 5 (docs/host.md); a bundle stop closes the bridge's HCA, so the
        // fabric trap usually finds it first, well inside the keep-alive bound
        long intervalMicros = 10_000;
        int misses = 5;
        EmbeddedDefault env = new EmbeddedDefault(context, cm).start(Map.of(),
                Map.of("keepalive.interval.micros", intervalMicros, "keepalive.misses", misses));
        resolveArp(env);
        List<Traffic.Stream> streams = startStreams(env, 9300);
        Thread.sleep(300);
        long stop = System.nanoTime();
        env.bridgeA.stop();
        waitFor(() -> "vnicB".equals(env.team().active()), () -> "B active: " + env.team().status());
        long took = System.nanoTime() - stop;
        finish(streams);
        TeamStatus.FailoverRecord f = env.team().status().lastFailover();
        long bound = intervalMicros * misses * 1000;
        System.out.println("bridge A bundle stopped -> B active after " + took / 1000 + " us (keep-alive bound "
                + bound / 1000 + " us); " + f);
        // Generous slack for a loaded 2-core machine: the bound itself is checked tightly in host.vnic's tests.
        assertTrue("failed over after " + took / 1000 + " us", took <= bound + 100_000_000L);
        assertEquals("vnicA", f.from());
        assertStreamLoss(env, streams, "bridge A unplugged", took);
        assertNoFrameCrossedVlans(env);
    }

    @Test
    public void givenTheFabricPathToBridgeAIsCut_thenTheTeamFailsOver() throws Exception {
        EmbeddedDefault env = new EmbeddedDefault(context, cm).start(Map.of(), Map.of());
        resolveArp(env);
        List<Traffic.Stream> streams = startStreams(env, 9400);
        Thread.sleep(300);
        long cut = System.nanoTime();
        env.fabric().setLinkUp("bridgeA-sw2", false);
        waitFor(() -> "vnicB".equals(env.team().active()), () -> "B active: " + env.team().status());
        long took = System.nanoTime() - cut;
        finish(streams);
        TeamStatus st = env.team().status();
        System.out.println("fabric link bridgeA-sw2 cut -> B active after " + took / 1000 + " us; "
                + st.lastFailover());
        assertNotNull(st.lastFailover());
        assertEquals(TeamStatus.Role.FAILED, st.member("vnicA").role());
        assertTrue(st.member("vnicA").lastCause(), !st.member("vnicA").fabricUp());
        assertStreamLoss(env, streams, "fabric path cut", took);
        assertNoFrameCrossedVlans(env);
        env.fabric().setLinkUp("bridgeA-sw2", true);
        waitFor(() -> env.team().status().member("vnicA").role() == TeamStatus.Role.BACKUP,
                () -> "A back as backup: " + env.team().status());
    }
}
