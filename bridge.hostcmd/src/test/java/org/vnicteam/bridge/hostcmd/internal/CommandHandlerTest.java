package org.vnicteam.bridge.hostcmd.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.vnicteam.api.eoib.ControlMessage;
import org.vnicteam.api.eoib.MessageHeader;
import org.vnicteam.api.eoib.MessageType;
import org.vnicteam.api.verbs.AsyncEvent;
import org.vnicteam.api.verbs.Hca;
import org.vnicteam.api.verbs.ServiceRecord;
import org.vnicteam.bridge.core.internal.Bridge;
import org.vnicteam.bridge.core.internal.BridgeSettings;
import org.vnicteam.bridge.core.internal.ProbeSettings;
import org.vnicteam.bridge.hostcmd.peer.VnicPeer;
import org.vnicteam.fabric.sim.SimulatedFabric;

/**
 * The host command handler against a real bridge device on the real simulated fabric, with a test
 * VNIC written from docs/protocol.md: login, keep-alive, addresses, statistics, LINK_STATUS on
 * carrier changes, RESET, expiry, and malformed messages dropped and counted with the session
 * going on.
 */
class CommandHandlerTest {

    static final Duration WAIT = Duration.ofSeconds(10);
    static final long BRIDGE_MAC = 0x02_00_00_00_0A_01L;
    static final byte[] TEAM_MAC = { 2, 0, 0, 0, 0x7E, (byte) 0xA1 };
    static final byte[] PEER_MAC = { 2, 0, 0, 0, 0x0B, 1 };
    /**
     * Keep-alive interval (µs) announced by VNICs that send none: 1 s, so the bridge keeps their
     * sessions for 8 s, longer than any test here.
     */
    static final int QUIET_VNIC = 1_000_000;

    SimulatedFabric fabric;
    CableEnd port;
    Bridge bridge;
    ScheduledExecutorService timers;
    CommandHandler handler;
    Hca server;
    final List<VnicPeer> peers = new ArrayList<>();

    @BeforeEach
    void plugInBridge() throws Exception {
        fabric = SimulatedFabric.createDefault("hostcmd-test");
        timers = Executors.newSingleThreadScheduledExecutor();
        plugIn(ProbeSettings.OFF);
        server = fabric.open("server");
    }

    private void plugIn(ProbeSettings probes) throws Exception {
        port = new CableEnd();
        bridge = new Bridge(new BridgeSettings("bridgeA", "bridgeA", port.name(), 1500, BRIDGE_MAC, 4, 2, 64, 64),
                fabric.open("bridgeA"), port, probes);
        bridge.start();
        handler = new CommandHandler(bridge, HandlerSettings.DEFAULTS, timers);
    }

    @AfterEach
    void unplug() {
        peers.forEach(VnicPeer::close);
        if (handler != null) {
            handler.close(false);
        }
        bridge.close();
        timers.shutdownNow();
        fabric.close();
    }

    private VnicPeer peer(String name, int keepaliveMicros) throws Exception {
        VnicPeer p = new VnicPeer(server, "bridgeA", name, keepaliveMicros);
        peers.add(p);
        return p;
    }

