package org.vnicteam.bridge.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.pcap4j.packet.ArpPacket;
import org.pcap4j.packet.EthernetPacket;
import org.pcap4j.packet.namednumber.ArpHardwareType;
import org.pcap4j.packet.namednumber.ArpOperation;
import org.pcap4j.packet.namednumber.EtherType;
import org.pcap4j.util.MacAddress;

class FramesAndFilterTest {

    @Test
    void macsRoundTripBetweenTextBytesAndValue() {
        long mac = Frames.parseMac("02:00:5E:10:00:0a");
        assertEquals(0x02_00_5E_10_00_0AL, mac);
        assertEquals("02:00:5e:10:00:0a", Frames.formatMac(mac));
        assertEquals(mac, Frames.macValue(Frames.macBytes(mac)));
        assertEquals(mac, Frames.mac(ByteBuffer.wrap(Frames.macBytes(mac)), 0));
        assertThrows(IllegalArgumentException.class, () -> Frames.parseMac("02:00:5e:10:00"));
        assertThrows(IllegalArgumentException.class, () -> Frames.parseMac("02:00:5e:10:00:zz"));
    }

    @Test
    void aMacFromTheGuidIsLocallyAdministeredUnicast() {
        long mac = Frames.macFromGuid(0x0002_C903_0000_0002L);
        assertEquals(0x02, (int) (mac >>> 40) & 0x03, "locally administered, unicast");
    }

    @Test
    void vlanIsReadFromTheTagAndZeroWithout() {
        ByteBuffer tagged = ByteBuffer.wrap(TestFrames.frame(1, 2, 4094, 64, 0));
        assertEquals(4094, Frames.vlan(tagged, 0, 64));
        ByteBuffer untagged = ByteBuffer.wrap(TestFrames.frame(1, 2, 0, 64, 0));
        assertEquals(0, Frames.vlan(untagged, 0, 64));
        assertFalse(Frames.isTagged(tagged, 0, 17), "a tag needs 18 bytes");
    }

    @Test
    void givenFramesFromTheHost_thenGratuitousArpAndRarpAreLearningFrames_taggedOrNot_andNothingElse()
            throws Exception {
        byte[] tagged = PcapEthernetPortWireTest.gratuitousArpInVlan(2).getRawData();
        assertTrue(Frames.isLearningFrame(ByteBuffer.wrap(tagged), 0, tagged.length), "tagged gratuitous ARP");
        byte[] atOffset = new byte[tagged.length + 10];
        System.arraycopy(tagged, 0, atOffset, 10, tagged.length);
        assertTrue(Frames.isLearningFrame(ByteBuffer.wrap(atOffset), 10, tagged.length), "at an offset");
        assertFalse(Frames.isLearningFrame(ByteBuffer.wrap(tagged), 0, 40), "cut short");

        byte[] untagged = arp(ArpOperation.REQUEST, "198.18.1.1", "198.18.1.1", EtherType.ARP, true);
        assertTrue(Frames.isLearningFrame(ByteBuffer.wrap(untagged), 0, untagged.length), "gratuitous ARP");
        byte[] rarp = arp(ArpOperation.REQUEST_REVERSE, "0.0.0.0", "0.0.0.0", EtherType.RARP, true);
        assertTrue(Frames.isLearningFrame(ByteBuffer.wrap(rarp), 0, rarp.length), "RARP announcement");

        byte[] request = arp(ArpOperation.REQUEST, "198.18.1.1", "198.18.1.11", EtherType.ARP, true);
        assertFalse(Frames.isLearningFrame(ByteBuffer.wrap(request), 0, request.length), "an ARP request asks");
        byte[] unicast = arp(ArpOperation.REPLY, "198.18.1.1", "198.18.1.1", EtherType.ARP, false);
        assertFalse(Frames.isLearningFrame(ByteBuffer.wrap(unicast), 0, unicast.length), "not broadcast");
        byte[] data = PcapEthernetPortWireTest.udpDatagram().getRawData();
        assertFalse(Frames.isLearningFrame(ByteBuffer.wrap(data), 0, data.length), "data");
    }

    /** An untagged ARP-shaped frame from the team MAC, built with pcap4j. */
    private static byte[] arp(ArpOperation op, String sender, String target, EtherType type, boolean broadcast)
            throws Exception {
        MacAddress team = MacAddress.getByName(PcapEthernetPortWireTest.TEAM);
        ArpPacket.Builder arp = new ArpPacket.Builder().hardwareType(ArpHardwareType.ETHERNET)
                .protocolType(EtherType.IPV4).hardwareAddrLength((byte) MacAddress.SIZE_IN_BYTES)
                .protocolAddrLength((byte) 4).operation(op).srcHardwareAddr(team)
                .srcProtocolAddr(InetAddress.getByName(sender)).dstHardwareAddr(MacAddress.getByName("00:00:00:00:00:00"))
                .dstProtocolAddr(InetAddress.getByName(target));
        return new EthernetPacket.Builder()
                .dstAddr(broadcast ? MacAddress.ETHER_BROADCAST_ADDRESS : MacAddress.getByName("02:00:c6:12:01:0b"))
                .srcAddr(team).type(type).payloadBuilder(arp).paddingAtBuild(true).build().getRawData();
    }

    @Test
    void theFilterTakesTeamUnicastAndGroupsOnItsVlansButNotItsOwnFramesBack() {
        long team = TestFrames.TEAM_MAC;
        AddressFilter f = new AddressFilter(Frames.macBytes(team), List.of(0, 7, 4094));
        assertTrue(f.accepts(team, false, 5, 7));
        assertTrue(f.accepts(team, false, 5, 0));
        assertTrue(f.accepts(TestFrames.BROADCAST, true, 5, 4094));
        assertFalse(f.accepts(team, false, 5, 8));
        assertFalse(f.accepts(team + 1, false, 5, 7));
        assertFalse(f.accepts(TestFrames.BROADCAST, true, team, 7), "own frame looped back");
        assertFalse(AddressFilter.NONE.accepts(team, false, 5, 0));
        assertEquals(List.of(0, 7, 4094), f.vlans);
        assertThrows(IllegalArgumentException.class, () -> new AddressFilter(Frames.macBytes(team), List.of(4095)));
    }

    @Test
    void settingsRefuseWhatCannotWork() {
        assertThrows(IllegalArgumentException.class, () -> BridgeSettings.of("a", "a", "p", 67));
        assertThrows(IllegalArgumentException.class, () -> BridgeSettings.of("a", "a", "p", BridgeSettings.MAX_MTU + 1));
        assertThrows(IllegalArgumentException.class,
                () -> new BridgeSettings("a", "a", "p", 1500, 0x01_00_00_00_00_01L, 64, 4, 256, 256));
        assertEquals(1514, BridgeSettings.of("a", "a", "p", 1500).maxFrame(false));
        assertEquals(1518, BridgeSettings.of("a", "a", "p", 1500).maxFrame(true));
    }
}
