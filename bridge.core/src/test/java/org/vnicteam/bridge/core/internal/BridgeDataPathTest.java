package org.vnicteam.bridge.core.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.vnicteam.bridge.core.internal.TestFrames.BROADCAST;
import static org.vnicteam.bridge.core.internal.TestFrames.CLIENT_MAC;
import static org.vnicteam.bridge.core.internal.TestFrames.MULTICAST;
import static org.vnicteam.bridge.core.internal.TestFrames.TEAM_MAC;
import static org.vnicteam.bridge.core.internal.TestFrames.data;
import static org.vnicteam.bridge.core.internal.TestFrames.frame;
import static org.vnicteam.bridge.core.internal.TestFrames.marker;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.vnicteam.api.bridge.BridgeCounters;
import org.vnicteam.api.bridge.BridgeStatus;
import org.vnicteam.api.bridge.DataChannel;
import org.vnicteam.api.eoib.MessageHeader;
import org.vnicteam.api.eoib.MessageType;
import org.vnicteam.api.eoib.ProtocolException.Cause;
import org.vnicteam.fabric.sim.SimulatedFabric;

/**
 * The bridge's DATA path on the real simulated fabric, with a test double for the far end of its
 * Ethernet cable: team MAC and VLAN filtering, oversize drops, sequence tracking, malformed
 * messages dropped and counted with the good traffic around them unharmed.
 */
class BridgeDataPathTest {

    static final int SESSION = 0x5E55_1001;
    static final long WAIT_MS = 10_000;
    static final long QUIET_MS = 200;

    SimulatedFabric fabric;
    LoopbackEthernetPort port;
    Bridge bridge;
    HostPeer host;
    DataChannel channel;

    @BeforeEach
    void plugInBridgeAndConnectHost() throws Exception {
        fabric = SimulatedFabric.createDefault("bridge-test");
        port = new LoopbackEthernetPort("bridgeA-eth", 1518);
        bridge = new Bridge(BridgeSettings.of("bridgeA", "bridgeA", port.name(), 1500), fabric.open("bridgeA"), port);
        bridge.start();
        host = new HostPeer(fabric, "server");
        channel = host.openSession(bridge, SESSION, 1518);
    }

    @AfterEach
    void unplug() {
        if (bridge != null) {
            bridge.close();
        }
        if (host != null) {
            host.close();
        }
        fabric.close();
    }

    // ---- host → Ethernet ----------------------------------------------------------------

    @Test
    void givenProgrammedTeamMac_whenTheHostSendsTaggedFrames_thenTheyLeaveWithTheTeamMacAndTheTagUntouched()
            throws Exception {
        assertTrue(channel.configureAddresses(Frames.macBytes(TEAM_MAC), List.of(1, 2)));
        byte[] sent = frame(CLIENT_MAC, 0x0A_0B_0C_0D_0E_0FL, 2, 100, 7);
        host.send(data(SESSION, 1, sent));

        byte[] onWire = take();
        assertEquals(sent.length, onWire.length);
        assertEquals(TEAM_MAC, Frames.mac(ByteBuffer.wrap(onWire), 6), "source replaced by the team MAC");
        byte[] expected = sent.clone();
        ByteBuffer.wrap(expected).put(6, Frames.macBytes(TEAM_MAC));
        assertArrayEquals(expected, onWire, "everything else, 802.1Q tag (PCP and VID) included, untouched");
        assertEquals(1, channel.lastSequenceOnWire());
        // counted just after the frame left, on the fabric's thread
        await("the frame counted", () -> channel.status().counters().txFrames() == 1);
        assertEquals(100, channel.status().counters().txBytes());
    }

    @Test
    void givenAStartedBridge_whenTheHostProgramsTheTeamMac_andTheSessionEnds_thenThePortIsToldEachTime() {
        long own = Frames.macValue(bridge.macAddress());
        assertEquals(List.of(own), port.addresses, "from start: the bridge's own MAC");
        assertTrue(channel.configureAddresses(Frames.macBytes(TEAM_MAC), List.of(1)));
        assertEquals(Stream.of(own, TEAM_MAC).sorted().toList(), port.addresses);
        channel.close();
        assertEquals(List.of(own), port.addresses, "the team MAC goes with its last session");
    }