    @Test
    void givenAVnic_whenItLogsIn_thenTheAckCarriesTheBridgeIdentityAndTheSessionAnswersItsRequests()
            throws Exception {
        VnicPeer vnic = peer("vnic0", QUIET_VNIC);
        ControlMessage.LoginAck ack = vnic.login(WAIT);
        assertEquals("bridgeA", ack.bridgeName());
        assertArrayEquals(new byte[] { 2, 0, 0, 0, 0x0A, 1 }, ack.mac());
        assertEquals(1500, ack.ethernetMtu());
        assertTrue(ack.linkUp());
        assertEquals(ControlMessage.LoginAck.CAP_VLAN | ControlMessage.LoginAck.CAP_STATS, ack.capabilities());
        assertEquals(bridge.hca().nodeGuid(), ack.bridgeGuid());
        assertTrue(vnic.session() != 0);
        assertEquals(List.of(vnic.session()), handler.sessionIds());

        assertEquals(ControlMessage.ConfigAck.OK, vnic.configure(TEAM_MAC, List.of(1, 2), WAIT).status());
        assertEquals("02:00:00:00:7e:a1", bridge.status().channels().get(0).teamMac());
        assertEquals(List.of(1, 2), bridge.status().channels().get(0).vlans());

        long t = System.nanoTime();
        vnic.send(new ControlMessage.Keepalive(t));
        await("a KEEPALIVE_ACK", () -> vnic.keepaliveAcks.get() == 1);

        vnic.sendFrame(frame(2, 100));
        assertNotNull(port.wire.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS));
        ControlMessage.StatsReport stats = vnic.stats(WAIT);
        assertEquals(1, stats.txFrames());
        assertEquals(100, stats.txBytes());
        assertEquals(1, stats.lastSequenceOnWire());
        assertEquals(List.of(), vnic.malformedFromBridge);
    }

    @Test
    void givenASession_whenTheCarrierGoesAndComes_thenLinkStatusDownThenUpArriveAtOnceWithTheLastSequenceOnWire()
            throws Exception {
        VnicPeer vnic = peer("vnic0", QUIET_VNIC);
        vnic.login(WAIT);
        vnic.configure(TEAM_MAC, List.of(1, 2), WAIT);
        for (int i = 0; i < 3; i++) {
            vnic.sendFrame(frame(1, 64));
        }
        for (int i = 0; i < 3; i++) {
            assertNotNull(port.wire.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS));
        }

        port.setCarrier(false);
        VnicPeer.Received down = vnic.await(ControlMessage.LinkStatus.class, WAIT);
        ControlMessage.LinkStatus ls = (ControlMessage.LinkStatus) down.message();
        assertFalse(ls.linkUp());
        assertEquals(ControlMessage.LinkStatus.CAUSE_CARRIER, ls.cause());
        assertEquals(3, ls.lastSequenceOnWire());
        assertEquals(1, ls.carrierChanges());
        assertEquals(port.lastChangeNanos, ls.eventNanos(), "the event time is the port's");
        long latency = down.nanoTime() - ls.eventNanos();
        System.out.printf("carrier loss -> LINK_STATUS down at the VNIC (unit, test double port): %.1f us%n",
                latency / 1000.0);
        assertTrue(latency < 50_000_000L, "LINK_STATUS within 50 ms, took " + latency / 1000 + " us");

        port.setCarrier(true);
        ControlMessage.LinkStatus up = (ControlMessage.LinkStatus) vnic.await(ControlMessage.LinkStatus.class, WAIT)
                .message();
        assertTrue(up.linkUp());
        assertEquals(2, up.carrierChanges());
    }

    @Test
    void givenMalformedControlMessagesBetweenGoodOnes_thenEachIsDroppedAndCountedAndTheSessionGoesOn()
            throws Exception {
        VnicPeer vnic = peer("vnic0", QUIET_VNIC);
        vnic.login(WAIT);
        byte[] badVersion = vnic.encode(new ControlMessage.Keepalive(1));
        badVersion[MessageHeader.VERSION_OFFSET] = 9;
        byte[] badLength = vnic.encode(new ControlMessage.Keepalive(2));
        ByteBuffer.wrap(badLength).putShort(MessageHeader.LENGTH_OFFSET, (short) 25);
        byte[] staleSession = new ControlMessage.Keepalive(3).toBytes(vnic.session() ^ 1, 99);
        byte[] reserved = vnic.encode(new ControlMessage.ConfigAddresses(TEAM_MAC, List.of(1)));
        ByteBuffer.wrap(reserved).putShort(MessageHeader.RESERVED_OFFSET, (short) 1);
        byte[] shortBody = vnic.encode(new ControlMessage.Keepalive(4));
        byte[] truncated = java.util.Arrays.copyOf(shortBody, shortBody.length - 1);
        ByteBuffer.wrap(truncated).putShort(MessageHeader.LENGTH_OFFSET, (short) truncated.length);
        byte[] badVlan = vnic.encode(new ControlMessage.ConfigAddresses(TEAM_MAC, List.of(1)));
        ByteBuffer.wrap(badVlan).putShort(MessageHeader.SIZE + 8, (short) 4095);
        byte[] bridgeOnlyType = vnic.encode(new ControlMessage.ConfigAck(0));
        byte[] dataOnControl = vnic.encode(new ControlMessage.Keepalive(5));
        dataOnControl[MessageHeader.TYPE_OFFSET] = (byte) MessageType.DATA.code();

        vnic.send(new ControlMessage.Keepalive(10));
        for (byte[] bad : List.of(badVersion, badLength, staleSession, reserved, truncated, badVlan, bridgeOnlyType,
                dataOnControl)) {
            vnic.sendRawControl(bad);
        }
        vnic.send(new ControlMessage.Keepalive(11));
        assertEquals(ControlMessage.ConfigAck.OK, vnic.configure(TEAM_MAC, List.of(2), WAIT).status());

        await("both good keep-alives answered", () -> vnic.keepaliveAcks.get() == 2);
        assertEquals(8, handler.rejectedMessages());
        ControlMessage.StatsReport stats = vnic.stats(WAIT);
        assertEquals(8, stats.droppedMalformed(), "control rejects are reported with the data rejects");
        assertEquals(List.of(2), bridge.status().channels().get(0).vlans(), "only the good CONFIG_ADDRESSES applied");
        assertEquals(List.of(vnic.session()), handler.sessionIds(), "the session goes on");
    }

    @Test
    void givenMalformedLogins_thenTheBridgeAnswersWithTheRightRejectOrNothingAndStillServesAGoodOne()
            throws Exception {
        VnicPeer vnic = peer("vnic0", QUIET_VNIC);
        ServiceRecord record = awaitRecord(vnic);
        ControlMessage.Login good = new ControlMessage.Login(server.nodeGuid(), 0x20, 0x21, 1, 2, 10_000, 1518, "x");

        byte[] future = good.toBytes(0, 1001);
        future[MessageHeader.VERSION_OFFSET] = 2;
        vnic.sendLogin(record, future);
        assertReject(vnic, 1001, ControlMessage.LoginReject.VERSION);

        byte[] withSession = good.toBytes(77, 1002);
        vnic.sendLogin(record, withSession);
        assertReject(vnic, 1002, ControlMessage.LoginReject.BAD_REQUEST);

        byte[] longName = good.toBytes(0, 1003);
        longName[MessageHeader.SIZE + 30] = 65; // name length above 64
        vnic.sendLogin(record, longName);
        assertReject(vnic, 1003, ControlMessage.LoginReject.BAD_REQUEST);

        vnic.sendLogin(record, new byte[7]); // not even a header: dropped, no answer to give
        vnic.sendLogin(record, new ControlMessage.Keepalive(1).toBytes(0, 1004)); // not a LOGIN: dropped

        assertNotNull(vnic.login(WAIT));
        assertEquals(5, handler.rejectedMessages());
    }

    @Test
    void givenTooManyVlans_thenConfigAckSaysSoAndNothingChanges() throws Exception {
        VnicPeer vnic = peer("vnic0", QUIET_VNIC);
        vnic.login(WAIT);
        assertEquals(ControlMessage.ConfigAck.OK, vnic.configure(TEAM_MAC, List.of(1), WAIT).status());
        assertEquals(ControlMessage.ConfigAck.TOO_MANY_VLANS,
                vnic.configure(TEAM_MAC, List.of(1, 2, 3, 4, 5), WAIT).status());
        assertEquals(List.of(1), bridge.status().channels().get(0).vlans());
    }

    @Test
    void givenASession_whenTheSameVnicLogsInAgain_thenTheOldSessionIsEndedAndItsQueuePairsDestroyed()
            throws Exception {
        VnicPeer first = peer("vnic0", QUIET_VNIC);
        first.login(WAIT);
        int oldSession = first.session();
        int oldDataQp = bridge.status().channels().get(0).queuePairNumber();
        VnicPeer again = peer("vnic0", QUIET_VNIC); // same host GUID and VNIC name, new queue pairs
        again.login(WAIT);
        assertEquals(List.of(again.session()), handler.sessionIds());
        assertTrue(again.session() != oldSession);
        assertEquals(1, bridge.status().channels().size());
        assertTrue(bridge.status().channels().get(0).queuePairNumber() != oldDataQp);
    }

    @Test
    void givenAllChannelsInUse_whenAnotherVnicLogsIn_thenItIsRejectedBusy() throws Exception {
        peer("vnic0", QUIET_VNIC).login(WAIT);
        peer("vnic1", QUIET_VNIC).login(WAIT);
        AssertionError busy = assertThrows(AssertionError.class, () -> peer("vnic2", QUIET_VNIC).login(WAIT));
        assertTrue(busy.getMessage().contains("reason=" + ControlMessage.LoginReject.BUSY), busy.getMessage());
    }

    @Test
    void givenAVnicThatFallsSilent_thenTheBridgeEndsItsSessionAfterTheMissedKeepalives() throws Exception {
        // Announces 25 ms: the bridge ends the session after 8 x 25 ms of silence. Not shorter: in a
        // cold JVM on a busy machine the first LOGIN_ACK alone can take 100 ms to arrive.
        VnicPeer vnic = peer("vnic0", 25_000);
        vnic.login(WAIT);
        vnic.startKeepalives(Duration.ofMillis(5)); // more often than announced: timer jitter is no expiry
        Thread.sleep(300);
        assertEquals(1, handler.sessionIds().size(), "kept alive");
        long silentFrom = System.nanoTime();
        vnic.stopKeepalives();
        await("the session ended", () -> handler.sessionIds().isEmpty());
        long took = System.nanoTime() - silentFrom;
        assertTrue(took >= 190_000_000L, "not before 8 missed intervals, ended after " + took / 1000 + " us");
        await("its data channel closed", () -> bridge.status().channels().isEmpty());
    }

    @Test
    void givenASession_whenTheVnicSendsReset_thenTheSessionEnds() throws Exception {
        VnicPeer vnic = peer("vnic0", QUIET_VNIC);
        vnic.login(WAIT);
        vnic.send(new ControlMessage.Reset(ControlMessage.Reset.SHUTDOWN));
        await("the session ended", () -> handler.sessionIds().isEmpty());
        await("its data channel closed", () -> bridge.status().channels().isEmpty());
    }

    @Test
    void givenASession_whenTheHandlerShutsDownGracefully_thenTheVnicGetsResetShutdown() throws Exception {
        VnicPeer vnic = peer("vnic0", QUIET_VNIC);
        vnic.login(WAIT);
        handler.close(true);
        ControlMessage.Reset reset = (ControlMessage.Reset) vnic.await(ControlMessage.Reset.class, WAIT).message();
        assertEquals(ControlMessage.Reset.SHUTDOWN, reset.reason());
        assertTrue(vnic.findBridge().isEmpty(), "the login service is gone");
        handler = null;
    }

    @Test
    void givenASession_whenTheBridgeIsUnplugged_thenTheVnicHearsNothingButSeesThePortGoAndItsQueuePairsFail()
            throws Exception {
        VnicPeer vnic = peer("vnic0", QUIET_VNIC);
        vnic.login(WAIT);
        vnic.startKeepalives(Duration.ofMillis(2));
        handler.close(false);
        handler = null;
        bridge.close();
        await("a trap: bridgeA's port is down", () -> vnic.traps.stream()
                .anyMatch(t -> t.nodeName().equals("bridgeA") && t.state() == org.vnicteam.api.verbs.PortState.DOWN));
        await("the control QP failed", () -> vnic.events.stream()
                .anyMatch(e -> e.type() == AsyncEvent.Type.QP_ERROR && e.qpNumber() == vnic.controlQp().number()));
        assertNull(vnic.control.poll(), "no RESET or LINK_STATUS: an unplug says nothing");
        assertTrue(vnic.findBridge().isEmpty());
    }

    @Test
    void givenAProbingBridge_whenItsPeerFallsSilent_thenLinkStatusDownWithCauseProbesLost_andUpWhenFramesAreHeardAgain()
            throws Exception {
        handler.close(false);
        bridge.close();
        plugIn(new ProbeSettings(2_000_000L, 4));
        VnicPeer vnic = peer("vnic0", QUIET_VNIC);
        ControlMessage.LoginAck ack = vnic.login(WAIT);
        assertEquals(ControlMessage.LoginAck.CAP_PROBES, ack.capabilities() & ControlMessage.LoginAck.CAP_PROBES);
        vnic.configure(TEAM_MAC, List.of(1, 2), WAIT);

        // the bridge probes both VLANs from its own MAC
        byte[] sent = awaitProbe(2);
        ByteBuffer p = ByteBuffer.wrap(sent);
        assertEquals(60, sent.length);
        assertArrayEquals(new byte[] { 2, 0, 0, 0, 0x0A, 1 }, java.util.Arrays.copyOfRange(sent, 6, 12));
        assertEquals(0xE002, p.getShort(14) & 0xFFFF, "PCP 7, VLAN 2");
        assertEquals(0x564E5042, p.getInt(18));
        assertArrayEquals(TEAM_MAC, java.util.Arrays.copyOfRange(sent, 26, 32));

        // a peer of the team is heard on both VLANs: armed; its probes never reach the host
        for (int i = 0; i < 5; i++) {
            port.inject(peerProbe(1, i));
            port.inject(peerProbe(2, i));
            Thread.sleep(1);
        }
        long lastHeard = System.nanoTime();
        await("both VLANs armed", () -> bridge.status().probes().watches().stream().allMatch(w -> w.armed()));

        VnicPeer.Received down = vnic.await(ControlMessage.LinkStatus.class, WAIT);
        ControlMessage.LinkStatus lost = (ControlMessage.LinkStatus) down.message();
        assertFalse(lost.linkUp());
        assertEquals(ControlMessage.LinkStatus.CAUSE_PROBES_LOST, lost.cause());
        long took = down.nanoTime() - lastHeard;
        System.out.printf("peer silent -> LINK_STATUS down, cause probes lost, at the VNIC after %.1f ms "
                + "(window 4 x 2 ms)%n", took / 1e6);
        assertTrue(took >= 7_000_000L, "not before a whole window after the last frame: " + took / 1000 + " us");
        assertFalse(vnic.frames.stream().anyMatch(f -> f.length >= 16 && (f[0] & 0xFF) == 0x03),
                "no probe was passed up to the host");

        // any frame on both VLANs (a client's broadcast) brings the path back
        port.inject(clientBroadcast(1));
        port.inject(clientBroadcast(2));
        ControlMessage.LinkStatus back = (ControlMessage.LinkStatus) vnic.await(ControlMessage.LinkStatus.class, WAIT)
                .message();
        assertTrue(back.linkUp());
        assertEquals(ControlMessage.LinkStatus.CAUSE_PROBES_LOST, back.cause());

        // the carrier wins: nothing about the path while it is down; a window after it is back, lost again
        port.setCarrier(false);
        ControlMessage.LinkStatus carrierDown = (ControlMessage.LinkStatus) vnic
                .await(ControlMessage.LinkStatus.class, WAIT).message();
        assertEquals(ControlMessage.LinkStatus.CAUSE_CARRIER, carrierDown.cause());
        Thread.sleep(30);
        assertNull(vnic.control.poll(), "no path report while the carrier is down");
        port.setCarrier(true);
        ControlMessage.LinkStatus carrierUp = (ControlMessage.LinkStatus) vnic
                .await(ControlMessage.LinkStatus.class, WAIT).message();
        assertTrue(carrierUp.linkUp());
        assertEquals(ControlMessage.LinkStatus.CAUSE_CARRIER, carrierUp.cause());
        ControlMessage.LinkStatus again = (ControlMessage.LinkStatus) vnic
                .await(ControlMessage.LinkStatus.class, WAIT).message();
        assertFalse(again.linkUp());
        assertEquals(ControlMessage.LinkStatus.CAUSE_PROBES_LOST, again.cause());
        assertEquals(2, bridge.status().probes().watches().stream().mapToLong(w -> w.lostEvents()).max().orElse(0),
                "the silent VLANs were lost twice: " + bridge.status().probes());
    }

    // ---- helpers --------------------------------------------------------------------------

    /** A probe frame bridge B of the team sends, written from docs/protocol.md. */
    private static byte[] peerProbe(int vlan, int sequence) {
        byte[] f = new byte[60];
        ByteBuffer b = ByteBuffer.wrap(f);
        b.put(0, new byte[] { 3, 0x76, 0x6e, 0x70, 0x72, 0x62 }).put(6, PEER_MAC);
        b.putShort(12, (short) 0x8100).putShort(14, (short) (0xE000 | vlan)).putShort(16, (short) 0x88B5);
        b.putInt(18, 0x564E5042).put(22, (byte) 1).put(23, (byte) 0).putShort(24, (short) vlan);
        b.put(26, TEAM_MAC).put(32, PEER_MAC).putInt(38, sequence).putInt(42, 2000);
        return f;
    }

    private static byte[] clientBroadcast(int vlan) {
        byte[] f = frame(vlan, 64);
        ByteBuffer.wrap(f).put(0, new byte[] { -1, -1, -1, -1, -1, -1 }).put(6, new byte[] { 2, 0, (byte) 0xC6, 0x12, 1, 0x0B });
        return f;
    }

    /** Waits for a probe of the bridge on {@code vlan} on the wire and returns it. */
    private byte[] awaitProbe(int vlan) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            byte[] f = port.wire.poll(10, TimeUnit.MILLISECONDS);
            if (f != null && (f[0] & 0xFF) == 0x03 && (ByteBuffer.wrap(f).getShort(14) & 0xFFF) == vlan) {
                return f;
            }
        }
        throw new AssertionError("no probe on VLAN " + vlan);
    }

    private static byte[] frame(int vlan, int length) {
        byte[] f = new byte[length];
        ByteBuffer b = ByteBuffer.wrap(f);
        b.put(0, new byte[] { 2, 0, (byte) 0xC6, 0x12, 1, 0x0B });
        b.put(6, TEAM_MAC);
        b.putShort(12, (short) 0x8100).putShort(14, (short) vlan).putShort(16, (short) 0x0800);
        return f;
    }

    private static ServiceRecord awaitRecord(VnicPeer vnic) throws InterruptedException {
        await("the bridge's service record", () -> vnic.findBridge().isPresent());
        return vnic.findBridge().get();
    }

    private static void assertReject(VnicPeer vnic, int nonce, int reason) throws InterruptedException {
        VnicPeer.Received r = vnic.awaitMatching(x -> x.header().sequence() == nonce, WAIT, "an answer to " + nonce);
        ControlMessage.LoginReject rej = (ControlMessage.LoginReject) r.message();
        assertEquals(reason, rej.reason(), rej.text());
        assertEquals(0, r.header().session());
    }

    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + WAIT.toMillis() + " ms waiting for " + what);
            }
            Thread.sleep(1);
        }
    }
}
