package org.vnicteam.lib.linux;

import java.net.Inet4Address;

import org.pcap4j.packet.ArpPacket;
import org.pcap4j.packet.EthernetPacket;
import org.pcap4j.packet.IcmpV4CommonPacket;
import org.pcap4j.packet.IcmpV4EchoPacket;
import org.pcap4j.packet.IcmpV4EchoReplyPacket;
import org.pcap4j.packet.IpV4Packet;
import org.pcap4j.packet.IpV4Rfc791Tos;
import org.pcap4j.packet.Packet;
import org.pcap4j.packet.UdpPacket;
import org.pcap4j.packet.UnknownPacket;
import org.pcap4j.packet.namednumber.ArpHardwareType;
import org.pcap4j.packet.namednumber.ArpOperation;
import org.pcap4j.packet.namednumber.EtherType;
import org.pcap4j.packet.namednumber.IcmpV4Code;
import org.pcap4j.packet.namednumber.IcmpV4Type;
import org.pcap4j.packet.namednumber.IpNumber;
import org.pcap4j.packet.namednumber.IpVersion;
import org.pcap4j.packet.namednumber.UdpPort;
import org.pcap4j.util.MacAddress;

/**
 * Frames a peer on the far side of a TAP answers with, built by pcap4j (call
 * {@code org.vnicteam.lib.pcap4j.Pcap4j.init()} first). Shared with other modules' tests through
 * this module's test jar.
 */
public final class PeerFrames {

    private PeerFrames() {
    }

    /** The ARP reply of {@code peerMac} to {@code request}, or null if it asks for another address. */
    public static EthernetPacket arpReply(EthernetPacket frame, MacAddress peerMac, Inet4Address peerIp) {
        ArpPacket arp = frame.get(ArpPacket.class);
        if (arp == null || !arp.getHeader().getOperation().equals(ArpOperation.REQUEST)
                || !arp.getHeader().getDstProtocolAddr().equals(peerIp)) {
            return null;
        }
        ArpPacket.Builder reply = new ArpPacket.Builder().hardwareType(ArpHardwareType.ETHERNET)
                .protocolType(EtherType.IPV4).hardwareAddrLength((byte) 6).protocolAddrLength((byte) 4)
                .operation(ArpOperation.REPLY).srcHardwareAddr(peerMac).srcProtocolAddr(peerIp)
                .dstHardwareAddr(arp.getHeader().getSrcHardwareAddr())
                .dstProtocolAddr(arp.getHeader().getSrcProtocolAddr());
        return new EthernetPacket.Builder().dstAddr(arp.getHeader().getSrcHardwareAddr()).srcAddr(peerMac)
                .type(EtherType.ARP).payloadBuilder(reply).paddingAtBuild(true).build();
    }

    /** The ICMP echo reply of {@code peerIp} to an echo request in {@code frame}, or null. */
    public static EthernetPacket echoReply(EthernetPacket frame, MacAddress peerMac, Inet4Address peerIp) {
        IpV4Packet ip = frame.get(IpV4Packet.class);
        IcmpV4EchoPacket echo = frame.get(IcmpV4EchoPacket.class);
        if (ip == null || echo == null || !ip.getHeader().getDstAddr().equals(peerIp)) {
            return null;
        }
        IcmpV4EchoReplyPacket.Builder body = new IcmpV4EchoReplyPacket.Builder()
                .identifier(echo.getHeader().getIdentifier()).sequenceNumber(echo.getHeader().getSequenceNumber());
        if (echo.getPayload() != null) {
            body.payloadBuilder(new UnknownPacket.Builder().rawData(echo.getPayload().getRawData()));
        }
        IcmpV4CommonPacket.Builder icmp = new IcmpV4CommonPacket.Builder().type(IcmpV4Type.ECHO_REPLY)
                .code(IcmpV4Code.NO_CODE).payloadBuilder(body).correctChecksumAtBuild(true);
        return ipv4(frame.getHeader().getSrcAddr(), peerMac, peerIp, ip.getHeader().getSrcAddr(), IpNumber.ICMPV4,
                icmp);
    }

    /** A UDP datagram in an Ethernet frame, checksums and lengths computed. */
    public static EthernetPacket udp(MacAddress dstMac, MacAddress srcMac, Inet4Address srcIp, int srcPort,
            Inet4Address dstIp, int dstPort, byte[] payload) {
        UdpPacket.Builder udp = new UdpPacket.Builder().srcPort(UdpPort.getInstance((short) srcPort))
                .dstPort(UdpPort.getInstance((short) dstPort)).srcAddr(srcIp).dstAddr(dstIp)
                .payloadBuilder(new UnknownPacket.Builder().rawData(payload)).correctChecksumAtBuild(true)
                .correctLengthAtBuild(true);
        return ipv4(dstMac, srcMac, srcIp, dstIp, IpNumber.UDP, udp);
    }

    private static EthernetPacket ipv4(MacAddress dstMac, MacAddress srcMac, Inet4Address srcIp, Inet4Address dstIp,
            IpNumber protocol, Packet.Builder payload) {
        IpV4Packet.Builder ip = new IpV4Packet.Builder().version(IpVersion.IPV4)
                .tos(IpV4Rfc791Tos.newInstance((byte) 0)).ttl((byte) 64).protocol(protocol).srcAddr(srcIp)
                .dstAddr(dstIp).payloadBuilder(payload).correctChecksumAtBuild(true).correctLengthAtBuild(true);
        return new EthernetPacket.Builder().dstAddr(dstMac).srcAddr(srcMac).type(EtherType.IPV4)
                .payloadBuilder(ip).paddingAtBuild(true).build();
    }
}
