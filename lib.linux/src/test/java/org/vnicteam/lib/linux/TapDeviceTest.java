package org.vnicteam.lib.linux;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.pcap4j.packet.EthernetPacket;
import org.pcap4j.packet.Packet;
import org.pcap4j.util.MacAddress;
import org.vnicteam.lib.pcap4j.Pcap4j;

/**
 * Real TAP interfaces in a namespace of this test's own. Needs root and iproute2; fails, never
 * skips, without.
 */
class TapDeviceTest {

    static final long PID = ProcessHandle.current().pid();
    static final String TAP = "vtt" + PID;
    static final byte[] TAP_MAC = { 0x02, 0x76, 0x74, 0x00, 0x00, 0x01 };
    static final byte[] PEER_MAC = { 0x02, 0x76, 0x74, 0x00, 0x00, 0x02 };
    static final String TAP_IP = "198.18.200.1";
    static final String PEER_IP = "198.18.200.2";

    static TestNamespace testNs;
    static NetNamespace ns;

    @BeforeAll
    static void createNamespace() throws Exception {
        Pcap4j.init();
        testNs = TestNamespace.create("vt-taptest-");
        ns = testNs.netns();
    }

    @AfterAll
    static void deleteNamespace() throws Exception {
        testNs.close();
    }

    static String ip(String... args) throws Exception {
        return testNs.ip(args);
    }

    static TapDevice configured(String name) throws Exception {
        TapDevice tap = TapDevice.open(ns, name);
        tap.setMac(TAP_MAC);
        tap.setMtu(1400);
        tap.setAddress(InetAddress.getByName(TAP_IP).getAddress(), 24);
        tap.setUp(true);
        return tap;
    }

    @Test
    void givenATestNamespace_whenATapIsOpenedAndConfigured_thenItAppearsThereWithItsMacMtuAndAddress()
            throws Exception {
        try (TapDevice tap = configured(TAP)) {
            assertEquals(TAP, tap.name());
            String link = ip("-o", "link", "show", "dev", TAP);
            assertTrue(link.contains("link/ether 02:76:74:00:00:01"), link);
            assertTrue(link.contains("mtu 1400"), link);
            assertTrue(link.contains(",UP"), link);
            String addr = ip("-o", "-4", "addr", "show", "dev", TAP);
            assertTrue(addr.contains("inet " + TAP_IP + "/24"), addr);
            assertTrue(ip("route", "show").contains("198.18.200.0/24 dev " + TAP), "the kernel added the subnet route");
            assertArrayEquals(TAP_MAC, tap.mac());
            assertEquals(1400, tap.mtu());
            assertTrue(tap.isUp());
            assertTrue(tap.index() > 0);
            assertFalse(Shell.run("ip", "-o", "link", "show").contains(TAP + ":"), "not in the test's own namespace");
        }
    }

    @Test
    void givenAnUpTap_whenTheCarrierIsSetOffAndOn_thenTheKernelShowsNoCarrierAndThenCarrier() throws Exception {
        try (TapDevice tap = configured(TAP)) {
            tap.setCarrier(false);
            String off = ip("-o", "link", "show", "dev", TAP);
            assertTrue(off.contains("NO-CARRIER") && off.contains("state DOWN"), off);
            tap.setCarrier(true);
            String on = ip("-o", "link", "show", "dev", TAP);
            assertFalse(on.contains("NO-CARRIER"), on);
        }
    }

