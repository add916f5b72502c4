package org.vnicteam.fabric.sim.ethernet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.pcap4j.packet.ArpPacket;
import org.pcap4j.packet.EthernetPacket;
import org.pcap4j.packet.IcmpV4EchoReplyPacket;
import org.pcap4j.packet.UdpPacket;
import org.pcap4j.packet.namednumber.ArpOperation;
import org.pcap4j.packet.namednumber.EtherType;
import org.pcap4j.util.MacAddress;

/** A pair of hosts on a cable with a virtual clock: ARP, ICMP echo, UDP echo, streams, drops. */
class SimIpHostTest {

    private static final long MS = 1_000_000L;

    ManualLoop loop;
    Wire wire;
    SimIpHost a;
    SimIpHost b;

    @BeforeEach
    void setUp() {
        loop = new ManualLoop();
        wire = new Wire(loop, 100_000); // 100 us each way
        a = new SimIpHost("a", null, "198.18.1.1/24", 0, wire.toB, loop);
        b = new SimIpHost("b", null, "198.18.1.11/24", 0, wire.toA, loop);
        wire.connect(a, b);
    }

    @Test
    void givenAnAddress_thenTheDefaultMacIs0200FollowedByIt() {
        assertEquals("02:00:c6:12:01:0b", b.macString());
        assertEquals("198.18.1.11", b.ip().getHostAddress());
        assertEquals(24, b.prefixLength());
    }

    @Test
    void givenNoArpEntry_whenAPings_thenItResolvesFirst_andBothLearnEachOther() {
        CompletableFuture<PingResult> f = a.pingAsync(b.ip(), 1, Duration.ofSeconds(1));
        loop.advanceMillis(10);
        PingResult r = f.join();
        assertEquals(1, r.received());
        // the first frame on the wire is a broadcast ARP request for b, untagged
        byte[] first = wire.toB.sent.get(0);
        ArpPacket req = Frames.arp(first);
        assertEquals(ArpOperation.REQUEST, req.getHeader().getOperation());
        assertEquals(Frames.BROADCAST, Frames.parse(first).getHeader().getDstAddr());
        assertEquals(-1, Frames.vid(first));
        assertEquals(b.macString(), a.arpLookup(b.ip()));
        assertEquals(a.macString(), b.arpLookup(a.ip()), "RFC 826: the target learns the requester");
        assertEquals(1, b.counters().arpRequestsAnswered());
        assertEquals(1, a.counters().arpRepliesReceived());
        assertEquals(60, first.length, "frames are padded to the 60-byte minimum");
    }

    @Test
    void whenAPingsThreeTimes_thenEveryEchoIsAnswered_withTheWireRoundTrip() {
        CompletableFuture<PingResult> f = a.pingAsync(b.ip(), 3, Duration.ofMillis(500));
        loop.advanceMillis(50);
        PingResult r = f.join();
        assertEquals(3, r.sent());
        assertEquals(3, r.received());
        assertEquals(0, r.lost());
        // first includes ARP (2 more wire crossings); then exactly 2 x 100 us
        assertEquals(400_000, r.rttNanos().get(0));
        assertEquals(200_000, r.rttNanos().get(1));
        assertEquals(200_000, r.rttNanos().get(2));
        assertEquals(3, b.counters().echoRequestsAnswered());
        assertEquals(3, a.counters().echoRepliesReceived());
        EthernetPacket reply = Frames.parse(wire.toA.sent.get(wire.toA.sent.size() - 1));
        assertNotNull(reply.get(IcmpV4EchoReplyPacket.class));
    }

    @Test
    void givenALostReply_whenPinging_thenThatPingTimesOut_andTheNextGoesOn() {
        int[] replies = { 0 };
        wire.toA.drop = f -> Frames.parse(f).get(IcmpV4EchoReplyPacket.class) != null && replies[0]++ == 1;
        CompletableFuture<PingResult> f = a.pingAsync(b.ip(), 3, Duration.ofMillis(100));
        loop.advanceMillis(1000);
        PingResult r = f.join();
        assertEquals(3, r.sent());
        assertEquals(2, r.received());
        assertEquals(1, r.lost());
    }