    @Test
    void givenNoAddressesYet_whenTheHostSends_thenFramesLeaveWithTheBridgeMac() throws Exception {
        host.send(data(SESSION, 1, frame(CLIENT_MAC, TEAM_MAC, 0, 60, 1)));
        assertArrayEquals(bridge.macAddress(), java.util.Arrays.copyOfRange(take(), 6, 12));
    }

    @Test
    void givenMtu1500_whenTheHostSendsFramesAroundTheLimit_thenOnlyTheOversizedAreDroppedAndCounted()
            throws Exception {
        channel.configureAddresses(Frames.macBytes(TEAM_MAC), List.of(0, 1));
        int seq = 0;
        host.send(data(SESSION, ++seq, frame(CLIENT_MAC, TEAM_MAC, 0, 1514, 1))); // largest untagged
        host.send(data(SESSION, ++seq, frame(CLIENT_MAC, TEAM_MAC, 0, 1515, 2))); // one byte too many
        host.send(data(SESSION, ++seq, frame(CLIENT_MAC, TEAM_MAC, 1, 1518, 3))); // largest tagged
        host.send(data(SESSION, ++seq, frame(CLIENT_MAC, TEAM_MAC, 1, 1519, 4))); // one byte too many
        host.send(data(SESSION, ++seq, frame(CLIENT_MAC, TEAM_MAC, 0, 9000, 5))); // jumbo on a 1500 bridge
        host.send(data(SESSION, ++seq, frame(CLIENT_MAC, TEAM_MAC, 1, 64, 6)));

        assertEquals(List.of(1, 3, 6), markers(takeAll(3)));
        assertNothingMoreOnTheWire();
        BridgeCounters c = channel.status().counters();
        assertEquals(3, c.droppedOversize());
        assertEquals(3, c.txFrames());
        assertEquals(6, channel.lastSequenceOnWire(), "the last frame put on the wire was number 6");
    }

    @Test
    void givenFramesOnTheWire_whenTheCarrierIsLost_thenLastSequenceOnWireStaysAtTheLastFrameThatLeft()
            throws Exception {
        channel.configureAddresses(Frames.macBytes(TEAM_MAC), List.of(1));
        for (int seq = 1; seq <= 5; seq++) {
            host.send(data(SESSION, seq, frame(CLIENT_MAC, TEAM_MAC, 1, 80, seq)));
        }
        assertEquals(List.of(1, 2, 3, 4, 5), markers(takeAll(5)));
        assertEquals(5, channel.lastSequenceOnWire());

        port.setCarrier(false);
        for (int seq = 6; seq <= 8; seq++) {
            host.send(data(SESSION, seq, frame(CLIENT_MAC, TEAM_MAC, 1, 80, seq)));
        }
        await("3 frames dropped for no carrier", () -> channel.status().counters().droppedNoCarrier() == 3);
        assertEquals(5, channel.lastSequenceOnWire(), "frames 6..8 never reached the wire");

        port.setCarrier(true);
        host.send(data(SESSION, 9, frame(CLIENT_MAC, TEAM_MAC, 1, 80, 9)));
        assertEquals(9, marker(take()));
        assertEquals(9, channel.lastSequenceOnWire());
        assertEquals(2, bridge.status().counters().carrierChanges());
    }

    @Test
    void givenFramesOnTheWire_whenThePortReportsUnsentFrames_thenLastSequenceOnWireStepsBackOverThem()
            throws Exception {
        channel.configureAddresses(Frames.macBytes(TEAM_MAC), List.of(1));
        for (int seq = 1; seq <= 10; seq++) {
            int length = seq == 5 ? 1519 : 80; // number 5 is too long: dropped by the bridge, never on the wire
            host.send(data(SESSION, seq, frame(CLIENT_MAC, TEAM_MAC, 1, length, seq)));
        }
        assertEquals(List.of(1, 2, 3, 4, 6, 7, 8, 9, 10), markers(takeAll(9)));
        port.unsent = 3;
        assertEquals(7, channel.lastSequenceOnWire(), "10, 9 and 8 may never have left, though the port has carrier");

        port.setCarrier(false);
        assertEquals(7, channel.lastSequenceOnWire());
        port.unsent = 6;
        assertEquals(3, channel.lastSequenceOnWire(), "steps back by frames on the wire, not by numbers: 10..6, 4");
        port.unsent = 9;
        assertEquals(0, channel.lastSequenceOnWire(), "every frame may be lost: none confirmed");
        port.unsent = Integer.MAX_VALUE;
        assertEquals(0, channel.lastSequenceOnWire(), "a port that cannot tell");
        port.unsent = 0;
        assertEquals(10, channel.lastSequenceOnWire(), "nothing unsent: exact");
    }

