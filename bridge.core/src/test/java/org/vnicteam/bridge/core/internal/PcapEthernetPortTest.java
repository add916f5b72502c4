package org.vnicteam.bridge.core.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.vnicteam.bridge.core.internal.TestFrames.BROADCAST;
import static org.vnicteam.bridge.core.internal.TestFrames.CLIENT_MAC;
import static org.vnicteam.bridge.core.internal.TestFrames.MULTICAST;
import static org.vnicteam.bridge.core.internal.TestFrames.TEAM_MAC;
import static org.vnicteam.bridge.core.internal.TestFrames.frame;
import static org.vnicteam.bridge.core.internal.TestFrames.marker;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.vnicteam.api.ethernet.EthernetPort.PortCounters;
import org.vnicteam.lib.linux.LinkMonitor;
import org.vnicteam.lib.linux.TestNamespace;

/**
 * The Ethernet port on a real veth inside a namespace this test creates: frames both ways
 * byte-exact with their 802.1Q tag, the kernel filter on the owner's addresses, carrier from
 * rtnetlink with its delay, drops counted, the interface going and coming back, and a clean close.
 * Needs root, iproute2 and libpcap; fails, never skips, without.
 */
class PcapEthernetPortTest {

    static final String PORT_IF = "pp-port";
    static final String PEER_IF = "pp-peer";
    static final long WAIT_MS = 3000;
    static final long OTHER_MAC = 0x02_00_00_00_99_99L;
    static final long X_MAC = 0x02_00_00_00_0A_01L;
    static final long Y_MAC = 0x02_00_00_00_0B_02L;

    TestNamespace ns;
    PcapEthernetPort port;
    PeerWire peer;
    LinkMonitor peerControl;
    final LinkedBlockingQueue<byte[]> delivered = new LinkedBlockingQueue<>();
    final LinkedBlockingQueue<long[]> carrierEvents = new LinkedBlockingQueue<>();

    @BeforeEach
    void openPortOnAVethPair() throws Exception {
        ns = TestNamespace.create("vt-pp-");
        ns.disableIpv6();
        ns.addVethPair(PORT_IF, PEER_IF);
        port = PcapEthernetPort.open(PcapPortSettings.of("test-eth", PORT_IF, ns.name()));
        port.setReceiver((frame, offset, length) -> {
            byte[] copy = new byte[length];
            frame.get(offset, copy);
            delivered.add(copy);
        });
        port.addCarrierListener((p, up, nanoTime) -> carrierEvents.add(new long[] { up ? 1 : 0, nanoTime,
                System.nanoTime() }));
        peer = PeerWire.open(ns.netns(), PEER_IF);
        peerControl = LinkMonitor.open(ns.netns());
    }

    @AfterEach
    void closeAll() throws Exception {
        Cleanup.closeAll(port, peer, peerControl, ns);
    }

    // ---- receive --------------------------------------------------------------------------

    @Test
    void givenTaggedAndUntaggedFramesFromThePeer_whenReceived_thenTheyArriveByteExactWithTheirTag() throws Exception {
        assertTrue(port.carrier(), "an up veth pair has carrier at once");
        byte[] tagged = frame(BROADCAST, CLIENT_MAC, 2, 100, 1);
        ByteBuffer.wrap(tagged).putShort(14, (short) (0xA000 | 2)); // PCP 5, VID 2
        byte[] untagged = frame(BROADCAST, CLIENT_MAC, 0, 60, 2);
        byte[] largest = frame(BROADCAST, CLIENT_MAC, 1, 1518, 3);
        peer.send(tagged);
        peer.send(untagged);
        peer.send(largest);
        assertArrayEquals(tagged, nextFrom(CLIENT_MAC), "802.1Q tag (TPID, PCP 5, VID 2) as sent");
        assertArrayEquals(untagged, nextFrom(CLIENT_MAC));
        assertArrayEquals(largest, nextFrom(CLIENT_MAC), "largest tagged frame at MTU 1500");
        PortCounters c = port.counters();
        assertTrue(c.rxFrames() >= 3 && c.rxBytes() >= 100 + 60 + 1518, c.toString());
    }

