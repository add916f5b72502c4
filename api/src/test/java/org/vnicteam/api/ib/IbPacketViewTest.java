package org.vnicteam.api.ib;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.Random;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;

class IbPacketViewTest {
    @Test
    void givenRandomValidPackets_whenViewed_thenAccessorsAgreeWithParse() {
        Random r = new Random(0x1BADB002L);
        IbPacketView v = new IbPacketView(); // one view reused, as on the hot path
        CRC32 scratch = new CRC32();
        for (int i = 0; i < 400; i++) {
            byte[] wire = Packets.random(r);
            int at = r.nextInt(32);
            ByteBuffer b = r.nextBoolean() ? ByteBuffer.allocate(at + wire.length + 7)
                    : ByteBuffer.allocateDirect(at + wire.length + 7);
            b.put(at, wire);
            IbPacket p = IbPacket.parse(wire);

            assertSame(v, v.wrap(b, at, wire.length));
            assertEquals(IbPacketView.OK, v.check(scratch), () -> String.valueOf(v.describeError()));
            assertNull(v.describeError());
            assertTrue(v.checkVcrc() && v.checkIcrc(scratch));

            Lrh lrh = p.lrh();
            assertEquals(lrh.vl(), v.vl());
            assertEquals(lrh.sl(), v.sl());
            assertEquals(lrh.lnh(), v.lnh());
            assertEquals(lrh.dlid(), v.dlid());
            assertEquals(lrh.slid(), v.slid());
            assertEquals(lrh.pktLen(), v.pktLenWords());
            assertEquals(p.grh() != null, v.hasGrh());
            assertEquals(at + (p.grh() != null ? 48 : 8), v.bthOffset());
            Bth bth = p.bth();
            assertEquals(bth.opcode().code(), v.opcodeCode());
            assertSame(bth.opcode(), v.opcode());
            assertEquals(bth.se(), v.se());
            assertEquals(bth.migReq(), v.migReq());
            assertEquals(bth.padCnt(), v.padCnt());
            assertEquals(bth.pkey(), v.pkey());
            assertEquals(bth.fecn(), v.fecn());
            assertEquals(bth.becn(), v.becn());
            assertEquals(bth.destQp(), v.destQp());
            assertEquals(bth.ackReq(), v.ackReq());
            assertEquals(bth.psn(), v.psn());
            assertEquals(p.length() - 6 - p.payloadLength() - bth.padCnt(), v.headerLength());
            assertEquals(at + v.headerLength(), v.payloadOffset());
            assertEquals(p.payloadLength(), v.payloadLength());
            assertEquals(p.payload(), b.duplicate().position(v.payloadOffset()).limit(v.payloadOffset() + v.payloadLength()));
            if (p.deth() != null) {
                assertEquals(p.deth().qkey(), v.qkey());
                assertEquals(p.deth().srcQp(), v.srcQp());
            }
            if (p.aeth() != null) {
                assertEquals(p.aeth().syndrome(), v.aethSyndrome());
                assertEquals(p.aeth().msn(), v.aethMsn());
            }
            if (p.immDt() != null) {
                assertEquals(p.immDt().value(), v.immDt());
            }
            assertEquals(at + wire.length - 6, v.icrcOffset());
            assertEquals(at + wire.length - 2, v.vcrcOffset());
            assertEquals(p.icrc(), v.icrc());
            assertEquals(p.vcrc(), v.vcrc());
        }
    }

    @Test
    void givenSwitchChangesVl_whenVcrcResealed_thenPacketStillValidAndIcrcUnchanged() {
        byte[] wire = Packets.sample(Opcode.RC_SEND_ONLY, true, 100).toBytes();
        ByteBuffer b = ByteBuffer.wrap(wire);
        IbPacketView v = new IbPacketView().wrap(b, 0, wire.length);
        int icrc = v.icrc();

        v.setVl(7);
        assertFalse(v.checkVcrc());
        assertTrue(v.checkIcrc(null));
        assertEquals(IbPacketView.ERR_VCRC, v.check(null));

        IbPacketView.resealVcrc(b, 0, wire.length);
        assertEquals(IbPacketView.OK, v.check(null));
        assertEquals(7, v.vl());
        assertEquals(icrc, v.icrc());
    }

    @Test
    void givenSealWithoutVcrc_whenSealed_thenVcrcBytesUntouched() {
        byte[] wire = Packets.vectorBuilder().toBytes();
        ByteBuffer b = ByteBuffer.wrap(wire);
        for (int i = wire.length - 6; i < wire.length; i++) {
            wire[i] = 0;
        }

        IbPacketView.sealCrcs(b, 0, wire.length, new CRC32(), false);

        assertEquals(Packets.VECTOR_ICRC, Crc.getIcrc(b, wire.length - 6));
        assertEquals(0, Crc.getVcrc(b, wire.length - 2));
    }
}
