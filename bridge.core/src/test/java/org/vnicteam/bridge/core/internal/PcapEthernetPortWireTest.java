package org.vnicteam.bridge.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pcap4j.packet.ArpPacket;
import org.pcap4j.packet.Dot1qVlanTagPacket;
import org.pcap4j.packet.EthernetPacket;
import org.pcap4j.packet.IpV4Packet;
import org.pcap4j.packet.IpV4Rfc791Tos;
import org.pcap4j.packet.Packet;
import org.pcap4j.packet.UdpPacket;
import org.pcap4j.packet.UnknownPacket;
import org.pcap4j.packet.namednumber.ArpHardwareType;
import org.pcap4j.packet.namednumber.ArpOperation;
import org.pcap4j.packet.namednumber.EtherType;
import org.pcap4j.packet.namednumber.IpNumber;
import org.pcap4j.packet.namednumber.IpVersion;
import org.pcap4j.packet.namednumber.UdpPort;
import org.pcap4j.util.MacAddress;
import org.vnicteam.lib.linux.Shell;
import org.vnicteam.lib.linux.TestNamespace;
import org.vnicteam.lib.pcap4j.Pcap4j;

/**
 * What the port puts on a real wire, as Wireshark's dissectors see it: a gratuitous ARP in VLAN 1
 * and an untagged IPv4/UDP datagram, sent through the port and captured by tshark on the other
 * end of the veth. Needs root, iproute2 and tshark (the README's test command installs it).
 */
class PcapEthernetPortWireTest {

    static final String PORT_IF = "pw-port";
    static final String PEER_IF = "pw-peer";
    static final String TEAM = "02:00:00:00:7e:a1";
    static final long CAPTURE_START_MS = 20_000;

    TestNamespace ns;
    PcapEthernetPort port;
    Process tshark;

    @BeforeEach
    void openPort() throws Exception {
        Shell.run("tshark", "--version"); // fails loudly when tshark is missing
        Pcap4j.init();
        ns = TestNamespace.create("vt-pw-");
        ns.addVethPair(PORT_IF, PEER_IF);
        port = PcapEthernetPort.open(PcapPortSettings.of("wire-eth", PORT_IF, ns.name()));
    }

    @AfterEach
    void closeAll() throws Exception {
        Process t = tshark;
        Cleanup.closeAll(t == null ? null : () -> stop(t), port, ns);
    }

    @Test
    void givenAnArpInAVlanAndAUdpDatagram_whenThePortSendsThem_thenTsharkDissectsThemAsSent(@TempDir Path dir)
            throws Exception {
        Path file = dir.resolve("wire.pcapng");
        startCapture(file, 2);
        byte[] arp = gratuitousArpInVlan(1).getRawData();
        byte[] udp = udpDatagram().getRawData();
        // tshark says it captures a moment before it does: send the pair until it has two frames
        // (any two in a row are one of each)
        for (int i = 0; i < 100 && tshark.isAlive(); i++) {
            assertTrue(port.send(ByteBuffer.wrap(arp), 0, arp.length));
            assertTrue(port.send(ByteBuffer.wrap(udp), 0, udp.length));
            tshark.waitFor(100, TimeUnit.MILLISECONDS);
        }
        assertFalse(tshark.isAlive(), "tshark did not see 2 frames in 10 s");

        List<String> lines = Shell.run("tshark", "-r", file.toString(), "-o", "ip.check_checksum:TRUE",
                "-o", "udp.check_checksum:TRUE", "-T", "fields", "-E", "separator=|", "-e", "frame.protocols",
                "-e", "eth.src", "-e", "vlan.id", "-e", "vlan.priority", "-e", "arp.opcode", "-e", "arp.src.proto_ipv4",
                "-e", "ip.src", "-e", "ip.dst", "-e", "udp.dstport", "-e", "ip.checksum.status",
                "-e", "udp.checksum.status").lines().filter(l -> !l.isBlank() && l.contains("|")).toList();
        System.out.println("tshark on the peer:\n  " + String.join("\n  ", lines));
        assertEquals(2, lines.size(), lines.toString());
        List<String> sorted = lines.stream().sorted((x, y) -> Boolean.compare(x.contains(":udp"), y.contains(":udp")))
                .toList();
        String[] a = sorted.get(0).split("\\|", -1);
        assertEquals("eth:ethertype:vlan:ethertype:arp", a[0]);
        assertEquals(TEAM, a[1]);
        assertEquals("1", a[2], "VLAN id");
        assertEquals("5", a[3], "priority");
        assertEquals("1", a[4], "ARP request (gratuitous)");
        assertEquals("198.18.1.1", a[5]);
        String[] u = sorted.get(1).split("\\|", -1);
        assertTrue(u[0].startsWith("eth:ethertype:ip:udp"), u[0]);
        assertFalse(u[0].contains("malformed"), u[0]);
        assertEquals(TEAM, u[1]);
        assertEquals("", u[2], "untagged");
        assertEquals("198.18.1.1", u[6]);
        assertEquals("198.18.1.11", u[7]);
        assertEquals("5001", u[8]);
        assertEquals("1", u[9], "IPv4 header checksum verified good");
        assertEquals("1", u[10], "UDP checksum verified good");
    }

