package org.vnicteam.bridge.core.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.vnicteam.bridge.core.internal.BridgeDataPathTest.await;
import static org.vnicteam.bridge.core.internal.TestFrames.CLIENT_MAC;
import static org.vnicteam.bridge.core.internal.TestFrames.TEAM_MAC;
import static org.vnicteam.bridge.core.internal.TestFrames.data;
import static org.vnicteam.bridge.core.internal.TestFrames.frame;
import static org.vnicteam.bridge.core.internal.TestFrames.marker;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.vnicteam.api.bridge.DataChannel;
import org.vnicteam.api.eoib.DataMessage;
import org.vnicteam.fabric.sim.SimulatedFabric;
import org.vnicteam.lib.linux.TestNamespace;

/**
 * A bridge on a real veth: the host programs its team MAC over the simulated fabric, the bridge
 * tells the port, the kernel filters on it, and frames cross the veth both ways. IPv6 is off in
 * the test namespace, so every frame on the veth is the test's own. Needs root, iproute2, libpcap.
 */
class BridgeOnVethTest {

    static final int SESSION = 0x5E55_2002;
    static final long WAIT_MS = 3000;
    static final long OTHER_MAC = 0x02_00_00_00_99_99L;

    TestNamespace ns;
    PcapEthernetPort port;
    PeerWire peer;
    SimulatedFabric fabric;
    Bridge bridge;
    HostPeer host;
    DataChannel channel;

    @BeforeEach
    void plugABridgeIntoAVeth() throws Exception {
        ns = TestNamespace.create("vt-bv-");
        ns.disableIpv6();
        ns.addVethPair("bv-port", "bv-peer");
        port = PcapEthernetPort.open(PcapPortSettings.of("bridgeA-eth", "bv-port", ns.name()));
        peer = PeerWire.open(ns.netns(), "bv-peer");
        fabric = SimulatedFabric.createDefault("bridge-veth-test");
        bridge = new Bridge(BridgeSettings.of("bridgeA", "bridgeA", port.name(), 1500), fabric.open("bridgeA"), port);
        bridge.start();
        host = new HostPeer(fabric, "server");
        channel = host.openSession(bridge, SESSION, 1518);
    }

    @AfterEach
    void unplug() throws Exception {
        Cleanup.closeAll(bridge, host, fabric, port, peer, ns);
    }

    @Test
    void givenTheHostProgramsItsTeamMac_thenTheKernelFiltersOnIt_andFramesCrossTheVethBothWays() throws Exception {
        String bridgeMac = Frames.formatMac(Frames.macValue(bridge.macAddress()));
        await("filter on the bridge's own MAC from its start", () -> port.installedFilter() != null
                && port.installedFilter().contains("ether dst " + bridgeMac));
        assertTrue(channel.configureAddresses(Frames.macBytes(TEAM_MAC), List.of(1)));
        String team = Frames.formatMac(TEAM_MAC);
        await("filter on the team MAC", () -> port.installedFilter().contains("ether dst " + team)
                && port.installedFilter().contains("ether src " + team));

        long rxBefore = port.counters().rxFrames();
        peer.send(frame(OTHER_MAC, CLIENT_MAC, 1, 80, 1)); // another host's unicast: the kernel drops it
        peer.send(frame(TEAM_MAC, CLIENT_MAC, 1, 80, 2)); // to the team: to the host
        byte[] m = host.take(WAIT_MS);
        assertNotNull(m, "the frame to the team MAC reached the host");
        byte[] f = Arrays.copyOfRange(m, DataMessage.frameOffset(0), m.length);
        assertArrayEquals(frame(TEAM_MAC, CLIENT_MAC, 1, 80, 2), f, "byte-exact, tag included");
        assertNull(host.take(200), "nothing else reached the host");
        assertEquals(rxBefore + 1, port.counters().rxFrames(), "the other unicast never left the kernel");

        host.send(data(SESSION, 1, frame(CLIENT_MAC, 0x0A_0B_0C_0D_0E_0FL, 1, 100, 3)));
        byte[] out = peer.takeFrom(TEAM_MAC, WAIT_MS);
        assertNotNull(out, "the host's frame on the veth, from the team MAC");
        assertEquals(3, marker(out));
        assertEquals(1, Frames.vlan(ByteBuffer.wrap(out), 0, out.length));
    }

    @Test
    void givenThePeerGoesDown_thenTheBridgeLosesCarrier_andRegainsItWhenThePeerReturns() throws Exception {
        assertTrue(bridge.carrier());
        ns.ip("link", "set", "bv-peer", "down");
        await("bridge without carrier", () -> !bridge.carrier());
        ns.ip("link", "set", "bv-peer", "up");
        await("bridge with carrier", bridge::carrier);
        assertEquals(2, bridge.carrierChanges());
        assertFalse(port.counters().carrierChanges() < 2);
    }
}
