package org.vnicteam.host.driver.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Proxy;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.pcap4j.packet.ArpPacket;
import org.pcap4j.packet.EthernetPacket;
import org.pcap4j.packet.IpV4Packet;
import org.pcap4j.packet.UdpPacket;
import org.pcap4j.util.MacAddress;
import org.vnicteam.api.host.FailbackPolicy;
import org.vnicteam.api.host.Miniport;
import org.vnicteam.api.host.MiniportStatus;
import org.vnicteam.api.host.Team;
import org.vnicteam.api.host.TeamStatus;
import org.vnicteam.lib.linux.NetNamespace;
import org.vnicteam.lib.linux.PeerFrames;
import org.vnicteam.lib.linux.TestNamespace;
import org.vnicteam.lib.pcap4j.Pcap4j;

/**
 * The TAP upper binding with a real TAP in a namespace of this test's own, wired to a recording
 * miniport: the server's kernel talks UDP to a peer whose frames the test writes through the
 * binding. Needs root and iproute2; fails, never skips, without.
 */
class TapUpperComponentTest {

    static final String IF = "vtu" + ProcessHandle.current().pid();
    static final String TEAM_MAC = "02:76:6e:00:00:01";
    static final String SERVER_IP = "198.18.201.1";
    static final String PEER_IP = "198.18.201.2";
    static final MacAddress PEER_MAC = MacAddress.getByName("02:76:74:00:00:02");
    static final long WAIT_MILLIS = 3_000;

    static TestNamespace testNs;
    static NetNamespace ns;
    TapUpperComponent component;

    /** The miniport below: records what the binding sends down; refuses when told to. */
    static final class RecordingMiniport implements Miniport {
        final BlockingQueue<byte[]> sent = new LinkedBlockingQueue<>();
        volatile boolean refuse;

        @Override
        public String name() {
            return "vlan1";
        }

        @Override
        public int vlan() {
            return 1;
        }

        @Override
        public boolean mediaConnected() {
            return true;
        }

        @Override
        public boolean send(ByteBuffer frame, int offset, int length) {
            byte[] f = new byte[length];
            frame.get(offset, f);
            sent.add(f);
            return !refuse;
        }

        @Override
        public MiniportStatus status() {
            throw new UnsupportedOperationException();
        }

