package org.vnicteam.bridge.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.pcap4j.packet.Dot1qVlanTagPacket;
import org.pcap4j.packet.EthernetPacket;
import org.pcap4j.packet.namednumber.EtherType;
import org.vnicteam.lib.pcap4j.Pcap4j;

/** The probe frame: layout as pcap4j reads it, round trip, and every defect named. */
class ProbeFrameTest {

    static final long TEAM = 0x02_76_6e_00_00_01L;
    static final long BRIDGE_A = 0x02_00_00_00_0a_01L;

    static ByteBuffer frame(int vlan) {
        ByteBuffer b = ByteBuffer.allocate(ProbeFrame.MIN_FRAME);
        assertEquals(60, ProbeFrame.write(b, 0, new ProbeFrame.Probe(vlan, TEAM, BRIDGE_A, 7, 2000)));
        return b;
    }

    @Test
    void givenATaggedProbe_whenPcap4jParsesIt_thenItIsA60ByteTaggedFrameToTheGroupFromTheBridgesOwnMac()
            throws Exception {
        Pcap4j.init();
        EthernetPacket eth = EthernetPacket.newPacket(frame(2).array(), 0, 60);
        assertEquals("03:76:6e:70:72:62", eth.getHeader().getDstAddr().toString());
        assertEquals("02:00:00:00:0a:01", eth.getHeader().getSrcAddr().toString());
        assertEquals(EtherType.DOT1Q_VLAN_TAGGED_FRAMES, eth.getHeader().getType());
        Dot1qVlanTagPacket tag = eth.get(Dot1qVlanTagPacket.class);
        assertEquals(2, tag.getHeader().getVidAsInt());
        assertEquals(7, tag.getHeader().getPriority() & 0xFF, "network control");
        assertEquals(0x88B5, tag.getHeader().getType().value() & 0xFFFF);
        byte[] payload = tag.getPayload().getRawData();
        assertEquals(0x564E5042, ByteBuffer.wrap(payload).getInt(0), "magic VNPB");
    }

    @ParameterizedTest(name = "VLAN {0}")
    @ValueSource(ints = { 0, 1, 4094 })
    void givenAProbe_whenWrittenAndParsed_thenEveryFieldComesBack(int vlan) {
        ByteBuffer b = frame(vlan);
        ProbeFrame.writeSequence(b, 0, vlan, 0xFFFF_FFF0);
        assertTrue(ProbeFrame.isProbe(b, 0, 60, ProbeFrame.GROUP));
        assertEquals(new ProbeFrame.Probe(vlan, TEAM, BRIDGE_A, 0xFFFF_FFF0, 2000), ProbeFrame.parse(b, 0, 60));
        assertNull(ProbeFrame.check(b, 0, 60, vlan, BRIDGE_A));
    }

    @Test
    void givenAProbeInsideALargerBuffer_thenItIsReadWhereItLies() {
        ByteBuffer big = ByteBuffer.allocate(200);
        ProbeFrame.write(big, 100, new ProbeFrame.Probe(1, TEAM, BRIDGE_A, 3, 1000));
        assertEquals(3, ProbeFrame.parse(big, 100, 64).sequence(), "padding beyond 60 bytes is fine");
    }

    @Test
    void givenOtherFrames_thenTheyAreNotProbes() {
        ByteBuffer b = frame(1);
        assertFalse(ProbeFrame.isProbe(b, 0, 60, 0x01_00_5e_00_00_01L), "another group");
        b.putShort(16, (short) 0x0800);
        assertFalse(ProbeFrame.isProbe(b, 0, 60, ProbeFrame.GROUP), "another EtherType");
        assertFalse(ProbeFrame.isProbe(b, 0, 17, ProbeFrame.GROUP), "too short for the EtherType");
    }

    @Test
    void givenDefects_thenEachIsNamed() {
        assertEquals(ProbeFrame.Defect.SHORT, ProbeFrame.check(frame(1), 0, 45, 1, BRIDGE_A));
        ByteBuffer magic = frame(1);
        magic.put(18, (byte) 'X');
        assertEquals(ProbeFrame.Defect.MAGIC, ProbeFrame.check(magic, 0, 60, 1, BRIDGE_A));
        ByteBuffer version = frame(1);
        version.put(22, (byte) 2);
        assertEquals(ProbeFrame.Defect.VERSION, ProbeFrame.check(version, 0, 60, 1, BRIDGE_A));
        assertEquals(ProbeFrame.Defect.VLAN_MISMATCH, ProbeFrame.check(frame(1), 0, 60, 2, BRIDGE_A),
                "the VLAN in the payload must be the tag's: a probe leaked into another VLAN says nothing");
        assertEquals(ProbeFrame.Defect.SENDER_MISMATCH, ProbeFrame.check(frame(1), 0, 60, 1, BRIDGE_A + 1));
        ByteBuffer team = frame(1);
        team.put(18 + ProbeFrame.TEAM_MAC_OFFSET, (byte) 0x03); // a group address as team MAC
        assertEquals(ProbeFrame.Defect.BAD_ADDRESS, ProbeFrame.check(team, 0, 60, 1, BRIDGE_A));
    }

    @Test
    void givenAMalformedProbe_whenParsed_thenTheErrorNamesTheDefectAndShowsTheBytes() {
        ByteBuffer b = frame(1);
        b.put(18, (byte) 'X');
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ProbeFrame.parse(b, 0, 60));
        assertTrue(e.getMessage().contains("MAGIC") && e.getMessage().contains("03 76 6e 70 72 62"), e.getMessage());
    }

    @Test
    void givenBadFields_thenTheBuilderRefusesThem() {
        assertThrows(IllegalArgumentException.class, () -> new ProbeFrame.Probe(4095, TEAM, BRIDGE_A, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> new ProbeFrame.Probe(1, ProbeFrame.GROUP, BRIDGE_A, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> new ProbeFrame.Probe(1, TEAM, 0, 0, 1));
    }
}