    @Test
    void givenNobodyAtTheAddress_whenPinging_thenArpGivesUp_andNothingIsReceived() {
        CompletableFuture<PingResult> f = a.pingAsync(Frames.ip("198.18.1.99"), 1, Duration.ofSeconds(2));
        loop.advanceMillis(3000);
        PingResult r = f.join();
        assertEquals(0, r.received());
        long requests = wire.toB.sent.stream().filter(x -> Frames.arp(x) != null).count();
        assertEquals(SimIpHost.ARP_ATTEMPTS, requests);
        assertEquals(1, a.counters().droppedUnresolved());
        assertEquals(SimIpHost.ARP_ATTEMPTS, b.counters().droppedNotForUs(), "b ignores ARP for others");
    }

    @Test
    void givenAnAddressOutsideTheSubnet_whenPinging_thenNoRoute() {
        PingResult r = a.pingAsync(Frames.ip("198.19.0.1"), 2, Duration.ofMillis(10)).join();
        assertEquals(0, r.received());
        assertEquals(1, a.counters().droppedNoRoute());
        assertTrue(wire.toB.sent.isEmpty());
    }

    @Test
    void whenAStreamGoesToTheEchoPort_thenItComesBack_andTheSenderMeasuresIt() {
        int id = a.startStream(b.ip(), SimIpHost.ECHO_PORT, 1000, 20, 64);
        loop.advanceMillis(100);
        assertEquals(20, b.counters().udpEchoed());
        StreamStats s = a.rxStreams().get(0);
        assertEquals("198.18.1.11:7", s.source());
        assertEquals(id, s.streamId());
        assertEquals(20, s.received());
        assertEquals(0, s.lost());
        assertEquals(200_000, s.minLatencyNanos(), "round trip: 2 x 100 us");
        // the echo swaps the ports and keeps the payload
        UdpPacket echoed = Frames.udp(wire.toA.sent.get(wire.toA.sent.size() - 1));
        assertEquals(7, echoed.getHeader().getSrcPort().valueAsInt());
        assertEquals(64, echoed.getPayload().getRawData().length);
        TxStreamStatus tx = a.txStreams().get(0);
        assertEquals(TxStreamStatus.State.DONE, tx.state());
        assertEquals(20, tx.sent());
    }

    @Test
    void whenAStreamRunsAtAThousandPerSecond_thenItsArrivalsAreOneMillisecondApart() {
        a.startStream(b.ip(), 5001, 1000, 50, 100);
        loop.advanceMillis(200);
        StreamStats s = b.rxStreams().get(0);
        assertEquals(50, s.received());
        assertEquals(49, s.highestSequence());
        assertEquals(1 * MS, s.maxInterArrivalNanos());
        assertEquals(49 * MS, s.lastArrivalNanos() - s.firstArrivalNanos());
        assertEquals(100_000, s.meanLatencyNanos());
    }

    @Test
    void givenAnImpairedWire_whenAStreamRuns_thenLossDuplicatesAndReorderingAreCounted() {
        // drop datagrams 10..14, duplicate 30, hold back 40 (it arrives after 41)
        wire.toB.drop = f -> seqOf(f) >= 10 && seqOf(f) < 15;
        wire.toB.duplicate = f -> seqOf(f) == 30;
        wire.toB.holdBack = f -> seqOf(f) == 40;
        a.startStream(b.ip(), 5001, 1000, 100, 64);
        loop.advanceMillis(300);
        StreamStats s = b.rxStreams().get(0);
        assertEquals(95, s.received());
        assertEquals(5, s.lost());
        assertEquals(1, s.duplicates());
        assertEquals(1, s.reordered());
        assertEquals(99, s.highestSequence());
        assertEquals(6 * MS, s.maxInterArrivalNanos(), "the gap of 5 lost datagrams");
        assertEquals(15, s.maxInterArrivalAfterSequence());
    }

    @Test
    void givenACutCable_whenAStreamRuns_thenTheOutageIsTheLongestInterArrival() {
        a.startStream(b.ip(), 5001, 1000, 300, 64);
        loop.advanceMillis(100);
        wire.cut = true;
        loop.advanceMillis(120);
        wire.cut = false;
        loop.advanceMillis(200);
        StreamStats s = b.rxStreams().get(0);
        assertEquals(299, s.highestSequence());
        assertEquals(300 - s.received(), s.lost());
        assertTrue(s.lost() >= 119 && s.lost() <= 121, "lost " + s.lost());
        assertTrue(s.maxInterArrivalNanos() >= 120 * MS && s.maxInterArrivalNanos() <= 122 * MS,
                "outage " + s.maxInterArrivalNanos());
    }