    /** Stops tshark and the dumpcap it runs (killing tshark alone would leave dumpcap capturing). */
    static void stop(Process tshark) throws InterruptedException {
        List<ProcessHandle> children = tshark.descendants().toList();
        tshark.destroyForcibly();
        children.forEach(ProcessHandle::destroyForcibly);
        tshark.waitFor(5, TimeUnit.SECONDS);
        for (ProcessHandle c : children) {
            c.onExit().completeOnTimeout(c, 5, TimeUnit.SECONDS).join();
        }
    }

    /** Starts tshark on the peer for {@code frames} frames from the team MAC; returns once it captures. */
    void startCapture(Path file, int frames) throws Exception {
        List<String> command = new ArrayList<>(ns.inside("tshark", "-i", PEER_IF, "-c", String.valueOf(frames),
                "-f", "ether src " + TEAM, "-w", file.toString()));
        tshark = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        CompletableFuture<String> started = new CompletableFuture<>();
        StringBuilder said = new StringBuilder();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(
                    new InputStreamReader(tshark.getErrorStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    said.append(line).append('\n');
                    if (line.contains("Capturing on")) {
                        started.complete(line);
                    }
                }
            } catch (IOException e) {
                // the process ended
            }
            started.complete(null);
        }, "tshark stderr");
        reader.setDaemon(true);
        reader.start();
        String line = started.get(CAPTURE_START_MS, TimeUnit.MILLISECONDS);
        assertTrue(line != null, "tshark did not start capturing: " + said);
    }

    static EthernetPacket gratuitousArpInVlan(int vlan) throws Exception {
        MacAddress team = MacAddress.getByName(TEAM);
        InetAddress ip = InetAddress.getByName("198.18.1.1");
        ArpPacket.Builder arp = new ArpPacket.Builder().hardwareType(ArpHardwareType.ETHERNET)
                .protocolType(EtherType.IPV4).hardwareAddrLength((byte) MacAddress.SIZE_IN_BYTES)
                .protocolAddrLength((byte) 4).operation(ArpOperation.REQUEST).srcHardwareAddr(team).srcProtocolAddr(ip)
                .dstHardwareAddr(MacAddress.getByName("00:00:00:00:00:00")).dstProtocolAddr(ip);
        Dot1qVlanTagPacket.Builder tag = new Dot1qVlanTagPacket.Builder().priority((byte) 5).cfi(false)
                .vid((short) vlan).type(EtherType.ARP).payloadBuilder(arp);
        return new EthernetPacket.Builder().dstAddr(MacAddress.ETHER_BROADCAST_ADDRESS).srcAddr(team)
                .type(EtherType.DOT1Q_VLAN_TAGGED_FRAMES).payloadBuilder(tag).paddingAtBuild(true).build();
    }

    static EthernetPacket udpDatagram() throws Exception {
        InetAddress src = InetAddress.getByName("198.18.1.1");
        InetAddress dst = InetAddress.getByName("198.18.1.11");
        Packet.Builder payload = new UnknownPacket.Builder().rawData("vnicteam".getBytes(StandardCharsets.US_ASCII));
        UdpPacket.Builder udp = new UdpPacket.Builder().srcPort(UdpPort.getInstance((short) 40000))
                .dstPort(UdpPort.getInstance((short) 5001)).srcAddr(src).dstAddr(dst).payloadBuilder(payload)
                .correctChecksumAtBuild(true).correctLengthAtBuild(true);
        IpV4Packet.Builder ip = new IpV4Packet.Builder().version(IpVersion.IPV4).tos(IpV4Rfc791Tos.newInstance((byte) 0))
                .ttl((byte) 64).protocol(IpNumber.UDP).srcAddr((Inet4Address) src)
                .dstAddr((Inet4Address) dst).identification((short) 1).payloadBuilder(udp)
                .correctChecksumAtBuild(true).correctLengthAtBuild(true);
        return new EthernetPacket.Builder().dstAddr(MacAddress.getByName("02:00:c6:12:01:0b"))
                .srcAddr(MacAddress.getByName(TEAM)).type(EtherType.IPV4).payloadBuilder(ip).paddingAtBuild(true)
                .build();
    }
}
