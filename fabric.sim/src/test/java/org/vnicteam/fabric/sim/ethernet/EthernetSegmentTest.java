package org.vnicteam.fabric.sim.ethernet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.pcap4j.packet.ArpPacket;
import org.pcap4j.packet.namednumber.ArpOperation;
import org.pcap4j.util.MacAddress;
import org.vnicteam.api.ethernet.EthernetPort;

/** The default (FIG. 5) segment on its own event thread, through its bridge ports and hosts. */
class EthernetSegmentTest {

    static final MacAddress TEAM_MAC = Frames.mac("02:00:00:00:0a:01");

    EthernetSegment segment;
    EthernetPort bridgeA;
    EthernetPort bridgeB;
    ConcurrentLinkedQueue<byte[]> atA = new ConcurrentLinkedQueue<>();
    ConcurrentLinkedQueue<byte[]> atB = new ConcurrentLinkedQueue<>();

    @BeforeEach
    void setUp() {
        segment = EthernetSegment.createDefault("test");
        bridgeA = segment.bridgePort("bridgeA-eth");
        bridgeB = segment.bridgePort("bridgeB-eth");
        bridgeA.setReceiver((f, o, l) -> atA.add(copy(f, o, l)));
        bridgeB.setReceiver((f, o, l) -> atB.add(copy(f, o, l)));
    }

    @AfterEach
    void tearDown() {
        segment.close();
    }

    static byte[] copy(ByteBuffer f, int offset, int length) {
        byte[] b = new byte[length];
        f.get(offset, b, 0, length);
        return b;
    }

    static boolean send(EthernetPort port, byte[] frame) {
        return port.send(ByteBuffer.wrap(frame), 0, frame.length);
    }