    @Test
    void givenFramesWaitingInTheRing_whenTheFilterChanges_thenEveryOneArrivesWhole_andAloneInTheBuffer()
            throws Exception {
        // The port reads every frame into one buffer, and a filter change breaks the read: a frame
        // libpcap has taken when it sees the break must still arrive, and a short frame after a long
        // one must show none of the long one's bytes. (Frames arriving during the change: see
        // givenAStreamToTheTeam_whenTheFilterChangesManyTimesMeanwhile_...)
        CountDownLatch stall = new CountDownLatch(1);
        List<String> badViews = new ArrayList<>();
        port.setReceiver((frame, offset, length) -> {
            try {
                stall.await(WAIT_MS, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (frame.position() != 0 || frame.limit() != offset + length) {
                badViews.add("position " + frame.position() + ", limit " + frame.limit() + ", length " + length);
            }
            byte[] copy = new byte[length];
            frame.get(offset, copy);
            delivered.add(copy);
        });
        int count = 21;
        for (int i = 0; i < count; i++) {
            peer.send(frame(BROADCAST, CLIENT_MAC, i % 2, i % 2 == 0 ? 1514 : 60, i));
        }
        await("frames wait behind the stalled receiver", port::receivePending);
        Thread.sleep(50); // the rest of the burst lands in the ring
        port.setAddresses(List.of(Frames.macBytes(TEAM_MAC)));
        stall.countDown();
        for (int i = 0; i < count; i++) {
            assertArrayEquals(frame(BROADCAST, CLIENT_MAC, i % 2, i % 2 == 0 ? 1514 : 60, i), nextFrom(CLIENT_MAC),
                    "frame " + i);
        }
        assertEquals(List.of(), badViews);
        await("the new filter installed", () -> PcapEthernetPort.filterFor(List.of(Frames.macBytes(TEAM_MAC)))
                .equals(port.installedFilter()));
        assertEquals(0, port.counters().rxDropped());
    }

    @Test
    void givenFramesLongerThanTheMtu_whenReceived_thenTheyAreDroppedAndCounted() throws Exception {
        // a peer with a larger MTU can send them; the port keeps its MTU of 1500
        ns.ip("link", "set", PEER_IF, "mtu", "9000");
        ns.ip("link", "set", PORT_IF, "mtu", "9000");
        long before = port.counters().rxDropped();
        peer.send(frame(BROADCAST, CLIENT_MAC, 0, 1515, 1)); // one byte over, untagged
        peer.send(frame(BROADCAST, CLIENT_MAC, 1, 4000, 2));
        peer.send(frame(BROADCAST, CLIENT_MAC, 0, 1514, 3));
        assertEquals(3, marker(nextFrom(CLIENT_MAC)), "only the frame within the MTU is delivered");
        await("2 oversize frames counted", () -> port.counters().rxDropped() - before >= 2);
    }

    @Test
    void givenNoReceiver_whenFramesArrive_thenTheyAreCountedAsDropped() throws Exception {
        port.setReceiver(null);
        long before = port.counters().rxDropped();
        peer.send(frame(BROADCAST, CLIENT_MAC, 0, 60, 1));
        await("the frame counted as dropped", () -> port.counters().rxDropped() > before);
    }

    @Test
    void givenAReceiverThatStalls_whenABurstArrives_thenWhatTheRingCouldNotHoldIsCountedAsDropped() throws Exception {
        ns.addVethPair("pp-small", "pp-small-p");
        PcapPortSettings small = new PcapPortSettings("small-eth", "pp-small", ns.name(), 1500, 64, true, 1000);
        CountDownLatch stall = new CountDownLatch(1);
        try (PcapEthernetPort p = PcapEthernetPort.open(small); PeerWire wire = PeerWire.open(ns.netns(), "pp-small-p")) {
            p.setReceiver((frame, offset, length) -> {
                try {
                    stall.await(5, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            int burst = 300;
            for (int i = 0; i < burst; i++) {
                wire.send(frame(BROADCAST, CLIENT_MAC, 0, 1000, i));
            }
            Thread.sleep(100);
            stall.countDown();
            await("every frame delivered or counted", () -> {
                PortCounters c = p.counters();
                return c.rxFrames() + c.rxDropped() == burst;
            });
            PortCounters c = p.counters();
            System.out.printf("PcapEthernetPort: 64 KiB ring, stalled receiver, burst of %d: %d delivered, %d dropped%n",
                    burst, c.rxFrames(), c.rxDropped());
            assertTrue(c.rxDropped() > 0, c.toString());
        }
    }

    @Test
    void givenAReceiverThatStalls_whenFramesArrive_thenThePortSaysFramesWait_andNoLongerOnceTheyAreHandedOn()
            throws Exception {
        CountDownLatch stall = new CountDownLatch(1);
        AtomicInteger handedOn = new AtomicInteger();
        port.setReceiver((frame, offset, length) -> {
            try {
                stall.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            handedOn.incrementAndGet();
        });
        assertFalse(port.receivePending(), "nothing has arrived");
        for (int i = 0; i < 5; i++) {
            peer.send(frame(BROADCAST, CLIENT_MAC, 0, 60, i));
        }
        await("the frames wait in the ring behind the stalled one", port::receivePending);
        stall.countDown();
        await("all five handed on", () -> handedOn.get() == 5);
        assertFalse(port.receivePending(), "handed on: nothing waits");
    }

    // ---- send -----------------------------------------------------------------------------

    @Test
    void givenFramesSentByThePort_thenThePeerGetsThemByteExact_andThePortDoesNotHearItself() throws Exception {
        byte[] tagged = frame(CLIENT_MAC, TEAM_MAC, 1, 200, 1);
        byte[] untagged = frame(CLIENT_MAC, TEAM_MAC, 0, 60, 2);
        byte[] inBuffer = new byte[300];
        System.arraycopy(tagged, 0, inBuffer, 50, tagged.length);
        assertTrue(port.send(ByteBuffer.wrap(inBuffer), 50, tagged.length), "from the middle of a buffer");
        assertTrue(port.send(ByteBuffer.wrap(untagged), 0, untagged.length));
        assertArrayEquals(tagged, peer.takeFrom(TEAM_MAC, WAIT_MS));
        assertArrayEquals(untagged, peer.takeFrom(TEAM_MAC, WAIT_MS));
        assertNull(nextFrom(TEAM_MAC, 200), "inbound only: the port's own frames do not come back");
        PortCounters c = port.counters();
        assertEquals(2, c.txFrames());
        assertEquals(260, c.txBytes());
    }

    @Test
    void givenMalformedOrOversizeFrames_whenSent_thenRefusedAndCounted() {
        ByteBuffer b = ByteBuffer.wrap(new byte[2000]);
        assertFalse(port.send(b, 0, 13), "shorter than a header");
        assertFalse(port.send(b, 0, 1515), "untagged, one byte over the MTU");
        assertFalse(port.send(ByteBuffer.wrap(frame(CLIENT_MAC, TEAM_MAC, 1, 1519, 1)), 0, 1519), "tagged, over");
        assertFalse(port.send(b, 1990, 60), "past the buffer's end");
        assertFalse(port.send(b, -1, 60), "negative offset");
        assertTrue(port.send(ByteBuffer.wrap(frame(CLIENT_MAC, TEAM_MAC, 1, 1518, 1)), 0, 1518), "tagged, largest");
        assertEquals(5, port.counters().txDropped());
        assertEquals(1, port.counters().txFrames());
    }

    @Test
    void givenSendersOnSeveralThreads_whenTheySendAtOnce_thenEveryFrameLeavesIntact() throws Exception {
        int threads = 4;
        int perThread = 100; // 400 in all: within the peer's backlog (netdev_max_backlog 1000)
        AtomicInteger refused = new AtomicInteger();
        List<Thread> senders = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int base = t * perThread;
            senders.add(new Thread(() -> {
                for (int i = 0; i < perThread; i++) {
                    byte[] f = frame(CLIENT_MAC, TEAM_MAC, 1 + (base + i) % 2, 64 + (base + i) % 1000, base + i);
                    if (!port.send(ByteBuffer.wrap(f), 0, f.length)) {
                        refused.incrementAndGet();
                    }
                }
            }));
        }
        senders.forEach(Thread::start);
        for (Thread s : senders) {
            s.join(10_000);
        }
        assertEquals(0, refused.get());
        Set<Integer> seen = new TreeSet<>();
        for (int i = 0; i < threads * perThread; i++) {
            byte[] f = peer.takeFrom(TEAM_MAC, WAIT_MS);
            assertNotNull(f, "frame " + i + " of " + threads * perThread);
            int m = marker(f);
            assertEquals(64 + m % 1000, f.length, "frame " + m + " whole");
            assertArrayEquals(frame(CLIENT_MAC, TEAM_MAC, 1 + m % 2, f.length, m), f, "frame " + m + " intact");
            seen.add(m);
        }
        assertEquals(threads * perThread, seen.size());
    }

    // ---- filter ---------------------------------------------------------------------------

    @Test
    void givenTheOwnersAddresses_whenFramesArrive_thenOnlyThoseToThemOrToAGroupAndNotFromThemPass()
            throws Exception {
        port.setAddresses(List.of(Frames.macBytes(TEAM_MAC)));
        await("filter installed", () -> PcapEthernetPort.filterFor(List.of(Frames.macBytes(TEAM_MAC)))
                .equals(port.installedFilter()));
        int marker = 0;
        List<Integer> expected = new ArrayList<>();
        for (int vlan : new int[] { 0, 1 }) {
            peer.send(frame(TEAM_MAC, CLIENT_MAC, vlan, 80, ++marker)); // to us
            expected.add(marker);
            peer.send(frame(OTHER_MAC, CLIENT_MAC, vlan, 80, ++marker)); // other unicast: filtered
            peer.send(frame(BROADCAST, CLIENT_MAC, vlan, 80, ++marker)); // broadcast
            expected.add(marker);
            peer.send(frame(MULTICAST, CLIENT_MAC, vlan, 80, ++marker)); // multicast
            expected.add(marker);
            peer.send(frame(BROADCAST, TEAM_MAC, vlan, 80, ++marker)); // our own flooded back: filtered
            peer.send(frame(TEAM_MAC, TEAM_MAC, vlan, 80, ++marker)); // from us to us: filtered
        }
        peer.send(frame(BROADCAST, CLIENT_MAC, 0, 60, 1000)); // the end
        expected.add(1000);
        List<Integer> got = new ArrayList<>();
        byte[] f;
        while ((f = nextFrom(CLIENT_MAC, WAIT_MS)) != null) {
            got.add(marker(f));
            if (marker(f) == 1000) {
                break;
            }
        }
        assertEquals(expected, got);
        assertNull(nextFrom(TEAM_MAC, 100), "nothing from the team MAC reached the receiver");

        port.setAddresses(List.of());
        await("filter lifted", () -> "".equals(port.installedFilter()));
        peer.send(frame(OTHER_MAC, CLIENT_MAC, 0, 60, 2000));
        assertEquals(2000, marker(nextFrom(CLIENT_MAC)), "no filter: other unicast passes");
    }

    @Test
    void givenAStreamToTheTeam_whenTheFilterChangesManyTimesMeanwhile_thenEveryFrameArrivesOnce_inOrder()
            throws Exception {
        // Both lists take the team MAC: whatever the filter of the moment, no frame of the stream may be lost.
        List<byte[]> withX = List.of(Frames.macBytes(TEAM_MAC), Frames.macBytes(X_MAC));
        List<byte[]> withY = List.of(Frames.macBytes(TEAM_MAC), Frames.macBytes(Y_MAC));
        setAddressesAndWait(withX);
        PortCounters before = port.counters();
        int changes = 100;
        int minFrames = 2000;
        int maxFrames = 40_000;
        // 20 000 frames/s: a frame every 50 us, so that a moment of rejecting everything (libpcap's
        // pcap_setfilter, some 10-20 us per change) would cost frames in almost every run
        int rate = 20_000;
        long intervalNanos = TimeUnit.SECONDS.toNanos(1) / rate;
        CountDownLatch changesDone = new CountDownLatch(1);
        AtomicInteger sent = new AtomicInteger();
        Thread sender = new Thread(() -> {
            long next = System.nanoTime();
            try {
                for (int i = 0; i < maxFrames && (i < minFrames || changesDone.getCount() > 0); i++) {
                    while (System.nanoTime() < next) {
                        Thread.onSpinWait();
                    }
                    next += intervalNanos;
                    peer.send(frame(TEAM_MAC, CLIENT_MAC, i % 2, 60, i));
                    sent.incrementAndGet();
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, "filter test stream");
        sender.start();
        long firstChange = System.nanoTime();
        for (int i = 0; i < changes; i++) {
            setAddressesAndWait(i % 2 == 0 ? withY : withX);
            Thread.sleep(5);
        }
        long changeMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - firstChange);
        changesDone.countDown();
        sender.join(60_000);
        assertFalse(sender.isAlive(), "the stream ends");
        int count = sent.get();
        assertTrue(count < maxFrames, "the " + changes + " changes took " + changeMillis + " ms, longer than the stream");

        List<Integer> got = new ArrayList<>();
        byte[] f;
        while (got.size() < count && (f = nextFrom(CLIENT_MAC, WAIT_MS)) != null) {
            got.add(marker(f));
        }
        assertNull(nextFrom(CLIENT_MAC, 100), "no frame twice");
        List<Integer> missing = new ArrayList<>();
        for (int i = 0, at = 0; i < count; i++) {
            if (at < got.size() && got.get(at) == i) {
                at++;
            } else {
                missing.add(i);
            }
        }
        assertEquals(List.of(), missing, "frames lost while the filter changed (" + got.size() + " of " + count + ")");
        assertEquals(count, got.size(), "every frame once, in order");
        PortCounters after = port.counters();
        assertEquals(count, after.rxFrames() - before.rxFrames(), "rxFrames counts the stream");
        assertEquals(before.rxDropped(), after.rxDropped(), "nothing dropped");
        assertEquals(0, port.filterFailures());
        System.out.println("PcapEthernetPort: " + count + " frames at " + rate + "/s, " + changes + " filter changes in "
                + changeMillis + " ms: " + got.size() + " arrived");

        // ...and each change really took effect: the MAC dropped stops arriving, the one added starts
        setAddressesAndWait(withX);
        peer.send(frame(Y_MAC, CLIENT_MAC, 0, 60, 3001)); // filtered
        peer.send(frame(X_MAC, CLIENT_MAC, 0, 60, 3002));
        setAddressesAndWait(withY);
        peer.send(frame(X_MAC, CLIENT_MAC, 0, 60, 3003)); // filtered
        peer.send(frame(Y_MAC, CLIENT_MAC, 1, 60, 3004));
        assertEquals(3002, marker(nextFrom(CLIENT_MAC)));
        assertEquals(3004, marker(nextFrom(CLIENT_MAC)));
        assertNull(nextFrom(CLIENT_MAC, 100), "the MACs no longer in the list were filtered");
        assertEquals(count + 2, port.counters().rxFrames() - before.rxFrames());
    }

    @Test
    void givenAddressLists_thenTheFilterExpressionCompilesAndNamesEachOnce() throws Exception {
        byte[] a = Frames.macBytes(0x02_00_00_00_0A_01L);
        byte[] b = Frames.macBytes(TEAM_MAC);
        String f = PcapEthernetPort.filterFor(List.of(b, a, b.clone()));
        assertEquals("(ether multicast or ether dst 02:00:00:00:0a:01 or ether dst 02:00:00:00:7e:a1)"
                + " and not (ether src 02:00:00:00:0a:01 or ether src 02:00:00:00:7e:a1)", f);
        assertEquals("", PcapEthernetPort.filterFor(List.of()));
        assertThrows(IllegalArgumentException.class, () -> port.setAddresses(List.of(new byte[5])));
        try (org.pcap4j.core.PcapHandle dead = org.pcap4j.core.Pcaps.openDead(
                org.pcap4j.packet.namednumber.DataLinkType.EN10MB, 1519)) {
            assertNotNull(dead.compileFilter(f, org.pcap4j.core.BpfProgram.BpfCompileMode.OPTIMIZE,
                    org.pcap4j.core.PcapHandle.PCAP_NETMASK_UNKNOWN));
        }
    }

    // ---- carrier --------------------------------------------------------------------------

    @Test
    void givenThePeerGoesDownAndUp_thenCarrierFalseThenTrueOnTheMonitorThread_andTheDelayIsPrinted()
            throws Exception {
        int rounds = 10;
        long changesBefore = port.counters().carrierChanges();
        long[] down = new long[rounds];
        long[] up = new long[rounds];
        long[] inProcess = new long[rounds]; // from reading the rtnetlink message to the listener
        for (int i = 0; i < rounds; i++) {
            long t0 = System.nanoTime();
            peerControl.setAdminUp(PEER_IF, false);
            long[] e = nextCarrierEvent();
            assertEquals(0, e[0], "carrier lost");
            down[i] = e[2] - t0;
            inProcess[i] = e[2] - e[1];
            assertFalse(port.carrier());
            assertFalse(port.send(ByteBuffer.wrap(frame(CLIENT_MAC, TEAM_MAC, 0, 60, 1)), 0, 60), "no carrier");

            t0 = System.nanoTime();
            peerControl.setAdminUp(PEER_IF, true);
            e = nextCarrierEvent();
            assertEquals(1, e[0], "carrier back");
            up[i] = e[2] - t0;
        }
        Arrays.sort(down);
        Arrays.sort(up);
        Arrays.sort(inProcess);
        System.out.printf("PcapEthernetPort: peer down -> CarrierListener(false): median %.1f us, max %.1f us"
                + " (rtnetlink message read -> listener: median %.1f us); peer up -> CarrierListener(true):"
                + " median %.1f us, max %.1f us (%d rounds)%n", down[rounds / 2] / 1e3, down[rounds - 1] / 1e3,
                inProcess[rounds / 2] / 1e3, up[rounds / 2] / 1e3, up[rounds - 1] / 1e3, rounds);
        assertEquals(2L * rounds, port.counters().carrierChanges() - changesBefore);
        assertTrue(down[rounds / 2] < TimeUnit.MILLISECONDS.toNanos(5), "median " + down[rounds / 2] + " ns");
        assertTrue(port.counters().txDropped() >= rounds);
        // and frames flow again
        peer.send(frame(BROADCAST, CLIENT_MAC, 0, 60, 77));
        assertEquals(77, marker(nextFrom(CLIENT_MAC)));
    }

    @Test
    void givenThePortInterfaceDeleted_whenItComesBack_thenCarrierFollowsAndTheCaptureReopens() throws Exception {
        assertEquals(1, port.captureOpens());
        peer.close();
        peer = null;
        ns.ip("link", "del", PORT_IF); // takes the peer with it
        assertEquals(0, nextCarrierEvent()[0]);
        await("capture closed", () -> !port.capturing());
        assertFalse(port.link().exists());

        ns.addVethPair(PORT_IF, PEER_IF);
        assertEquals(1, nextCarrierEvent()[0], "carrier again, on the new interface");
        assertEquals(2, port.captureOpens());
        peer = PeerWire.open(ns.netns(), PEER_IF);
        peer.send(frame(BROADCAST, CLIENT_MAC, 1, 64, 5));
        assertEquals(5, marker(nextFrom(CLIENT_MAC)));
        assertTrue(port.send(ByteBuffer.wrap(frame(CLIENT_MAC, TEAM_MAC, 1, 64, 6)), 0, 64));
        assertEquals(6, marker(peer.takeFrom(TEAM_MAC, WAIT_MS)));
    }

    @Test
    void givenThePortInterfaceSetDown_whenSetUpAgain_thenTheCaptureReopensAndFramesFlow() throws Exception {
        peerControl.setAdminUp(PORT_IF, false);
        assertEquals(0, nextCarrierEvent()[0]);
        await("capture closed", () -> !port.capturing());
        peerControl.setAdminUp(PORT_IF, true);
        assertEquals(1, nextCarrierEvent()[0]);
        assertEquals(2, port.captureOpens());
        peer.send(frame(BROADCAST, CLIENT_MAC, 0, 60, 9));
        assertEquals(9, marker(nextFrom(CLIENT_MAC)));
    }

    @Test
    void givenAnAbsentInterface_whenThePortOpens_thenItWaitsWithoutCarrier_andOpensWhenItAppears()
            throws Exception {
        try (PcapEthernetPort late = PcapEthernetPort.open(PcapPortSettings.of("late-eth", "pp-late", ns.name()))) {
            assertFalse(late.carrier());
            assertFalse(late.capturing());
            ns.ip("link", "add", "pp-late", "type", "veth", "peer", "name", "pp-late-peer");
            ns.ip("link", "set", "pp-late-peer", "up");
            ns.ip("link", "set", "pp-late", "up");
            await("the late interface captured, with carrier", late::carrier);
        }
    }

    @Test
    void givenAMissingNamespace_whenOpening_thenTheErrorNamesIt() {
        IOException e = assertThrows(IOException.class,
                () -> PcapEthernetPort.open(PcapPortSettings.of("x", "eth0", "vt-pp-no-such-ns")));
        assertTrue(e.getMessage().contains("vt-pp-no-such-ns"), e.getMessage());
    }

    // ---- close ----------------------------------------------------------------------------

    @Test
    void givenAnOpenPort_whenClosed_thenWithinASecondNoThreadIsLeftAndListenersHearCarrierLoss() throws Exception {
        peerControl.close(); // the test's own monitor, so that any thread of this namespace left is the port's
        long t0 = System.nanoTime();
        port.close();
        long took = System.nanoTime() - t0;
        System.out.printf("PcapEthernetPort: close took %.1f ms%n", took / 1e6);
        assertTrue(took < TimeUnit.SECONDS.toNanos(1), took / 1_000_000 + " ms");
        assertFalse(port.threadsAlive());
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            assertFalse(t.getName().contains("test-eth") || t.getName().contains("netns " + ns.name()),
                    "thread left: " + t.getName());
        }
        assertEquals(0, nextCarrierEvent()[0]);
        assertFalse(port.send(ByteBuffer.wrap(frame(CLIENT_MAC, TEAM_MAC, 0, 60, 1)), 0, 60));
    }

    // ---- helpers --------------------------------------------------------------------------

    byte[] nextFrom(long source) throws InterruptedException {
        byte[] f = nextFrom(source, WAIT_MS);
        assertNotNull(f, "no frame from " + Frames.formatMac(source) + " within " + WAIT_MS + " ms");
        return f;
    }

    /** The next delivered frame from {@code source}, skipping others (the kernel's IPv6 chatter). */
    byte[] nextFrom(long source, long millis) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        long left;
        while ((left = end - System.nanoTime()) > 0) {
            byte[] f = delivered.poll(left, TimeUnit.NANOSECONDS);
            if (f != null && Frames.mac(ByteBuffer.wrap(f), Frames.SOURCE_OFFSET) == source) {
                return f;
            }
        }
        return null;
    }

    /** {up 1/0, nanoTime given, nanoTime when the listener ran}. */
    long[] nextCarrierEvent() throws InterruptedException {
        long[] e = carrierEvents.poll(WAIT_MS, TimeUnit.MILLISECONDS);
        assertNotNull(e, "no carrier change within " + WAIT_MS + " ms");
        return e;
    }

    /** Sets the port's addresses and waits until the capture runs their filter. */
    void setAddressesAndWait(List<byte[]> macs) throws InterruptedException {
        port.setAddresses(macs);
        String wanted = PcapEthernetPort.filterFor(macs);
        await("filter installed: " + wanted, () -> wanted.equals(port.installedFilter()));
    }

    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MS);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("not within " + WAIT_MS + " ms: " + what);
            }
            Thread.sleep(5);
        }
    }
}