        /** The first frame sent down that matches, within WAIT_MILLIS (others, e.g. IPv6, are skipped). */
        EthernetPacket next(Predicate<EthernetPacket> match) throws Exception {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MILLIS);
            for (long left; (left = deadline - System.nanoTime()) > 0;) {
                byte[] f = sent.poll(left, TimeUnit.NANOSECONDS);
                if (f != null) {
                    EthernetPacket p = EthernetPacket.newPacket(f, 0, f.length);
                    if (match.test(p)) {
                        return p;
                    }
                }
            }
            throw new AssertionError("no matching frame from the kernel within " + WAIT_MILLIS + " ms");
        }
    }

    @BeforeAll
    static void createNamespace() throws Exception {
        Pcap4j.init();
        testNs = TestNamespace.create("vt-tapup-");
        ns = testNs.netns();
    }

    @AfterAll
    static void deleteNamespace() throws Exception {
        testNs.close();
    }

    @AfterEach
    void deactivate() throws Exception {
        if (component != null) {
            component.deactivate();
        }
    }

    static Team team() {
        TeamStatus s = new TeamStatus("team0", TEAM_MAC, FailbackPolicy.NONE, "", 0, 0, null, false, List.of(),
                null, 0, null, List.of());
        return (Team) Proxy.newProxyInstance(Team.class.getClassLoader(), new Class<?>[] { Team.class },
                (proxy, method, args) -> method.getName().equals("status") ? s : null);
    }

    static TapUpperComponent activate(Map<String, Object> overrides) throws Exception {
        Map<String, Object> c = new HashMap<>(Map.of("upper_name", "server-vlan1", "interface$", IF,
                "namespace", testNs.name(), "address", SERVER_IP + "/24"));
        c.putAll(overrides);
        return new TapUpperComponent(team(), Configs.of(TapUpperComponent.Config.class, c));
    }

    static String link() throws Exception {
        return testNs.ip("-o", "link", "show", "dev", IF);
    }

    static boolean readerAlive() {
        return Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().startsWith("tap " + IF));
    }

    @Test
    void givenAConfiguration_whenActivated_thenTheTapHasTheTeamMacAddressMtuAndCarrierFollowsTheMedia()
            throws Exception {
        component = activate(Map.of("mtu", 1400));
        String l = link();
        assertTrue(l.contains("link/ether " + TEAM_MAC) && l.contains("mtu 1400"), l);
        assertTrue(l.contains("NO-CARRIER") && l.contains(",UP"), "up, no carrier before the media connects: " + l);
        String addr = testNs.ip("-o", "-4", "addr", "show", "dev", IF);
        assertTrue(addr.contains("inet " + SERVER_IP + "/24"), addr);

        RecordingMiniport m = new RecordingMiniport();
        component.bind(m);
        component.mediaStateChanged(true);
        assertFalse(link().contains("NO-CARRIER"), link());
        component.mediaStateChanged(false);
        assertTrue(link().contains("NO-CARRIER"), link());
        component.mediaStateChanged(true);
        component.unbind(m);
        assertTrue(link().contains("NO-CARRIER"), "no miniport, no carrier: " + link());

        long t0 = System.nanoTime();
        component.deactivate();
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        component = null;
        assertTrue(millis < 1_000, "deactivated in " + millis + " ms");
        assertFalse(readerAlive(), "the reader thread is gone");
        assertFalse(testNs.hasInterface(IF), "the TAP is gone");
    }

    @Test
    void givenABoundMiniport_whenTheServerSendsUdp_thenArpAndTheDatagramGoDownAndTheAnswersReachTheSocket()
            throws Exception {
        component = activate(Map.of());
        RecordingMiniport m = new RecordingMiniport();
        component.bind(m);
        component.mediaStateChanged(true);
        Inet4Address server = (Inet4Address) InetAddress.getByName(SERVER_IP);
        Inet4Address peer = (Inet4Address) InetAddress.getByName(PEER_IP);
        MacAddress teamMac = MacAddress.getByName(TEAM_MAC);

        try (DatagramSocket socket = ns.call(() -> new DatagramSocket(new InetSocketAddress(server, 0)))) {
            socket.setSoTimeout((int) WAIT_MILLIS);
            byte[] hello = "hello".getBytes(StandardCharsets.US_ASCII);
            socket.send(new DatagramPacket(hello, hello.length, peer, 7));

            EthernetPacket request = m.next(p -> p.contains(ArpPacket.class));
            assertEquals(teamMac, request.getHeader().getSrcAddr(), "untagged, from the team MAC");
            assertEquals(server, request.get(ArpPacket.class).getHeader().getSrcProtocolAddr());
            byte[] reply = PeerFrames.arpReply(request, PEER_MAC, peer).getRawData();
            component.receive(ByteBuffer.wrap(reply), 0, reply.length);

            EthernetPacket datagram = m.next(p -> p.contains(UdpPacket.class));
            assertEquals(PEER_MAC, datagram.getHeader().getDstAddr(), "the kernel took the ARP reply");
            assertEquals(peer, datagram.get(IpV4Packet.class).getHeader().getDstAddr());
            assertEquals("hello", new String(datagram.get(UdpPacket.class).getPayload().getRawData(),
                    StandardCharsets.US_ASCII));

            byte[] answer = PeerFrames.udp(teamMac, PEER_MAC, peer, 7, server, socket.getLocalPort(),
                    "olleh".getBytes(StandardCharsets.US_ASCII)).getRawData();
            // a frame in the middle of a buffer, as the miniport passes it up
            ByteBuffer up = ByteBuffer.allocate(answer.length + 20).put(20, answer);
            component.receive(up, 20, answer.length);
            DatagramPacket in = new DatagramPacket(new byte[64], 64);
            socket.receive(in);
            assertEquals("olleh", new String(in.getData(), 0, in.getLength(), StandardCharsets.US_ASCII));
        }
        TapUpperComponent.Counters k = component.counters();
        assertTrue(k.downFrames() >= 2, k.toString());
        assertEquals(2, k.upFrames(), k.toString());
        assertEquals(0, k.upDroppedKernel() + k.upErrors() + k.downDroppedMiniport() + k.downDroppedUnbound(),
                k.toString());
    }

    @Test
    void givenNoMiniportOrOneThatRefuses_whenTheKernelSends_thenDropsAreCountedAndShown() throws Exception {
        component = activate(Map.of());
        component.mediaStateChanged(true);
        try (DatagramSocket socket = ns.call(() -> new DatagramSocket())) {
            socket.send(new DatagramPacket(new byte[1], 1, InetAddress.getByName("198.18.201.3"), 7));
            waitFor(() -> component.counters().downDroppedUnbound() >= 1, "a drop while unbound");

            RecordingMiniport m = new RecordingMiniport();
            m.refuse = true;
            component.bind(m);
            component.mediaStateChanged(true);
            socket.send(new DatagramPacket(new byte[1], 1, InetAddress.getByName("198.18.201.4"), 7));
            m.next(p -> p.contains(ArpPacket.class));
            waitFor(() -> component.counters().downDroppedMiniport() >= 1, "a drop by the miniport");
        }
        component.tap().setUp(false);
        byte[] frame = new byte[60];
        component.receive(ByteBuffer.wrap(frame), 0, frame.length);
        assertEquals(1, component.counters().upDroppedKernel(), "interface down: the kernel refuses, counted");
        component.receive(ByteBuffer.wrap(frame), 50, 20);
        assertEquals(1, component.counters().upErrors(), "bad bounds: counted, no exception");
        String text = component.toString();
        // (the kernel repeats its ARP requests: more than one frame may have been dropped each way)
        assertTrue(text.startsWith("upper server-vlan1: TAP " + IF + " in netns " + testNs.name() + " " + SERVER_IP + "/24 carrier;")
                && text.matches(".*dropped: [1-9]\\d* by the miniport, [1-9]\\d* unbound, 0 read errors.*")
                && text.endsWith("(dropped: 1 refused, 1 errors)"), text);
    }

    static void waitFor(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MILLIS);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + ": not within " + WAIT_MILLIS + " ms");
            }
            Thread.sleep(10);
        }
    }

    @Test
    void givenBadConfigurations_whenActivated_thenClearErrorsAndNothingLeftBehind() throws Exception {
        assertMessage(IllegalArgumentException.class, Map.of("interface$", ""), "interface is required");
        assertMessage(IllegalArgumentException.class, Map.of("address", SERVER_IP), "needs a prefix length");
        assertMessage(IllegalArgumentException.class, Map.of("address", "198.18.1/24"), "not an IPv4 address");
        assertMessage(IllegalArgumentException.class, Map.of("mac", "zz"), "not a MAC address");
        assertMessage(IllegalArgumentException.class, Map.of("mtu", 20), "mtu 20");
        assertMessage(IllegalArgumentException.class, Map.of("interface$", "a-name-too-long-x"), "1..15");
        assertMessage(IOException.class, Map.of("namespace", "vt-no-such-ns"), "vt-no-such-ns");
        assertMessage(IOException.class, Map.of("mtu", 9_000, "interface$", "lo"), "TUNSETIFF");
        assertFalse(readerAlive());
        assertFalse(testNs.hasInterface(IF), "no TAP left behind");
    }

    static void assertMessage(Class<? extends Exception> type, Map<String, Object> config, String text) {
        Exception e = assertThrows(type, () -> activate(config));
        assertNotNull(e.getMessage());
        assertTrue(e.getMessage().contains(text), e.getMessage());
    }
}