    static Stream<Arguments> arrivalOrders() {
        // sequence numbers in arrival order -> received, lost, duplicates, reordered, tooLate
        return Stream.of(
                Arguments.of(new long[] { 0, 1, 2, 3 }, 4, 0, 0, 0, 0),
                Arguments.of(new long[] { 0, 2, 3 }, 3, 1, 0, 0, 0),
                Arguments.of(new long[] { 0, 2, 1, 3 }, 4, 0, 0, 1, 0),
                Arguments.of(new long[] { 0, 1, 1, 2 }, 3, 0, 1, 0, 0),
                Arguments.of(new long[] { 0, 3, 1, 2 }, 4, 0, 0, 2, 0),
                Arguments.of(new long[] { 0, 5, 5, 2 }, 3, 3, 1, 1, 0),
                Arguments.of(new long[] { 3 }, 1, 3, 0, 0, 0),
                Arguments.of(new long[] { 2, 2, 2, 0, 0, 1 }, 3, 0, 3, 2, 0),
                Arguments.of(new long[] { 0, 70_000, 1 }, 2, 69_999, 0, 0, 1),
                Arguments.of(new long[] { 0, 70_000, 69_000 }, 3, 69_998, 0, 1, 0));
    }

    @ParameterizedTest(name = "arrival order {index}")
    @MethodSource("arrivalOrders")
    void givenForgedArrivals_thenTheStreamAccountingIsExact(long[] seqs, long received, long lost, long duplicates,
            long reordered, long tooLate) {
        for (long seq : seqs) {
            b.receive(streamFrame(7, seq));
            loop.advanceMillis(1);
        }
        StreamStats s = b.rxStreams().get(0);
        assertEquals(received, s.received(), "received");
        assertEquals(lost, s.lost(), "lost");
        assertEquals(duplicates, s.duplicates(), "duplicates");
        assertEquals(reordered, s.reordered(), "reordered");
        assertEquals(tooLate, s.tooLate(), "too late");
        assertEquals("198.18.1.1:40000", s.source());
        assertEquals(7, s.streamId());
    }

    @Test
    void givenTwoSendersWithTheSameStreamId_thenTheirStatsAreKeptApart() {
        b.receive(streamFrame(1, 0));
        b.receive(Frames.udp(Frames.mac(b.mac()), Frames.mac("02:00:00:00:00:99"), "198.18.1.2", 40000,
                "198.18.1.11", 5001, SimIpHost.streamPayload(1, 5, 0, 32), -1));
        HostStatus st = b.status();
        assertEquals(2, st.rxStreams().size());
        assertEquals(0, st.rxStream("198.18.1.1:40000", 1).lost());
        assertEquals(5, st.rxStream("198.18.1.2:40000", 1).lost());
    }

    @Test
    void whenAHostSendsAGratuitousArp_thenAPeerThatKnowsItUpdates_andItIsABroadcastForItsOwnAddress() {
        a.pingAsync(b.ip(), 1, Duration.ofSeconds(1));
        loop.advanceMillis(10);
        int before = wire.toA.sent.size();
        b.sendGratuitousArp();
        loop.advanceMillis(1);
        byte[] garp = wire.toA.sent.get(before);
        ArpPacket arp = Frames.arp(garp);
        assertEquals(arp.getHeader().getSrcProtocolAddr(), arp.getHeader().getDstProtocolAddr());
        assertEquals(Frames.BROADCAST, Frames.parse(garp).getHeader().getDstAddr());
        HostStatus.Counters c = a.counters();
        assertEquals(0, c.rxDropped(), "a gratuitous ARP of a known peer is not a drop: " + c);
    }