    /**
     * The namespace pings the peer (InetAddress.isReachable sends ICMP echo as root) while this
     * thread plays the peer on the TAP: the ARP request and the echo request are read from the fd,
     * the ARP reply and the echo reply written into it reach the kernel (the ping succeeds, the
     * neighbour table holds the peer's MAC).
     */
    @Test
    void givenAPeerAnsweredThroughTheFd_whenTheNamespacePingsIt_thenArpAndEchoAreReadAndTheRepliesReceived()
            throws Exception {
        try (TapDevice tap = configured(TAP)) {
            CompletableFuture<Boolean> ping = CompletableFuture.supplyAsync(() -> {
                try {
                    return ns.call(() -> InetAddress.getByName(PEER_IP).isReachable(3_000));
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            AtomicInteger arpRequests = new AtomicInteger();
            AtomicInteger echoRequests = new AtomicInteger();
            byte[] buf = new byte[2048];
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (!ping.isDone() && System.nanoTime() < deadline) {
                int n = tap.read(buf, 100);
                if (n > 0) {
                    Packet reply = answer(EthernetPacket.newPacket(buf, 0, n), arpRequests, echoRequests);
                    if (reply != null) {
                        byte[] raw = reply.getRawData();
                        assertTrue(tap.write(raw, 0, raw.length));
                    }
                }
            }
            assertTrue(ping.get(1, TimeUnit.SECONDS), "the echo reply written into the fd reached the pinger");
            assertTrue(arpRequests.get() >= 1, "ARP request for the peer read from the fd");
            assertTrue(echoRequests.get() >= 1, "ICMP echo request read from the fd");
            String neigh = ip("neigh", "show", PEER_IP);
            assertTrue(neigh.contains("lladdr 02:76:74:00:00:02"), "the ARP reply reached the kernel: " + neigh);
        }
    }

    /** The peer: answers ARP for PEER_IP and echo requests to it, counting them; null for anything else. */
    static Packet answer(EthernetPacket frame, AtomicInteger arpRequests, AtomicInteger echoRequests)
            throws Exception {
        MacAddress peerMac = MacAddress.getByAddress(PEER_MAC);
        Inet4Address peerIp = (Inet4Address) InetAddress.getByName(PEER_IP);
        EthernetPacket reply = PeerFrames.arpReply(frame, peerMac, peerIp);
        if (reply != null) {
            assertEquals(MacAddress.getByAddress(TAP_MAC), frame.getHeader().getSrcAddr(), "asked from the TAP's MAC");
            arpRequests.incrementAndGet();
            return reply;
        }
        reply = PeerFrames.echoReply(frame, peerMac, peerIp);
        if (reply != null) {
            echoRequests.incrementAndGet();
        }
        return reply;
    }

    @Test
    void givenAReaderWaitingLong_whenTheTapIsClosed_thenTheReaderEndsAtOnceAndTheInterfaceDisappears()
            throws Exception {
        TapDevice tap = configured(TAP);
        CompletableFuture<Integer> reader = CompletableFuture.supplyAsync(() -> {
            try {
                byte[] buf = new byte[2048];
                int n;
                do {
                    n = tap.read(buf, 10_000);
                } while (n >= 0);
                return n;
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(100); // the reader is in poll
        long t0 = System.nanoTime();
        tap.close();
        assertEquals(TapDevice.CLOSED, reader.get(1, TimeUnit.SECONDS));
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertTrue(millis < 500, "reader ended " + millis + " ms after close");
        assertFalse(testNs.hasInterface(TAP), "a TAP it created goes with the fd");
        assertFalse(tap.isOpen());
        tap.close(); // again: nothing
        IOException e = assertThrows(IOException.class, () -> tap.write(new byte[60], 0, 60));
        assertTrue(e.getMessage().contains("closed") && e.getMessage().contains(TAP), e.getMessage());
        assertThrows(IOException.class, () -> tap.setCarrier(true));
    }

    @Test
    void givenAPersistentTap_whenOpenedAndClosed_thenItIsAttachedAndStays() throws Exception {
        String name = "vtp" + PID;
        ip("tuntap", "add", "dev", name, "mode", "tap");
        try {
            try (TapDevice tap = TapDevice.open(ns, name)) {
                tap.setUp(true);
                assertFalse(ip("-o", "link", "show", "dev", name).contains("NO-CARRIER"), "attached: carrier");
            }
            assertTrue(ip("-o", "link", "show", "dev", name).contains("NO-CARRIER"), "detached, still there");
        } finally {
            ip("tuntap", "del", "dev", name, "mode", "tap");
        }
    }

    @Test
    void givenADownTap_whenAFrameIsWritten_thenItIsRefusedWithoutAnError() throws Exception {
        try (TapDevice tap = TapDevice.open(ns, TAP)) {
            byte[] frame = new byte[60];
            System.arraycopy(TAP_MAC, 0, frame, 0, 6);
            System.arraycopy(PEER_MAC, 0, frame, 6, 6);
            frame[12] = 0x08;
            assertFalse(tap.write(frame, 0, frame.length), "interface down: EIO, a counted drop");
            assertEquals(0, tap.read(new byte[2048], 10), "nothing to read: 0 after the timeout");
        }
    }

    @Test
    void givenBadInput_whenOpeningOrConfiguring_thenClearErrors() throws Exception {
        assertThrows(IllegalArgumentException.class, () -> TapDevice.open(ns, "a-name-of-16-chr"));
        assertThrows(IllegalArgumentException.class, () -> TapDevice.open(ns, "a/b"));
        assertThrows(IllegalArgumentException.class, () -> TapDevice.open(ns, ""));
        IOException missing = assertThrows(IOException.class,
                () -> TapDevice.open(NetNamespace.named("vt-no-such-ns"), TAP));
        assertTrue(missing.getMessage().contains("vt-no-such-ns"), missing.getMessage());
        IOException notTap = assertThrows(IOException.class, () -> TapDevice.open(ns, "lo"));
        assertTrue(notTap.getMessage().contains("TUNSETIFF") && notTap.getMessage().contains("lo")
                && notTap.getMessage().contains("errno"), notTap.getMessage());
        try (TapDevice tap = TapDevice.open(ns, TAP)) {
            assertThrows(IllegalArgumentException.class, () -> tap.setMac(new byte[5]));
            assertThrows(IllegalArgumentException.class, () -> tap.setAddress(new byte[4], 33));
            assertThrows(IllegalArgumentException.class, () -> tap.write(new byte[60], 10, 60));
            IOException mtu = assertThrows(IOException.class, () -> tap.setMtu(10));
            assertTrue(mtu.getMessage().contains("SIOCSIFMTU") && mtu.getMessage().contains(TAP), mtu.getMessage());
            IOException busy = assertThrows(IOException.class, () -> TapDevice.open(ns, TAP));
            assertTrue(busy.getMessage().contains("TUNSETIFF"), busy.getMessage());
        }
    }
}