    /** Polls until the condition holds, at most 5 s. */
    static void await(String what, java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(1);
        }
    }

    @Test
    void givenBridgeAsPortRemovedFromTheSwitch_thenItKeepsCarrier_whatItSendsGoesNowhere_nothingReachesIt_andItsAddressesAreForgotten()
            throws Exception {
        assertTrue(send(bridgeA, Frames.arpRequest(TEAM_MAC, "198.18.1.1", "198.18.1.11", 1)));
        await("client1's answer at A", () -> !atA.isEmpty());
        atA.clear();
        atB.clear();

        long toClient2 = segment.status().port("client2").counters().txFrames();
        segment.setPortAttached("bridgeA-eth", false);
        assertTrue(bridgeA.carrier(), "cable and carrier stay");
        assertTrue(segment.fdb().stream().noneMatch(e -> e.port().equals("p1")), "the switch forgot the port");
        assertTrue(send(bridgeA, Frames.arpRequest(TEAM_MAC, "198.18.1.1", "198.18.1.12", 1)),
                "the bridge's port takes the frame: it leaves on the cable");
        SegmentStatus st = segment.status();
        assertEquals(1, st.port("p1").counters().droppedDetached());
        assertEquals(toClient2, st.port("client2").counters().txFrames(), "bridge A's request reached nobody");
        assertFalse(st.port("p1").attached());
        assertTrue(st.port("p1").up());
        // a client's broadcast (and its frames for the team MAC, now unknown) reach B, never A
        segment.host("client1").ping("198.18.1.1", 1, Duration.ofMillis(50));
        await("client1's ARP request flooded to bridge B", () -> !atB.isEmpty());
        assertTrue(atA.isEmpty(), "nothing reached bridge A");

        segment.setPortAttached("p1", true);
        long before = segment.status().port("client2").counters().txFrames();
        assertTrue(send(bridgeA, Frames.arpRequest(TEAM_MAC, "198.18.1.1", "198.18.1.12", 1)));
        await("switched again", () -> segment.status().port("client2").counters().txFrames() == before + 1);
        assertTrue(segment.status().port("p1").attached());
    }

    @Test
    void givenVlan1DroppedFromBridgeAsTrunk_thenVlan1NeitherEntersNorLeaves_itsAddressesAreForgotten_andVlan2Flows()
            throws Exception {
        assertTrue(send(bridgeA, Frames.arpRequest(TEAM_MAC, "198.18.1.1", "198.18.1.11", 1)));
        assertTrue(send(bridgeA, Frames.arpRequest(TEAM_MAC, "198.18.2.1", "198.18.2.13", 2)));
        await("team MAC learned on both VLANs", () -> segment.fdb().stream().filter(e -> e.port().equals("p1")).count() == 2);
        await("both answers at A", () -> atA.size() == 2);
        atA.clear();

        long toClient2 = segment.status().port("client2").counters().txFrames();
        segment.setVlanCarried("bridgeA-eth", 1, false);
        assertEquals(List.of(2), segment.fdb().stream().filter(e -> e.port().equals("p1")).map(SegmentStatus.FdbEntry::vid)
                .toList(), "VLAN 1's entries of p1 forgotten, VLAN 2's kept");
        SegmentStatus.PortStatus p1 = segment.status().port("p1");
        assertEquals(List.of(2), p1.vids());
        assertEquals(List.of(1), p1.droppedVids());
        assertTrue(bridgeA.carrier());
        assertTrue(send(bridgeA, Frames.arpRequest(TEAM_MAC, "198.18.1.1", "198.18.1.12", 1)));
        assertTrue(send(bridgeA, Frames.arpRequest(TEAM_MAC, "198.18.2.1", "198.18.2.14", 2)));
        await("VLAN 2 answered", () -> atA.size() == 1);
        assertEquals(2, Frames.vid(atA.poll()));
        await("VLAN 1 refused at ingress", () -> segment.status().port("p1").counters().droppedWrongVlan() == 1);
        assertEquals(toClient2, segment.status().port("client2").counters().txFrames());

        segment.setVlanCarried("p1", 1, true);
        assertEquals(List.of(1, 2), segment.status().port("p1").vids());
        assertTrue(segment.status().port("p1").droppedVids().isEmpty());
    }

    @Test
    void givenBadVlanChanges_thenEachIsRefusedWithWhatIsAllowed() {
        assertEquals("trunk p1 is not configured with VLAN 3 (VLANs [1, 2])", org.junit.jupiter.api.Assertions
                .assertThrows(IllegalArgumentException.class, () -> segment.setVlanCarried("p1", 3, false)).getMessage());
        assertEquals("port p3 is an access port (VLAN 1): only a trunk's VLANs can be dropped; remove the port instead",
                org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                        () -> segment.setVlanCarried("client1", 1, false)).getMessage());
    }

    @Test
    void givenTheDefault_thenItIsFig5() {
        SegmentStatus st = segment.status();
        assertEquals(List.of("p1", "p2", "p3", "p4", "p5", "p6"), st.ports().stream().map(SegmentStatus.PortStatus::name).toList());
        assertEquals(PortMode.TRUNK, st.port("bridgeA-eth").mode());
        assertEquals(List.of(1, 2), st.port("bridgeB-eth").vids());
        assertEquals(List.of(1), st.port("client2").vids());
        assertEquals(PortMode.ACCESS, st.port("client3").mode());
        assertEquals(List.of(2), st.port("client4").vids());
        assertEquals(List.of("client1", "client2", "client3", "client4"), segment.hostNames());
        assertEquals("198.18.1.11", st.host("client1").ip());
        assertEquals("198.18.2.14", st.host("client4").ip());
        assertEquals("02:00:c6:12:02:0d", st.host("client3").mac());
        assertTrue(bridgeA.carrier());
        assertEquals(1518, bridgeA.maxFrameSize());
        assertEquals(List.of("bridgeA-eth", "bridgeB-eth"), segment.bridgePortNames());
    }

    @Test
    void givenTheComponentDefaults_thenTheyEqualTheLibraryDefaults() throws Exception {
        Class<?> config = Class.forName("org.vnicteam.fabric.sim.ethernet.internal.EthernetSegmentComponent$Config");
        assertEquals(EthernetSegment.DEFAULT_PORTS, List.of((String[]) config.getMethod("ports").getDefaultValue()));
        assertEquals(EthernetSegment.DEFAULT_HOSTS, List.of((String[]) config.getMethod("hosts").getDefaultValue()));
        assertEquals(300L, config.getMethod("ageingSeconds").getDefaultValue());
    }

    @Test
    void givenABridgeAsksForClient1OnVlan1_thenClient1AnswersTaggedVlan1_andVlan2NeverSeesIt() throws Exception {
        assertTrue(send(bridgeA, Frames.arpRequest(TEAM_MAC, "198.18.1.1", "198.18.1.11", 1)));
        await("ARP reply at bridge A", () -> !atA.isEmpty());
        byte[] reply = atA.poll();
        assertEquals(1, Frames.vid(reply));
        ArpPacket arp = Frames.arp(reply);
        assertEquals(ArpOperation.REPLY, arp.getHeader().getOperation());
        assertEquals(Frames.ip("198.18.1.11"), arp.getHeader().getSrcProtocolAddr());
        assertEquals(TEAM_MAC, Frames.parse(reply).getHeader().getDstAddr());
        SegmentStatus st = segment.status();
        assertEquals(0, st.port("client3").counters().txFrames());
        assertEquals(0, st.port("client4").counters().txFrames());
        assertEquals(0, st.host("client3").counters().rxFrames());
        assertEquals(1, st.port("client2").counters().txFrames(), "the broadcast reached VLAN 1's other client");
        assertEquals(1, st.host("client2").counters().droppedNotForUs());
        await("flooded request at bridge B", () -> !atB.isEmpty());
        assertEquals(1, Frames.vid(atB.poll()), "bridge B's trunk carries VLAN 1 too");
        // the reply was unicast to the learned port: bridge B saw only the request
        assertTrue(atB.isEmpty());
        assertTrue(st.fdb().contains(new SegmentStatus.FdbEntry(1, "02:00:00:00:0a:01", "p1",
                st.fdb().stream().filter(e -> e.mac().equals("02:00:00:00:0a:01")).findFirst().orElseThrow().ageNanos())));
        assertEquals(1, bridgeA.counters().txFrames());
        assertEquals(1, bridgeA.counters().rxFrames());
    }

    @Test
    void givenTwoClientsOfOneVlan_whenOnePingsTheOther_thenItWorks_andAClientOfTheOtherVlanIsUnreachable() {
        PingResult r = segment.host("client1").ping("198.18.1.12", 3, Duration.ofSeconds(1));
        assertEquals(3, r.received(), r.toString());
        System.out.printf("ping client1 -> client2 through the simulated switch: rtt min %d us, max %d us%n",
                r.minRttNanos() / 1000, r.maxRttNanos() / 1000);
        PingResult other = segment.host("client1").ping("198.18.2.13", 1, Duration.ofMillis(100));
        assertEquals(0, other.received(), "another subnet, no router");
        assertEquals(0, segment.status().port("client3").counters().txFrames());
    }

    @Test
    void whenTheLabCutsBridgeAsLink_thenItsCarrierListenerHearsAtOnce_andFramesStop() throws Exception {
        send(bridgeA, Frames.arpRequest(TEAM_MAC, "198.18.1.1", "198.18.1.11", 1));
        await("reply", () -> !atA.isEmpty());
        AtomicLong heardAt = new AtomicLong();
        AtomicLong stamp = new AtomicLong();
        CountDownLatch heard = new CountDownLatch(1);
        bridgeA.addCarrierListener((port, carrier, nanoTime) -> {
            if (!carrier) {
                heardAt.set(System.nanoTime());
                stamp.set(nanoTime);
                heard.countDown();
            }
        });
        long[] latencies = new long[20];
        long cut = 0;
        for (int i = 0; i < latencies.length; i++) { // warm, then measure the last
            cut = System.nanoTime();
            segment.setPortUp("bridgeA-eth", false);
            latencies[i] = heardAt.get() - cut;
            segment.setPortUp("bridgeA-eth", true);
        }
        segment.setPortUp("bridgeA-eth", false);
        assertTrue(heard.await(1, TimeUnit.SECONDS));
        long latency = heardAt.get() - cut;
        java.util.Arrays.sort(latencies);
        System.out.printf("carrier cut -> CarrierListener: median %.1f us, max %.1f us over %d cuts%n",
                latencies[latencies.length / 2] / 1e3, latencies[latencies.length - 1] / 1e3, latencies.length);
        assertTrue(latencies[latencies.length / 2] < 50_000_000L, "median cut-to-listener " + latency + " ns");
        assertTrue(stamp.get() >= cut, "the listener gets the time of the change");
        assertFalse(bridgeA.carrier());
        assertFalse(send(bridgeA, Frames.arpRequest(TEAM_MAC, "198.18.1.1", "198.18.1.11", 1)));
        SegmentStatus st = segment.status();
        assertFalse(st.port("p1").up());
        assertTrue(st.fdb().stream().noneMatch(e -> e.port().equals("p1")), "p1's addresses flushed: " + st.fdb());
        assertEquals(1, st.port("p1").counters().droppedLinkDown());
        assertEquals(1, bridgeA.counters().txDropped());
        assertEquals(41, bridgeA.counters().carrierChanges());
        // nothing reaches the receiver of a port without carrier
        atA.clear();
        segment.host("client1").sendGratuitousArp();
        await("GARP at bridge B", () -> !atB.isEmpty());
        assertTrue(atA.isEmpty());
    }

    @Test
    void givenAStreamBetweenClients_whenTheReceiversPortIsCut_thenTheOutageShowsInItsStats() throws Exception {
        SimIpHost c1 = segment.host("client1");
        SimIpHost c2 = segment.host("client2");
        c1.startStream("198.18.1.12", 5001, 1000, 400, 100);
        await("stream running", () -> c2.rxStreams().size() == 1 && c2.rxStreams().get(0).received() > 50);
        segment.setPortUp("client2", false);
        Thread.sleep(100);
        segment.setPortUp("client2", true);
        await("stream done", () -> c1.txStreams().get(0).state() == TxStreamStatus.State.DONE);
        Thread.sleep(20);
        StreamStats s = c2.rxStreams().get(0);
        System.out.printf("stream 1000/s, client2's port cut ~100 ms: received %d, lost %d, longest gap %.1f ms%n",
                s.received(), s.lost(), s.maxInterArrivalNanos() / 1e6);
        assertTrue(s.lost() >= 50 && s.lost() <= 300, "lost " + s.lost());
        assertEquals(400, s.received() + s.lost() + (399 - s.highestSequence()));
        assertTrue(s.maxInterArrivalNanos() >= 90_000_000L, "gap " + s.maxInterArrivalNanos());
        assertEquals(0, s.duplicates());
        assertTrue(segment.status().port("client2").counters().txFrames() > 0);
    }

    @Test
    void givenAStalledBridge_whenTheQueueFills_thenSendsFailFast_andOverflowIsCounted() throws Exception {
        segment.close();
        segment = EthernetSegment.create("small", EthernetSegment.DEFAULT_PORTS, EthernetSegment.DEFAULT_HOSTS,
                Duration.ofSeconds(300), 16, 1514);
        bridgeA = segment.bridgePort("bridgeA-eth");
        bridgeB = segment.bridgePort("bridgeB-eth");
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch stalled = new CountDownLatch(1);
        bridgeB.setReceiver((f, o, l) -> { // misbehaves on purpose: blocks the segment thread
            stalled.countDown();
            try {
                release.await(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        byte[] frame = Frames.arpRequest(TEAM_MAC, "198.18.1.1", "198.18.1.99", 1);
        bridgeA.send(ByteBuffer.wrap(frame), 0, frame.length);
        assertTrue(stalled.await(2, TimeUnit.SECONDS));
        int refused = 0;
        long t0 = System.nanoTime();
        for (int i = 0; i < 100; i++) {
            if (!bridgeA.send(ByteBuffer.wrap(frame), 0, frame.length)) {
                refused++;
            }
        }
        long tookNanos = System.nanoTime() - t0;
        release.countDown();
        assertEquals(100 - 16, refused);
        assertTrue(tookNanos < 500_000_000L, "sending never blocks: " + tookNanos + " ns");
        SegmentStatus st = segment.status();
        assertEquals(84, st.port("bridgeA-eth").counters().droppedQueueOverflow());
        assertEquals(84, bridgeA.counters().txDropped());
        assertEquals(16, st.counters().queueCapacity());
    }

    @Test
    void givenMalformedFramesFromABridge_thenTheyAreRefusedAndCounted() {
        assertFalse(bridgeA.send(ByteBuffer.allocate(13), 0, 13));
        assertFalse(bridgeA.send(ByteBuffer.allocate(2000), 0, 1519));
        assertFalse(bridgeA.send(ByteBuffer.allocate(100), 90, 20));
        send(bridgeA, Frames.arpRequest(TEAM_MAC, "198.18.1.1", "198.18.1.11", -1));
        SegmentStatus st = segment.status();
        assertEquals(3, st.port("p1").counters().droppedMalformed());
        assertEquals(3, bridgeA.counters().txDropped());
        assertEquals(1, st.port("p1").counters().droppedUntaggedOnTrunk());
    }

    @Test
    void givenAKnownDestination_whenABridgeSendsAsFastAsItCan_thenTheSwitchForwardsItAll() throws Exception {
        // teach the switch the team MAC behind bridge B, then blast unicast from A to it, VLAN 1
        send(bridgeB, Frames.arpRequest(TEAM_MAC, "198.18.1.1", "198.18.1.99", 1));
        await("learned", () -> segment.fdb().stream().anyMatch(e -> e.port().equals("p2")));
        AtomicLong received = new AtomicLong();
        bridgeB.setReceiver((f, o, l) -> received.incrementAndGet());
        byte[] frame = Frames.udp(TEAM_MAC, Frames.mac("02:00:00:00:0b:01"), "198.18.1.2", 40000, "198.18.1.1", 5001,
                new byte[18], 1);
        ByteBuffer buf = ByteBuffer.wrap(frame);
        long sent = 0;
        long t0 = System.nanoTime();
        long deadline = t0 + 2_000_000_000L;
        while (sent < 300_000 && System.nanoTime() < deadline) {
            if (bridgeA.send(buf, 0, frame.length)) {
                sent++;
            } else {
                Thread.onSpinWait();
            }
        }
        long target = sent;
        await("all forwarded", () -> received.get() >= target);
        double seconds = (System.nanoTime() - t0) / 1e9;
        SegmentStatus st = segment.status();
        System.out.printf("switch throughput: %d frames of %d bytes bridge A -> bridge B in %.3f s = %.0f frames/s"
                + " (queue full %d times, %d buffers allocated)%n", sent, frame.length, seconds, sent / seconds,
                st.port("p1").counters().droppedQueueOverflow(), st.counters().buffersAllocated());
        assertEquals(sent, received.get());
        assertTrue(st.counters().buffersAllocated() <= st.counters().queueCapacity() + 64 + 16,
                "pooled buffers: " + st.counters().buffersAllocated());
        assertEquals(1, st.port("client1").counters().txFrames(), "only the learning broadcast; known unicast is not flooded");
    }

    @Test
    void givenAConfiguredSegmentWithATaggedHostOnATrunk_thenItTalksToAnAccessHost() {
        try (EthernetSegment s = EthernetSegment.create("tagged",
                List.of("t trunk=7 host=router", "a access=7 host=pc"),
                List.of("router ip=198.18.7.1/24 vlan=7", "pc ip=198.18.7.2/24 mac=02:aa:00:00:00:02"),
                Duration.ofSeconds(1), 64, 1514)) {
            PingResult r = s.host("pc").ping("198.18.7.1", 2, Duration.ofSeconds(1));
            assertEquals(2, r.received());
            assertEquals("02:aa:00:00:00:02", s.status().host("pc").mac());
            assertNotNull(s.host("router").arpLookup(Frames.ip("198.18.7.2")));
        }
    }
}