    @Test
    void givenMoreFramesThanTheChannelKeeps_whenTheUnsentCountReachesBeyondThem_thenItStepsBackByNumbers()
            throws Exception {
        channel.configureAddresses(Frames.macBytes(TEAM_MAC), List.of(1));
        int last = HostDataChannel.RECENT_ON_WIRE + 44;
        for (int seq = 1; seq <= last; seq++) {
            host.send(data(SESSION, seq, frame(CLIENT_MAC, TEAM_MAC, 1, 64, seq)));
            assertEquals(seq, marker(take()));
        }
        port.setCarrier(false);
        for (int unsent : new int[] { 1, HostDataChannel.RECENT_ON_WIRE - 1, HostDataChannel.RECENT_ON_WIRE,
                HostDataChannel.RECENT_ON_WIRE + 40, last }) {
            port.unsent = unsent;
            assertEquals(last - unsent, channel.lastSequenceOnWire(), unsent + " unsent");
        }
        port.unsent = last + 1;
        assertEquals(0, channel.lastSequenceOnWire(), "never below nothing");
    }

    @Test
    void givenMalformedDataMessagesBetweenGoodOnes_thenEachIsDroppedAndCountedByCauseAndTheGoodOnesLeaveInOrder()
            throws Exception {
        channel.configureAddresses(Frames.macBytes(TEAM_MAC), List.of(1));
        List<byte[]> stream = new ArrayList<>();
        int seq = 0;
        stream.add(data(SESSION, ++seq, frame(CLIENT_MAC, TEAM_MAC, 1, 64, 100)));
        byte[] badVersion = data(SESSION, ++seq, frame(CLIENT_MAC, TEAM_MAC, 1, 64, -1));
        badVersion[MessageHeader.VERSION_OFFSET] = 2;
        stream.add(badVersion);
        stream.add(data(SESSION, ++seq, frame(CLIENT_MAC, TEAM_MAC, 1, 64, 101)));
        byte[] badLength = data(SESSION, ++seq, frame(CLIENT_MAC, TEAM_MAC, 1, 64, -2));
        ByteBuffer.wrap(badLength).putShort(MessageHeader.LENGTH_OFFSET, (short) 200);
        stream.add(badLength);
        stream.add(data(SESSION + 1, ++seq, frame(CLIENT_MAC, TEAM_MAC, 1, 64, -3))); // stale session
        byte[] flags = data(SESSION, ++seq, frame(CLIENT_MAC, TEAM_MAC, 1, 64, -4));
        ByteBuffer.wrap(flags).putShort(MessageHeader.FLAGS_OFFSET, (short) 1);
        stream.add(flags);
        stream.add(data(SESSION, ++seq, new byte[10])); // a frame shorter than an Ethernet header
        stream.add(new byte[9]); // shorter than a header
        byte[] unknownType = data(SESSION, ++seq, frame(CLIENT_MAC, TEAM_MAC, 1, 64, -5));
        unknownType[MessageHeader.TYPE_OFFSET] = (byte) 0x7F;
        stream.add(unknownType);
        byte[] controlOnData = data(SESSION, ++seq, frame(CLIENT_MAC, TEAM_MAC, 1, 64, -6));
        controlOnData[MessageHeader.TYPE_OFFSET] = (byte) MessageType.KEEPALIVE.code();
        stream.add(controlOnData);
        stream.add(data(SESSION, ++seq, frame(CLIENT_MAC, TEAM_MAC, 1, 64, 102)));
        for (byte[] m : stream) {
            host.send(m);
        }

        assertEquals(List.of(100, 101, 102), markers(takeAll(3)));
        assertNothingMoreOnTheWire();
        Map<Cause, Long> rejects = channel.status().rejects();
        assertEquals(Map.of(Cause.BAD_VERSION, 1L, Cause.BAD_LENGTH, 1L, Cause.WRONG_SESSION, 1L,
                Cause.RESERVED_NOT_ZERO, 1L, Cause.TRUNCATED, 2L, Cause.UNKNOWN_TYPE, 1L, Cause.UNEXPECTED_TYPE, 1L),
                rejects);
        assertEquals(8, channel.status().counters().droppedMalformed());
        assertEquals(seq, channel.lastSequenceOnWire());
        assertTrue(channel.isOpen(), "the session goes on");
    }

