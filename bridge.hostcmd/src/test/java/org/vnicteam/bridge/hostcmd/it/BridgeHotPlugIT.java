package org.vnicteam.bridge.hostcmd.it;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.wiring.BundleWiring;
import org.vnicteam.api.bridge.BridgeDevice;
import org.vnicteam.api.eoib.ControlMessage;
import org.vnicteam.api.verbs.AsyncEvent;
import org.vnicteam.api.verbs.Hca;
import org.vnicteam.api.verbs.PortState;
import org.vnicteam.bridge.hostcmd.peer.VnicPeer;
import org.vnicteam.fabric.sim.ethernet.EthernetSegmentControl;
import org.vnicteam.fabric.sim.ethernet.SimIpHost;
import org.vnicteam.fabric.sim.ethernet.StreamStats;

/**
 * Hot plug: bridges A and B are each one device bundle; the server's test VNICs are logged in to
 * both and carry traffic through B. Uninstalling, stopping or updating A's bundle must look like a
 * physical unplug of A to the host (keep-alives unanswered, A's fabric port down, A's queue pairs
 * failing) and must not touch B at all: same service, same session, no frame lost.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class BridgeHotPlugIT extends BridgeItSupport {

    static final String CLIENT1 = "198.18.1.11";
    static final String CLIENT3 = "198.18.2.13";

    Bundle deviceA;
    Bundle deviceB;
    Hca server;
    VnicPeer vnicA;
    VnicPeer vnicB;
    final List<VnicPeer> peers = new ArrayList<>();
    ServerSide ip;
    EthernetSegmentControl segment;

    @Before
    public void plugInBothAndLogIn() throws Exception {
        segment = segment();
        segment.flushFdb();
        deviceA = DeviceBundles.plugIn(context, "bridgeA", "bridgeA", "bridgeA-eth", MAC_A);
        deviceB = DeviceBundles.plugIn(context, "bridgeB", "bridgeB", "bridgeB-eth", MAC_B);
        awaitBridge("bridgeA");
        awaitBridge("bridgeB");
        server = fabric().open("server");
        vnicA = logIn("bridgeA", "vnicA");
        vnicB = logIn("bridgeB", "vnicB");
        ip = new ServerSide();
        ip.activate(vnicB); // B is active, A the backup: A is the one unplugged under traffic
    }

    private VnicPeer logIn(String bridge, String vnicName) throws Exception {
        VnicPeer p = new VnicPeer(server, bridge, vnicName, KEEPALIVE_MICROS);
        peers.add(p);
        p.login(WAIT);
        assertEquals(ControlMessage.ConfigAck.OK, p.configure(ServerSide.TEAM_MAC, List.of(1, 2), WAIT).status());
        p.startKeepalives(KEEPALIVE_PERIOD);
        return p;
    }

    @After
    public void unplugAll() throws Exception {
        if (ip != null) {
            ip.close();
        }
        peers.forEach(VnicPeer::close);
        if (server != null) {
            server.close();
        }
        for (Bundle b : context.getBundles()) {
            if (b.getSymbolicName() != null && b.getSymbolicName().startsWith("org.vnicteam.bridge.device.")) {
                b.uninstall();
            }
        }
        awaitNoBridge("bridgeA");
        awaitNoBridge("bridgeB");
        for (String h : segment.hostNames()) {
            segment.host(h).clearStreamStats();
        }
    }

    @Test
    public void givenBothBridgesLoggedIn_whenAsBundleIsUninstalledUnderTraffic_thenAGoesSilentAndFreesItsPortWhileBLosesNothing_andReinstallingBringsABack()
        throws Exception {
        assertEquals(1, ip.vlan1.ping(CLIENT1, 1, Duration.ofSeconds(2)).received()); // ARP, FDB learn through B
        assertEquals(1, ip.vlan2.ping(CLIENT3, 1, Duration.ofSeconds(2)).received());
        ServiceReference<BridgeDevice> bBefore = awaitBridge("bridgeB");
        int sessionB = vnicB.session();
        SimIpHost client1 = segment.host("client1");
        SimIpHost client3 = segment.host("client3");
        // Three streams through B for about a second, at a rate a busy 2-core machine sustains: the
        // point is that unplugging A costs B nothing, not the rate (BridgeThroughputTest measures that).
        int frames = 2000;
        ip.vlan1.startStream(CLIENT1, 9100, STREAM_RATE, frames, 64);
        client1.startStream(ip.vlan1.ip(), 9101, STREAM_RATE, frames, 64);
        ip.vlan2.startStream(CLIENT3, 9102, STREAM_RATE, frames, 64);
        Thread.sleep(200); // well into the streams

        long[] serviceGone = new long[1];
        org.osgi.framework.ServiceListener watch = e -> {
            if (e.getType() == org.osgi.framework.ServiceEvent.UNREGISTERING) {
                serviceGone[0] = System.nanoTime();
            }
        };
        context.addServiceListener(watch, "(&(objectClass=" + BridgeDevice.class.getName() + ")(bridge.name=bridgeA))");
        long unplugged = System.nanoTime();
        deviceA.uninstall();
        long uninstallReturned = System.nanoTime();
        awaitNoBridge("bridgeA");
        awaitTrue("the VNIC of A sees A's fabric port go down (trap)", () -> vnicA.traps.stream()
            .anyMatch(t -> t.nodeName().equals("bridgeA") && t.state() == PortState.DOWN), vnicA.traps::toString);
        long trapNanos = System.nanoTime() - unplugged;
        awaitTrue("the VNIC of A sees its control QP fail (keep-alives unacknowledged)", () -> vnicA.events.stream()
            .anyMatch(e -> e.type() == AsyncEvent.Type.QP_ERROR && e.qpNumber() == vnicA.controlQp().number()),
            vnicA.events::toString);
        long qpErrorNanos = System.nanoTime() - unplugged;
        assertTrue("A's login service record is gone", vnicA.findBridge().isEmpty());
        assertFalse("A's HCA is closed: the fabric sees it unpowered", // the trap came after the close
            fabricControl().status().node("bridgeA").open());
        long acksA = vnicA.keepaliveAcks.get();
        Thread.sleep(60);
        assertEquals("A answers no more keep-alives", acksA, vnicA.keepaliveAcks.get());
        assertTrue("an unplug says nothing (no RESET, no LINK_STATUS): " + vnicA.control,
            vnicA.control.stream().noneMatch(r -> r.message() instanceof ControlMessage.Reset
                || r.message() instanceof ControlMessage.LinkStatus));
        context.removeServiceListener(watch);
        System.out.printf(Locale.ROOT, "bridge A uninstalled: uninstall() returned after %.2f ms, BridgeDevice "
            + "unregistering after %.2f ms, port-down trap at its VNIC after %.2f ms, its control QP failed after "
            + "%.2f ms%n", (uninstallReturned - unplugged) / 1e6, (serviceGone[0] - unplugged) / 1e6, trapNanos / 1e6,
            qpErrorNanos / 1e6);

        awaitTrue("every stream complete", () -> received(client1, ip.vlan1) == frames
            && received(ip.vlan1, client1) == frames && received(client3, ip.vlan2) == frames,
            () -> client1.rxStreams() + " " + ip.vlan1.rxStreams() + " " + client3.rxStreams() + "; "
                + describeTraffic() + "; server: " + ip.describe());
        for (StreamStats s : List.of(stream(client1, ip.vlan1), stream(ip.vlan1, client1), stream(client3, ip.vlan2))) {
            assertEquals("through B, nothing lost: " + s, 0, s.lost());
            assertEquals("no duplicates: " + s, 0, s.duplicates());
        }
        assertBUntouched(bBefore, sessionB);

        // plug A in again: it logs in and serves again, B still untouched
        deviceA = DeviceBundles.plugIn(context, "bridgeA", "bridgeA", "bridgeA-eth", MAC_A);
        awaitBridge("bridgeA");
        VnicPeer again = logIn("bridgeA", "vnicA");
        assertEquals("bridgeA", again.loginAck().bridgeName());
        awaitTrue("A answers keep-alives again", () -> again.keepaliveAcks.get() > 2, () -> "none");
        assertBUntouched(bBefore, sessionB);
        assertEquals(1, ip.vlan1.ping(CLIENT1, 1, Duration.ofSeconds(2)).received());
    }

    @Test
    public void givenBothBridgesLoggedIn_whenAsBundleIsStoppedStartedAndUpdated_thenOnlyAIsUnpluggedAndPluggedAgain()
        throws Exception {
        ServiceReference<BridgeDevice> bBefore = awaitBridge("bridgeB");
        int sessionB = vnicB.session();
        Object aServiceId = awaitBridge("bridgeA").getProperty(Constants.SERVICE_ID);

        deviceA.stop();
        awaitNoBridge("bridgeA");
        // the service goes first (so the handler lets go), then deactivation closes the HCA
        awaitTrue("A's HCA closed", () -> !fabricControl().status().node("bridgeA").open(), () -> "still open");
        deviceA.start();
        Object afterRestart = awaitBridge("bridgeA").getProperty(Constants.SERVICE_ID);
        assertNotEquals("a new device after the restart", aServiceId, afterRestart);
        logIn("bridgeA", "vnicA");
        assertBUntouched(bBefore, sessionB);

        deviceA.update(new ByteArrayInputStream(
            DeviceBundles.jar("bridgeA", "bridgeA", "bridgeA-eth", "02:00:00:00:0a:02", "1.0.1")));
        awaitTrue("bridge A back with the updated bundle's MAC", () -> {
            ServiceReference<BridgeDevice> r = bridgeReference("bridgeA");
            return r != null && !r.getProperty(Constants.SERVICE_ID).equals(afterRestart)
                && "02:00:00:00:0a:02".equals(r.getProperty("bridge.mac"));
        }, this::describeBridges);
        VnicPeer updated = logIn("bridgeA", "vnicA");
        assertEquals("02:00:00:00:0a:02", BridgeTrafficIT.mac(updated.loginAck().mac()));
        assertBUntouched(bBefore, sessionB);
        assertEquals(1, ip.vlan1.ping(CLIENT1, 1, Duration.ofSeconds(2)).received());
    }

    @Test
    public void theBridgeApiComesFromTheApiBundleSoNoBridgeBundleCanUnwireIt() {
        for (String bsn : new String[] {"org.vnicteam.bridge.core", "org.vnicteam.bridge.hostcmd"}) {
            Bundle b = bundle(bsn);
            assertEquals(bsn + " is active", Bundle.ACTIVE, b.getState());
            var wires = b.adapt(BundleWiring.class).getRequiredWires("osgi.wiring.package");
            assertTrue(bsn + " imports org.vnicteam.api.bridge from org.vnicteam.api", wires.stream().anyMatch(
                w -> "org.vnicteam.api.bridge".equals(w.getCapability().getAttributes().get("osgi.wiring.package"))
                    && w.getProvider().getBundle().getSymbolicName().equals("org.vnicteam.api")));
            assertEquals(bsn + " exports nothing", List.of(),
                b.adapt(BundleWiring.class).getCapabilities("osgi.wiring.package"));
        }
    }

    // ---- helpers --------------------------------------------------------------------------

    /** B's device is the same service, serving the same session, with no QP error or port trap. */
    private void assertBUntouched(ServiceReference<BridgeDevice> before, int session) {
        ServiceReference<BridgeDevice> now = bridgeReference("bridgeB");
        assertEquals("bridge B is the same service", before.getProperty(Constants.SERVICE_ID),
            now == null ? null : now.getProperty(Constants.SERVICE_ID));
        BridgeDevice b = context.getService(now);
        try {
            assertEquals("bridge B serves the same session", session, b.status().channels().get(0).peer().sessionId());
        } finally {
            context.ungetService(now);
        }
        assertEquals("no QP errors at B's VNIC", List.of(), vnicB.events);
        assertTrue("no port trap for bridgeB", vnicB.traps.stream().noneMatch(t -> t.nodeName().equals("bridgeB")));
        long acks = vnicB.keepaliveAcks.get();
        awaitTrue("B keeps answering keep-alives", () -> vnicB.keepaliveAcks.get() > acks, () -> "stuck at " + acks);
    }

    private Bundle bundle(String bsn) {
        for (Bundle b : context.getBundles()) {
            if (bsn.equals(b.getSymbolicName())) {
                return b;
            }
        }
        throw new AssertionError("bundle " + bsn + " is not installed");
    }

    private static long received(SimIpHost receiver, SimIpHost sender) {
        StreamStats s = stream(receiver, sender);
        return s == null ? -1 : s.received();
    }

    private static StreamStats stream(SimIpHost receiver, SimIpHost sender) {
        return receiver.rxStreams().stream().filter(s -> s.source().startsWith(sender.ip().getHostAddress() + ":"))
            .findFirst().orElse(null);
    }
}
