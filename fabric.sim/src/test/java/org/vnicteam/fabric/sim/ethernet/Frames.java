package org.vnicteam.fabric.sim.ethernet;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

import org.pcap4j.packet.ArpPacket;
import org.pcap4j.packet.Dot1qVlanTagPacket;
import org.pcap4j.packet.EthernetPacket;
import org.pcap4j.packet.IllegalRawDataException;
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
import org.vnicteam.lib.pcap4j.Pcap4j;

/** Test frames built with pcap4j, and parsing helpers. */
final class Frames {

    static {
        Pcap4j.init();
    }

    static final MacAddress BROADCAST = MacAddress.ETHER_BROADCAST_ADDRESS;

    private Frames() {
    }

    static MacAddress mac(String text) {
        return MacAddress.getByName(text);
    }

    static MacAddress mac(byte[] b) {
        return MacAddress.getByAddress(b);
    }

    static Inet4Address ip(String text) {
        try {
            return (Inet4Address) InetAddress.getByName(text);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    static Packet.Builder ethernet(MacAddress dst, MacAddress src, int vid, EtherType type, Packet.Builder payload) {
        EthernetPacket.Builder eth = new EthernetPacket.Builder().dstAddr(dst).srcAddr(src).paddingAtBuild(true);
        if (vid < 0) {
            return eth.type(type).payloadBuilder(payload);
        }
        return eth.type(EtherType.DOT1Q_VLAN_TAGGED_FRAMES).payloadBuilder(new Dot1qVlanTagPacket.Builder()
                .priority((byte) 0).cfi(false).vid((short) vid).type(type).payloadBuilder(payload));
    }

    /** An ARP request; {@code vid} -1 for untagged. */
    static byte[] arpRequest(MacAddress src, String srcIp, String targetIp, int vid) {
        ArpPacket.Builder arp = new ArpPacket.Builder()
                .hardwareType(ArpHardwareType.ETHERNET)
                .protocolType(EtherType.IPV4)
                .hardwareAddrLength((byte) MacAddress.SIZE_IN_BYTES)
                .protocolAddrLength((byte) 4)
                .operation(ArpOperation.REQUEST)
                .srcHardwareAddr(src)
                .srcProtocolAddr(ip(srcIp))
                .dstHardwareAddr(mac("00:00:00:00:00:00"))
                .dstProtocolAddr(ip(targetIp));
        return ethernet(BROADCAST, src, vid, EtherType.ARP, arp).build().getRawData();
    }

    /** A UDP datagram from srcIp:srcPort to dstIp:dstPort; {@code vid} -1 for untagged. */
    static byte[] udp(MacAddress dst, MacAddress src, String srcIp, int srcPort, String dstIp, int dstPort,
            byte[] data, int vid) {
        UdpPacket.Builder udp = new UdpPacket.Builder()
                .srcPort(UdpPort.getInstance((short) srcPort))
                .dstPort(UdpPort.getInstance((short) dstPort))
                .srcAddr(ip(srcIp))
                .dstAddr(ip(dstIp))
                .payloadBuilder(new UnknownPacket.Builder().rawData(data))
                .correctChecksumAtBuild(true)
                .correctLengthAtBuild(true);
        IpV4Packet.Builder ipb = new IpV4Packet.Builder()
                .version(IpVersion.IPV4)
                .tos(IpV4Rfc791Tos.newInstance((byte) 0))
                .ttl((byte) 64)
                .protocol(IpNumber.UDP)
                .srcAddr(ip(srcIp))
                .dstAddr(ip(dstIp))
                .payloadBuilder(udp)
                .correctChecksumAtBuild(true)
                .correctLengthAtBuild(true);
        return ethernet(dst, src, vid, EtherType.IPV4, ipb).build().getRawData();
    }

    static EthernetPacket parse(byte[] frame) {
        try {
            return EthernetPacket.newPacket(frame, 0, frame.length);
        } catch (IllegalRawDataException e) {
            throw new AssertionError("frame does not parse: " + e.getMessage(), e);
        }
    }

    /** The VID of a tagged frame, -1 if untagged. */
    static int vid(byte[] frame) {
        EthernetPacket eth = parse(frame);
        Dot1qVlanTagPacket tag = eth.get(Dot1qVlanTagPacket.class);
        return tag == null ? -1 : tag.getHeader().getVidAsInt();
    }

    static ArpPacket arp(byte[] frame) {
        return parse(frame).get(ArpPacket.class);
    }

    static UdpPacket udp(byte[] frame) {
        return parse(frame).get(UdpPacket.class);
    }
}