    static Stream<Arguments> badFrames() {
        MacAddress peer = Frames.mac("02:00:c6:12:01:01");
        MacAddress me = Frames.mac("02:00:c6:12:01:0b");
        byte[] good = Frames.udp(me, peer, "198.18.1.1", 40000, "198.18.1.11", 5001,
                SimIpHost.streamPayload(1, 0, 0, 32), -1);
        byte[] badIpChecksum = good.clone();
        badIpChecksum[14 + 10] ^= 0x55;
        byte[] badUdpChecksum = good.clone();
        badUdpChecksum[14 + 20 + 6] ^= 0x55;
        byte[] truncatedIp = java.util.Arrays.copyOf(good, 14 + 12);
        byte[] garbage = new byte[80];
        new java.util.Random(7).nextBytes(garbage);
        System.arraycopy(me.getAddress(), 0, garbage, 0, 6);
        garbage[12] = 0x08; // claims IPv4
        garbage[13] = 0x00;
        byte[] shortArp = java.util.Arrays.copyOf(Frames.arpRequest(peer, "198.18.1.1", "198.18.1.11", -1), 20);
        byte[] tagged = Frames.udp(me, peer, "198.18.1.1", 40000, "198.18.1.11", 5001, new byte[30], 1);
        byte[] otherMac = Frames.udp(Frames.mac("02:00:00:00:00:77"), peer, "198.18.1.1", 1, "198.18.1.11", 5001,
                new byte[30], -1);
        byte[] otherIp = Frames.udp(me, peer, "198.18.1.1", 1, "198.18.1.12", 5001, new byte[30], -1);
        byte[] ipv6 = good.clone();
        ipv6[12] = (byte) 0x86;
        ipv6[13] = (byte) 0xDD;
        byte[] noListener = Frames.udp(me, peer, "198.18.1.1", 1, "198.18.1.11", 9999, new byte[30], -1);
        return Stream.of(
                Arguments.of("13 bytes", new byte[13], "malformed"),
                Arguments.of("empty", new byte[0], "malformed"),
                Arguments.of("bad IPv4 header checksum", badIpChecksum, "malformed"),
                Arguments.of("bad UDP checksum", badUdpChecksum, "malformed"),
                Arguments.of("IPv4 header cut short", truncatedIp, "malformed"),
                Arguments.of("random bytes claiming IPv4", garbage, "malformed"),
                Arguments.of("ARP cut short", shortArp, "malformed"),
                Arguments.of("tagged frame to an untagged host", tagged, "vlan"),
                Arguments.of("unicast to another MAC", otherMac, "notForUs"),
                Arguments.of("IPv4 to another address", otherIp, "notForUs"),
                Arguments.of("IPv6", ipv6, "unsupported"),
                Arguments.of("UDP port nobody listens on", noListener, "unsupported"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badFrames")
    void givenAFrameTheHostCannotUse_whenReceived_thenItIsCountedAsOneDrop_andNothingThrows(String what, byte[] frame,
            String counter) {
        b.receive(frame);
        HostStatus.Counters c = b.counters();
        assertEquals(1, c.rxFrames());
        assertEquals(1, c.rxDropped(), what + ": " + c);
        long expected = switch (counter) {
            case "malformed" -> c.droppedMalformed();
            case "vlan" -> c.droppedVlan();
            case "notForUs" -> c.droppedNotForUs();
            default -> c.droppedUnsupported();
        };
        assertEquals(1, expected, what + " counted as " + counter + ": " + c);
        assertEquals(0, c.txFrames(), "no answer to a bad frame");
    }

    @Test
    void givenBadOffsets_whenReceived_thenCountedAsMalformed() {
        b.receive(ByteBuffer.allocateDirect(100), 90, 20);
        b.receive(ByteBuffer.allocate(100).asReadOnlyBuffer(), -1, 20);
        loop.runPending();
        assertEquals(2, b.counters().droppedMalformed());
    }

    @Test
    void givenATaggedHost_thenItsFramesCarryItsVid_andItAcceptsOnlyThatVid() {
        Wire w = new Wire(loop, 0);
        SimIpHost t = new SimIpHost("t", null, "198.18.5.2/24", 5, w.toB, loop);
        SimIpHost u = new SimIpHost("u", null, "198.18.5.3/24", 5, w.toA, loop);
        w.connect(t, u);
        CompletableFuture<PingResult> f = t.pingAsync(u.ip(), 1, Duration.ofSeconds(1));
        loop.advanceMillis(5);
        assertEquals(1, f.join().received());
        assertEquals(5, Frames.vid(w.toB.sent.get(0)));
        assertEquals(1, u.counters().echoRequestsAnswered());
        u.receive(Frames.arpRequest(Frames.mac("02:00:00:00:00:05"), "198.18.5.9", "198.18.5.3", 6));
        u.receive(Frames.arpRequest(Frames.mac("02:00:00:00:00:05"), "198.18.5.9", "198.18.5.3", -1));
        assertEquals(2, u.counters().droppedVlan());
    }

    @Test
    void givenTwoHostsWithThreadsOfTheirOwn_whenOnePings_thenBlockingPingWorks() {
        List<SimIpHost> pair = new ArrayList<>();
        FrameSink toY = (f, o, l) -> pair.get(1).receive(f, o, l);
        FrameSink toX = (f, o, l) -> pair.get(0).receive(f, o, l);
        try (SimIpHost x = new SimIpHost("x", null, "198.18.9.1/24", toY);
                SimIpHost y = new SimIpHost("y", null, "198.18.9.2/24", toX)) {
            pair.add(x);
            pair.add(y);
            PingResult r = x.ping("198.18.9.2", 3, Duration.ofSeconds(2));
            assertEquals(3, r.received(), r.toString());
            assertThrows(IllegalStateException.class, () -> {
                CompletableFuture<Object> f = new CompletableFuture<>();
                x.loop().execute(() -> {
                    try {
                        x.ping("198.18.9.2", 1, Duration.ofSeconds(1));
                        f.complete(null);
                    } catch (RuntimeException e) {
                        f.completeExceptionally(e);
                    }
                });
                try {
                    f.join();
                } catch (java.util.concurrent.CompletionException e) {
                    throw (RuntimeException) e.getCause();
                }
            }, "blocking ping on the loop is refused");
        }
    }

    @Test
    void givenBadArguments_thenTheyAreRefusedWithTheReason() {
        assertThrows(IllegalArgumentException.class, () -> new SimIpHost("z", null, "198.18.1.300/24", 0, wire.toB, loop));
        assertThrows(IllegalArgumentException.class, () -> new SimIpHost("z", null, "198.18.1.3", 0, wire.toB, loop));
        assertThrows(IllegalArgumentException.class,
                () -> new SimIpHost("z", new byte[] { 1, 0, 0, 0, 0, 1 }, "198.18.1.3/24", 0, wire.toB, loop));
        assertThrows(IllegalArgumentException.class, () -> a.startStream(b.ip(), 5001, 0, 1, 64));
        assertThrows(IllegalArgumentException.class, () -> a.startStream(b.ip(), 5001, 10, 1, 10));
        assertThrows(IllegalArgumentException.class, () -> a.pingAsync(b.ip(), 0, Duration.ofSeconds(1)));
    }

    @Test
    void whenAUdpDatagramIsSentToTheEchoPort_thenTheSameBytesComeBack() {
        byte[] data = "hello, echo".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        a.sendUdp(b.ip(), 33333, SimIpHost.ECHO_PORT, data);
        loop.advanceMillis(5);
        UdpPacket back = Frames.udp(wire.toA.sent.get(wire.toA.sent.size() - 1));
        assertEquals(33333, back.getHeader().getDstPort().valueAsInt());
        assertArrayEquals(data, back.getPayload().getRawData());
        assertEquals(1, b.counters().udpEchoed());
        assertEquals(EtherType.IPV4, Frames.parse(wire.toA.sent.get(wire.toA.sent.size() - 1)).getHeader().getType());
        assertEquals(1, a.counters().droppedUnsupported(), "a has no listener on 33333: counted");
    }

    private byte[] streamFrame(int streamId, long seq) {
        return Frames.udp(Frames.mac(b.mac()), Frames.mac(a.mac()), "198.18.1.1", 40000, "198.18.1.11", 5001,
                SimIpHost.streamPayload(streamId, seq, loop.nanoTime(), 32), -1);
    }

    private static long seqOf(byte[] frame) {
        UdpPacket udp = Frames.udp(frame);
        if (udp == null || udp.getPayload() == null) {
            return -1;
        }
        byte[] p = udp.getPayload().getRawData();
        return p.length >= 16 ? ByteBuffer.wrap(p).getLong(8) : -1;
    }
}
