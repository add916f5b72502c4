package org.vnicteam.fabric.sim.internal;

import java.nio.ByteBuffer;
import java.util.zip.CRC32;

import org.vnicteam.api.ib.Aeth;
import org.vnicteam.api.ib.Bth;
import org.vnicteam.api.ib.Crc;
import org.vnicteam.api.ib.Deth;
import org.vnicteam.api.ib.IbLimits;
import org.vnicteam.api.ib.IbPacketView;
import org.vnicteam.api.ib.ImmDt;
import org.vnicteam.api.ib.Lrh;
import org.vnicteam.api.ib.Opcode;

/**
 * How the simulated HCA and switches build and read packets: thin, allocation-free calls into
 * the api codec, over a packet buffer's own flyweight view. Packets carry LRH (LNH = local), BTH,
 * the opcode's extended headers, the payload padded to 4 bytes, ICRC and VCRC.
 */
final class Wire {

    static final int MIN_PACKET = Lrh.SIZE + Bth.SIZE + Crc.ICRC_SIZE + Crc.VCRC_SIZE;
    static final int ERR_ICRC = IbPacketView.ERR_ICRC;
    static final int ERR_VCRC = IbPacketView.ERR_VCRC;
    private static final int TRAILER = Crc.ICRC_SIZE + Crc.VCRC_SIZE;

    /** IBA table 45: RNR NAK timer codes in microseconds (code 0 is the longest). */
    private static final long[] RNR_TIMER_MICROS = { 655_360, 10, 20, 30, 40, 60, 80, 120, 160, 240, 320, 480, 640,
            960, 1_280, 1_920, 2_560, 3_840, 5_120, 7_680, 10_240, 15_360, 20_480, 30_720, 40_960, 61_440, 81_920,
            122_880, 163_840, 245_760, 327_680, 491_520 };

    private Wire() {
    }

    /**
     * Writes a SEND packet (RC or UD) with a payload copied from {@code data} and seals its ICRC.
     */
    static void writeSend(PacketBuffer p, Opcode op, int dlid, int slid, int pkey, int destQp, boolean ackReq, int psn,
            int qkey, int srcQp, boolean withImm, int imm, ByteBuffer data, int dataOffset, int dataLength,
            CRC32 crc) {
        ByteBuffer b = p.buf;
        int pad = -dataLength & 3;
        int headers = Lrh.SIZE + Bth.SIZE + op.extHeaderLength();
        int length = headers + dataLength + pad + TRAILER;
        Lrh.write(b, 0, 0, 0, Lrh.LNH_LOCAL, dlid, (length - Crc.VCRC_SIZE) >>> 2, slid);
        Bth.write(b, Lrh.SIZE, op.code(), 0, 0, pad, pkey, 0, 0, destQp, ackReq ? 1 : 0, psn);
        int at = Lrh.SIZE + Bth.SIZE;
        if (op.hasDeth()) {
            Deth.write(b, at, qkey, srcQp);
            at += Deth.SIZE;
        }
        if (withImm) {
            ImmDt.write(b, at, imm);
            at += ImmDt.SIZE;
        }
        b.put(at, data, dataOffset, dataLength);
        at += dataLength;
        for (int i = 0; i < pad; i++) {
            b.put(at++, (byte) 0);
        }
        p.setLength(length);
        p.vcrcValid = false;
        IbPacketView.sealCrcs(b, 0, length, crc, false);
    }

    /** Writes an RC ACKNOWLEDGE (ACK, RNR NAK or NAK by syndrome) and seals its ICRC. */
    static void writeAck(PacketBuffer p, int dlid, int slid, int pkey, int destQp, int psn, int syndrome, int msn,
            CRC32 crc) {
        ByteBuffer b = p.buf;
        int length = Lrh.SIZE + Bth.SIZE + Aeth.SIZE + TRAILER;
        Lrh.write(b, 0, 0, 0, Lrh.LNH_LOCAL, dlid, (length - Crc.VCRC_SIZE) >>> 2, slid);
        Bth.write(b, Lrh.SIZE, Opcode.RC_ACKNOWLEDGE.code(), 0, 0, 0, pkey, 0, 0, destQp, 0, psn);
        Aeth.write(b, Lrh.SIZE + Bth.SIZE, syndrome, msn);
        p.setLength(length);
        p.vcrcValid = false;
        IbPacketView.sealCrcs(b, 0, length, crc, false);
    }

    static void sealVcrc(PacketBuffer p) {
        IbPacketView.resealVcrc(p.buf, 0, p.length);
        p.vcrcValid = true;
    }

    static boolean checkVcrc(PacketBuffer p) {
        return p.view.checkVcrc();
    }

    /** Full receive check of an HCA: 0 or an {@code IbPacketView.ERR_*} code. */
    static int check(PacketBuffer p, CRC32 crc) {
        return p.view.check(crc, p.vcrcValid);
    }

    static int dlid(PacketBuffer p) {
        return p.view.dlid();
    }

    static int slid(PacketBuffer p) {
        return p.view.slid();
    }

    /** The BTH P_Key, or -1 for a packet a switch cannot read one from (raw or too short). */
    static int pkeyForSwitch(PacketBuffer p) {
        IbPacketView v = p.view;
        int lnh = v.lnh();
        if (lnh < Lrh.LNH_LOCAL || v.bthOffset() + Bth.SIZE > p.length) {
            return -1;
        }
        return v.pkey();
    }

    static int pkey(PacketBuffer p) {
        return p.view.pkey();
    }

    static int destQp(PacketBuffer p) {
        return p.view.destQp();
    }

    static int psn(PacketBuffer p) {
        return p.view.psn();
    }

    static boolean ackReq(PacketBuffer p) {
        return p.view.ackReq();
    }

    static Opcode opcode(PacketBuffer p) {
        return p.view.opcode();
    }

    static int qkey(PacketBuffer p) {
        return p.view.qkey();
    }

    static int srcQp(PacketBuffer p) {
        return p.view.srcQp();
    }

    static int immediate(PacketBuffer p) {
        return p.view.immDt();
    }

    static int aethSyndrome(PacketBuffer p) {
        return p.view.aethSyndrome();
    }

    static int payloadLength(PacketBuffer p) {
        return p.view.payloadLength();
    }

    static void copyPayload(PacketBuffer p, ByteBuffer to, int toOffset) {
        IbPacketView v = p.view;
        to.put(toOffset, p.buf, v.payloadOffset(), v.payloadLength());
    }

    static int psnAdd(int psn, int n) {
        return IbLimits.psnAdd(psn, n);
    }

    static int psnDiff(int a, int b) {
        return IbLimits.psnDiff(a, b);
    }

    static long rnrTimerNanos(int code) {
        return RNR_TIMER_MICROS[code & 0x1F] * 1000;
    }

    /** The shortest RNR timer code that waits at least {@code nanos}. */
    static int rnrTimerCode(long nanos) {
        int best = 0;
        for (int code = 1; code < RNR_TIMER_MICROS.length; code++) {
            if (RNR_TIMER_MICROS[code] * 1000 >= nanos) {
                return code;
            }
        }
        return best;
    }
}
