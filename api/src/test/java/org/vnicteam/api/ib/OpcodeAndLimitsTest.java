package org.vnicteam.api.ib;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class OpcodeAndLimitsTest {
    @Test
    void givenEveryCode_whenLookedUp_thenOnlyKnownOpcodesFound() {
        int known = 0;
        for (int c = -1; c <= 256; c++) {
            Opcode o = Opcode.lookup(c);
            if (o != null) {
                known++;
                assertEquals(c, o.code());
                assertSame(o, Opcode.of(c));
            }
        }
        assertEquals(Opcode.values().length, known);
        IbFormatException e = assertThrows(IbFormatException.class, () -> Opcode.of(0x1F));
        assertEquals("BTH.opcode", e.field());
        assertEquals("BTH.opcode: unknown opcode 0x1f", e.getMessage());
    }

    @Test
    void givenOpcodes_whenAskedPredicates_thenMatchIba() {
        assertTrue(Opcode.RC_SEND_FIRST.isRc() && Opcode.RC_SEND_FIRST.isFirst() && Opcode.RC_SEND_FIRST.isSend());
        assertTrue(Opcode.RC_SEND_MIDDLE.isMiddle());
        assertTrue(Opcode.RC_SEND_LAST_IMM.isLast() && Opcode.RC_SEND_LAST_IMM.hasImmediate());
        assertTrue(Opcode.RC_SEND_ONLY_IMM.isOnly() && Opcode.RC_SEND_ONLY_IMM.hasImmediate());
        assertTrue(Opcode.RC_ACKNOWLEDGE.isAck() && Opcode.RC_ACKNOWLEDGE.hasAeth() && Opcode.RC_ACKNOWLEDGE.isRc());
        assertFalse(Opcode.RC_ACKNOWLEDGE.isSend() || Opcode.RC_ACKNOWLEDGE.isOnly());
        assertTrue(Opcode.UD_SEND_ONLY.isUd() && Opcode.UD_SEND_ONLY.hasDeth() && !Opcode.UD_SEND_ONLY.isRc());
        assertEquals(12, Opcode.UD_SEND_ONLY_IMM.extHeaderLength());
        assertEquals(0, Opcode.RC_SEND_MIDDLE.extHeaderLength());
    }

    @Test
    void givenMtus_whenConverted_thenEnumAndBytesAgree() {
        int[] mtus = {256, 512, 1024, 2048, 4096};
        for (int i = 0; i < mtus.length; i++) {
            assertEquals(i + 1, IbLimits.mtuEnum(mtus[i]));
            assertEquals(mtus[i], IbLimits.mtuBytes(i + 1));
        }
        assertThrows(IllegalArgumentException.class, () -> IbLimits.mtuEnum(1500));
        assertThrows(IllegalArgumentException.class, () -> IbLimits.mtuBytes(6));
    }

    @Test
    void givenPsnsAcrossWrap_whenDiffed_thenSignedModular() {
        assertEquals(0, IbLimits.psnAdd(IbLimits.MAX_PSN, 1));
        assertEquals(5, IbLimits.psnAdd(0xFFFFFE, 7));
        assertEquals(2, IbLimits.psnDiff(1, 0xFFFFFF));
        assertEquals(-2, IbLimits.psnDiff(0xFFFFFF, 1));
        assertEquals(-0x800000, IbLimits.psnDiff(0x800000, 0));
        assertEquals(0x7FFFFF, IbLimits.psnDiff(0x7FFFFF, 0));
        assertNull(Opcode.lookup(0x64 + 0x100));
    }

    @Test
    void givenLidsAndPkeys_whenClassified_thenMatchIba() {
        assertTrue(IbLimits.isUnicastLid(1) && IbLimits.isUnicastLid(0xBFFF));
        assertFalse(IbLimits.isUnicastLid(0) || IbLimits.isUnicastLid(0xC000));
        assertTrue(IbLimits.isMulticastLid(0xC000) && !IbLimits.isMulticastLid(IbLimits.LID_PERMISSIVE));
        assertTrue(IbLimits.pkeyMatch(0xFFFF, 0x7FFF));
        assertFalse(IbLimits.pkeyMatch(0x7FFF, 0x7FFF)); // two limited members
        assertFalse(IbLimits.pkeyMatch(0x8001, 0x8002));
    }

    @Test
    void givenLongPacket_whenExceptionBuilt_thenHexLimitedTo64Bytes() {
        byte[] data = new byte[100];
        data[0] = (byte) 0xF0;
        data[1] = 0x12;
        IbFormatException e = new IbFormatException("BTH.opcode", "unknown opcode 0x1f", data, 0, 100, 8);

        assertTrue(e.getMessage().startsWith("BTH.opcode: unknown opcode 0x1f at offset 8 in [f0 12 00"));
        assertTrue(e.getMessage().endsWith(" ...]"));
        assertEquals(64, e.getMessage().replaceAll(".*\\[|\\]| \\.\\.\\.", "").split(" ").length);
        assertEquals(8, e.at());
    }
}
