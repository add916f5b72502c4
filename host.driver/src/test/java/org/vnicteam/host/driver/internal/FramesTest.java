package org.vnicteam.host.driver.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;

import org.junit.jupiter.api.Test;

class FramesTest {

    static final byte[] MAC = { 2, 0x76, 0x6e, 0, 0, 1 };

    @Test
    void givenATaggedFrame_whenTheTagIsStrippedInPlace_thenTheUntaggedFrameFollowsAtOffsetPlusFour() {
        ByteBuffer b = ByteBuffer.allocate(100);
        for (int i = 0; i < 12; i++) {
            b.put(10 + i, (byte) (i + 1));
        }
        b.putShort(22, (short) 0x8100).putShort(24, (short) Frames.tci(2, 5)).putShort(26, (short) 0x0800)
                .put(28, (byte) 0x45);
        assertTrue(Frames.tagged(b, 10, 64));
        assertEquals(2, Frames.vid(b, 10));
        int off = Frames.stripTag(b, 10);
        assertEquals(14, off);
        for (int i = 0; i < 12; i++) {
            assertEquals(i + 1, b.get(off + i), "address byte " + i);
        }
        assertEquals(0x0800, b.getShort(off + 12));
        assertEquals(0x45, b.get(off + 14));
        assertFalse(Frames.tagged(b, off, 60));
    }

    @Test
    void givenAnIp_thenTheGratuitousArpAnnouncesItFromTheTeamMac() {
        byte[] f = Frames.gratuitousArp(MAC, new byte[] { (byte) 198, 18, 1, 1 });
        ByteBuffer b = ByteBuffer.wrap(f);
        assertEquals(60, f.length);
        assertEquals(-1, b.getInt(0), "broadcast");
        assertEquals(0x0806, b.getShort(12));
        assertEquals(1, b.getShort(20), "request");
        byte[] sha = new byte[6];
        b.get(22, sha);
        assertArrayEquals(MAC, sha);
        assertEquals(b.getInt(28), b.getInt(38), "sender IP = target IP");
        assertEquals(0xC6120101, b.getInt(28));
        assertEquals(0xC6120101, Frames.arpSenderIp(b, 0, 60), "and the miniport learns it back");
    }

    @Test
    void givenNoIp_thenARarpAnnouncementCarriesTheMac() {
        ByteBuffer b = ByteBuffer.wrap(Frames.rarpAnnounce(MAC));
        assertEquals(0x8035, b.getShort(12) & 0xFFFF);
        assertEquals(3, b.getShort(20));
        byte[] src = new byte[6];
        b.get(6, src);
        assertArrayEquals(MAC, src);
    }

    @Test
    void macsParseAndGroupAddressesAreRefused() {
        assertArrayEquals(MAC, Frames.parseMac("02:76:6E:00:00:01"));
        assertEquals("02:76:6e:00:00:01", Frames.formatMac(MAC));
        assertThrows(IllegalArgumentException.class, () -> Frames.parseMac("01:00:5e:00:00:01"));
        assertThrows(IllegalArgumentException.class, () -> Frames.parseMac("02:00:00"));
        assertArrayEquals(new byte[] { (byte) 198, 18, 2, 1 }, Frames.parseIpv4("198.18.2.1/24"));
    }
}
