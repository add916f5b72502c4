package org.vnicteam.bridge.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.List;

import org.junit.jupiter.api.Test;

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