    // ---- Ethernet → host ----------------------------------------------------------------

    @Test
    void givenTeamMacAndVlans1And2_whenFramesArriveFromEthernet_thenOnlyThoseForTheTeamOnThoseVlansReachTheHost()
            throws Exception {
        channel.configureAddresses(Frames.macBytes(TEAM_MAC), List.of(1, 2));
        port.inject(frame(TEAM_MAC, CLIENT_MAC, 1, 64, 1)); // for the team on VLAN 1
        port.inject(frame(TEAM_MAC, CLIENT_MAC, 3, 64, -1)); // VLAN 3 is not programmed
        port.inject(frame(TEAM_MAC, CLIENT_MAC, 0, 64, -2)); // untagged: VLAN 0 is not programmed
        port.inject(frame(0x02_00_00_00_00_99L, CLIENT_MAC, 1, 64, -3)); // another MAC
        port.inject(frame(BROADCAST, CLIENT_MAC, 2, 64, 2)); // broadcast on VLAN 2
        port.inject(frame(MULTICAST, CLIENT_MAC, 1, 64, 3)); // multicast on VLAN 1
        port.inject(frame(BROADCAST, CLIENT_MAC, 4, 64, -4)); // broadcast on another VLAN
        port.inject(frame(BROADCAST, TEAM_MAC, 1, 64, -5)); // the team's own broadcast, flooded back
        port.inject(frame(TEAM_MAC, CLIENT_MAC, 2, 1518, 4)); // largest tagged frame

        List<byte[]> got = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            got.add(takeFromBridge());
        }
        assertNull(host.take(QUIET_MS), "nothing else reaches the host");
        int expectedSequence = 0;
        List<Integer> markers = new ArrayList<>();
        for (byte[] m : got) {
            ByteBuffer b = ByteBuffer.wrap(m);
            assertEquals(MessageType.DATA, MessageHeader.type(b, 0));
            assertEquals(SESSION, MessageHeader.session(b, 0));
            assertEquals(++expectedSequence, MessageHeader.sequence(b, 0), "frames to the host numbered from 1");
            markers.add(marker(java.util.Arrays.copyOfRange(m, 16, m.length)));
        }
        assertEquals(List.of(1, 2, 3, 4), markers);
        BridgeStatus s = bridge.status();
        assertEquals(4, s.counters().rxFrames());
        assertEquals(5, s.counters().droppedFiltered(), "frames no channel took are counted by the device");
        assertEquals(4, s.channels().get(0).lastSequenceToHost());
    }

    @Test
    void givenVlanZeroProgrammed_whenUntaggedFramesArrive_thenTheyReachTheHost() throws Exception {
        channel.configureAddresses(Frames.macBytes(TEAM_MAC), List.of(0));
        port.inject(frame(TEAM_MAC, CLIENT_MAC, 0, 60, 11));
        assertEquals(11, marker(java.util.Arrays.copyOfRange(takeFromBridge(), 16, 76)));
    }

    @Test
    void givenNoAddressesProgrammed_thenNothingFromEthernetReachesTheHost() throws Exception {
        port.inject(frame(BROADCAST, CLIENT_MAC, 0, 60, -1));
        assertNull(host.take(QUIET_MS));
        assertEquals(1, bridge.status().counters().droppedFiltered());
    }

    @Test
    void givenTheHostAcceptsSmallFramesOnly_whenALargerOneArrives_thenItIsDroppedAsOversize() throws Exception {
        DataChannel small = bridge.openDataChannel(new DataChannel.Peer(SESSION + 7, host.lid(), host.qp.number(),
                HostPeer.START_PSN, 100));
        try {
            small.configureAddresses(Frames.macBytes(0x02_00_00_00_00_77L), List.of(1));
            port.inject(frame(0x02_00_00_00_00_77L, CLIENT_MAC, 1, 101, -1));
            await("oversize counted", () -> small.status().counters().droppedOversize() == 1);
            assertEquals(0, small.status().counters().rxFrames());
        } finally {
            small.close();
        }
    }

    @Test
    void givenTooManyVlans_thenConfigureAddressesRefusesAndKeepsWhatWasProgrammed() {
        assertTrue(channel.configureAddresses(Frames.macBytes(TEAM_MAC), List.of(1)));
        List<Integer> many = new ArrayList<>();
        for (int v = 1; v <= 65; v++) {
            many.add(v);
        }
        assertFalse(channel.configureAddresses(Frames.macBytes(TEAM_MAC), many));
        assertEquals(List.of(1), channel.status().vlans());
        assertEquals(Frames.formatMac(TEAM_MAC), channel.status().teamMac());
    }

    // ---- device ---------------------------------------------------------------------------

    @Test
    void givenListeners_whenTheCarrierChanges_thenTheyAreToldOnTheSameThreadWithTheCount() {
        List<String> heard = new ArrayList<>();
        Thread caller = Thread.currentThread();
        bridge.addLinkListener((device, carrier, changes, nanos) -> heard.add(carrier + "/" + changes + "/"
                + (Thread.currentThread() == caller) + "/" + (device == bridge)));
        port.setCarrier(false);
        port.setCarrier(true);
        assertEquals(List.of("false/1/true/true", "true/2/true/true"), heard);
        assertTrue(bridge.status().carrier(), "carrier is back");
    }

    @Test
    void givenAClosedChannel_thenItsCountersStayInTheDeviceTotalsAndItsQueuePairIsGone() throws Exception {
        channel.configureAddresses(Frames.macBytes(TEAM_MAC), List.of(1));
        host.send(data(SESSION, 1, frame(CLIENT_MAC, TEAM_MAC, 1, 80, 1)));
        take();
        channel.close();
        assertFalse(channel.isOpen());
        BridgeStatus s = bridge.status();
        assertEquals(List.of(), s.channels());
        assertEquals(1, s.counters().txFrames());
        assertEquals(80, s.counters().txBytes());
    }

    @Test
    void whenTheBridgeIsClosed_thenItsHcaIsUnpluggedAndItLetsGoOfThePort() {
        assertTrue(fabric.status().node("bridgeA").open());
        bridge.close();
        assertFalse(fabric.status().node("bridgeA").open(), "the fabric sees the bridge unplugged");
        assertNull(port.receiver());
        assertEquals(0, port.carrierListenerCount());
        bridge = null;
    }

    // ---- helpers ------------------------------------------------------------------------

    private byte[] take() throws InterruptedException {
        byte[] f = port.take(WAIT_MS);
        assertNotNull(f, "a frame on the wire within " + WAIT_MS + " ms");
        return f;
    }

    private List<byte[]> takeAll(int n) throws InterruptedException {
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(take());
        }
        return out;
    }

    private byte[] takeFromBridge() throws InterruptedException {
        byte[] m = host.take(WAIT_MS);
        assertNotNull(m, "a DATA message at the host within " + WAIT_MS + " ms");
        return m;
    }

    private void assertNothingMoreOnTheWire() throws InterruptedException {
        byte[] extra = port.take(QUIET_MS);
        assertNull(extra, () -> "unexpected frame on the wire, marker " + marker(extra));
    }

    private static List<Integer> markers(List<byte[]> frames) {
        return frames.stream().map(TestFrames::marker).toList();
    }

    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT_MS * 1_000_000;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + WAIT_MS + " ms waiting for " + what);
            }
            Thread.sleep(2);
        }
    }
}
