package org.vnicteam.api.ib;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * One whole InfiniBand packet as an immutable value, for the control path (the hot path uses
 * {@link IbPacketView} and the headers' static writers).
 *
 * <pre>
 * +-----+-------+-----+--------+--------+---------+---------+-----+------+------+
 * | LRH | (GRH) | BTH | (DETH) | (AETH) | (ImmDt) | payload | pad | ICRC | VCRC |
 * +-----+-------+-----+--------+--------+---------+---------+-----+------+------+
 *    8     40     12      8        4         4        n      0..3    4      2
 * </pre>
 *
 * <p>The GRH is present when LRH.LNH = 3, the DETH for UD opcodes, the AETH for acknowledges,
 * the ImmDt for {@code *_IMM} opcodes. PadCnt zero bytes round the payload up to 4 bytes. The
 * ICRC goes least significant byte first, the VCRC most significant byte first (see {@link Crc}).
 */
public final class IbPacket {
    private final byte[] raw;
    private final Lrh lrh;
    private final Grh grh;
    private final Bth bth;
    private final Deth deth;
    private final Aeth aeth;
    private final ImmDt immDt;
    private final int payloadOffset;
    private final int payloadLength;

    private IbPacket(byte[] raw) {
        this.raw = raw;
        ByteBuffer b = ByteBuffer.wrap(raw);
        IbPacketView v = new IbPacketView().wrap(b, 0, raw.length);
        int ext = v.bthOffset() + Bth.SIZE;
        lrh = Lrh.parse(b, 0);
        grh = v.hasGrh() ? Grh.parse(b, Lrh.SIZE) : null;
        bth = Bth.parse(b, v.bthOffset());
        Opcode op = bth.opcode();
        deth = op.hasDeth() ? Deth.parse(b, ext) : null;
        aeth = op.hasAeth() ? Aeth.parse(b, ext + (deth == null ? 0 : Deth.SIZE)) : null;
        payloadOffset = v.payloadOffset();
        payloadLength = v.payloadLength();
        immDt = op.hasImmediate() ? ImmDt.parse(b, payloadOffset - ImmDt.SIZE) : null;
    }

    /** Validates the {@code length}-byte packet at {@code offset} (everything, CRCs included) and copies it. */
    public static IbPacket parse(ByteBuffer buf, int offset, int length) {
        new IbPacketView().wrap(buf, offset, length).validate(null);
        byte[] raw = new byte[length];
        buf.get(offset, raw);
        return new IbPacket(raw);
    }

    public static IbPacket parse(byte[] packet) {
        return parse(ByteBuffer.wrap(packet), 0, packet.length);
    }

    public static Builder builder() {
        return new Builder();
    }

    public Lrh lrh() {
        return lrh;
    }

    /** The GRH, or null when LRH.LNH = 2. */
    public Grh grh() {
        return grh;
    }

    public Bth bth() {
        return bth;
    }

    public Opcode opcode() {
        return bth.opcode();
    }

    /** The DETH (UD), or null. */
    public Deth deth() {
        return deth;
    }

    /** The AETH (acknowledge), or null. */
    public Aeth aeth() {
        return aeth;
    }

    /** The immediate data ({@code *_IMM}), or null. */
    public ImmDt immDt() {
        return immDt;
    }

    /** The payload without pad, as a read-only buffer positioned at 0. */
    public ByteBuffer payload() {
        return ByteBuffer.wrap(raw, payloadOffset, payloadLength).slice().asReadOnlyBuffer();
    }

    /** A copy of the payload without pad. */
    public byte[] payloadBytes() {
        return Arrays.copyOfRange(raw, payloadOffset, payloadOffset + payloadLength);
    }

    public int payloadLength() {
        return payloadLength;
    }

    public int icrc() {
        return Crc.getIcrc(ByteBuffer.wrap(raw), raw.length - Crc.ICRC_SIZE - Crc.VCRC_SIZE);
    }

    public int vcrc() {
        return Crc.getVcrc(ByteBuffer.wrap(raw), raw.length - Crc.VCRC_SIZE);
    }

    /** Bytes on the wire, LRH through VCRC. */
    public int length() {
        return raw.length;
    }

    /** A copy of the packet's bytes. */
    public byte[] toBytes() {
        return raw.clone();
    }

    /** Copies the packet into {@code buf} at {@code offset}; returns the bytes written. */
    public int writeTo(ByteBuffer buf, int offset) {
        buf.put(offset, raw);
        return raw.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof IbPacket p && Arrays.equals(raw, p.raw);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(raw);
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("IbPacket[").append(lrh);
        for (Object h : new Object[] {grh, bth, deth, aeth, immDt}) {
            if (h != null) {
                s.append(", ").append(h);
            }
        }
        return s.append(String.format(", payload %d B, ICRC 0x%08x, VCRC 0x%04x]", payloadLength, icrc(), vcrc()))
                .toString();
    }

    /**
     * Builds a packet from header fields and a payload, computing what follows from them: LRH.LNH
     * (from whether a GRH is set), LRH.PktLen, GRH.PayLen and NxtHdr, BTH.PadCnt (the payload is
     * padded with zeros to a multiple of 4 bytes), ICRC and VCRC. P_Key defaults to 0xFFFF, other
     * fields to 0/false. The extended headers set must be exactly those the opcode carries.
     */
    public static final class Builder {
        private int vl;
        private int sl;
        private int dlid;
        private int slid;
        private Grh grh;
        private Opcode opcode;
        private boolean se;
        private boolean migReq;
        private int pkey = IbLimits.PKEY_DEFAULT;
        private boolean fecn;
        private boolean becn;
        private int destQp;
        private boolean ackReq;
        private int psn;
        private Deth deth;
        private Aeth aeth;
        private ImmDt immDt;
        private byte[] payload = new byte[0];

        private Builder() {
        }

        public Builder vl(int vl) {
            this.vl = Bytes.range("LRH.vl", vl, 15);
            return this;
        }

        public Builder sl(int sl) {
            this.sl = Bytes.range("LRH.sl", sl, 15);
            return this;
        }

        public Builder dlid(int dlid) {
            this.dlid = Bytes.range("LRH.dlid", dlid, 0xFFFF);
            return this;
        }

        public Builder slid(int slid) {
            this.slid = Bytes.range("LRH.slid", slid, 0xFFFF);
            return this;
        }

        /** Adds a GRH (LNH 3) or, with null, removes it; its PayLen and NxtHdr are recomputed. */
        public Builder grh(Grh grh) {
            this.grh = grh;
            return this;
        }

        public Builder grh(int tClass, int flowLabel, int hopLmt, long sgidHi, long sgidLo, long dgidHi,
                long dgidLo) {
            return grh(new Grh(tClass, flowLabel, 0, Grh.NXT_HDR_IBA, hopLmt, sgidHi, sgidLo, dgidHi, dgidLo));
        }

        public Builder opcode(Opcode opcode) {
            this.opcode = opcode;
            return this;
        }

        public Builder se(boolean se) {
            this.se = se;
            return this;
        }

        public Builder migReq(boolean migReq) {
            this.migReq = migReq;
            return this;
        }

        public Builder pkey(int pkey) {
            this.pkey = Bytes.range("BTH.pkey", pkey, 0xFFFF);
            return this;
        }

        public Builder fecn(boolean fecn) {
            this.fecn = fecn;
            return this;
        }

        public Builder becn(boolean becn) {
            this.becn = becn;
            return this;
        }

        public Builder destQp(int destQp) {
            this.destQp = Bytes.range("BTH.destQp", destQp, 0xFF_FFFF);
            return this;
        }

        public Builder ackReq(boolean ackReq) {
            this.ackReq = ackReq;
            return this;
        }

        public Builder psn(int psn) {
            this.psn = Bytes.range("BTH.psn", psn, 0xFF_FFFF);
            return this;
        }

        public Builder deth(int qkey, int srcQp) {
            return deth(new Deth(qkey, srcQp));
        }

        public Builder deth(Deth deth) {
            this.deth = deth;
            return this;
        }

        public Builder aeth(Aeth aeth) {
            this.aeth = aeth;
            return this;
        }

        public Builder immDt(int value) {
            return immDt(new ImmDt(value));
        }

        public Builder immDt(ImmDt immDt) {
            this.immDt = immDt;
            return this;
        }

        /** The payload (copied), without pad. */
        public Builder payload(byte[] payload) {
            this.payload = payload.clone();
            return this;
        }

        /** The payload: the remaining bytes of {@code payload} (copied; its position is not moved). */
        public Builder payload(ByteBuffer payload) {
            byte[] p = new byte[payload.remaining()];
            payload.get(payload.position(), p);
            this.payload = p;
            return this;
        }

        private int headerLength() {
            if (opcode == null) {
                throw new IllegalStateException("no opcode");
            }
            requireExactly("DETH", deth != null, opcode.hasDeth());
            requireExactly("AETH", aeth != null, opcode.hasAeth());
            requireExactly("ImmDt", immDt != null, opcode.hasImmediate());
            if (opcode.isAck() && payload.length > 0) {
                throw new IllegalStateException(opcode + " carries no payload");
            }
            return Lrh.SIZE + (grh != null ? Grh.SIZE : 0) + Bth.SIZE + opcode.extHeaderLength();
        }

        private void requireExactly(String header, boolean set, boolean needed) {
            if (set != needed) {
                throw new IllegalStateException(opcode + (needed ? " needs a " : " carries no ") + header);
            }
        }

        /** Bytes on the wire, LRH through VCRC. */
        public int length() {
            return headerLength() + (payload.length + 3 & ~3) + Crc.ICRC_SIZE + Crc.VCRC_SIZE;
        }

        /** Writes the packet, CRCs included, at {@code offset}; returns its length. */
        public int writeTo(ByteBuffer buf, int offset) {
            int length = length(), pad = -payload.length & 3;
            int words = (length - Crc.VCRC_SIZE) / 4;
            if (words > Lrh.MAX_PKT_LEN) {
                throw new IllegalStateException("packet too long: " + length + " bytes");
            }
            Bytes.room(buf, offset, length);
            int at = offset;
            Lrh.write(buf, at, vl, sl, grh != null ? Lrh.LNH_GLOBAL : Lrh.LNH_LOCAL, dlid, words, slid);
            at += Lrh.SIZE;
            if (grh != null) {
                Grh.write(buf, at, grh.tClass(), grh.flowLabel(), length - Lrh.SIZE - Grh.SIZE - Crc.VCRC_SIZE,
                        Grh.NXT_HDR_IBA, grh.hopLmt(), grh.sgidHi(), grh.sgidLo(), grh.dgidHi(), grh.dgidLo());
                at += Grh.SIZE;
            }
            new Bth(opcode, se, migReq, pad, pkey, fecn, becn, destQp, ackReq, psn).writeTo(buf, at);
            at += Bth.SIZE;
            if (deth != null) {
                deth.writeTo(buf, at);
                at += Deth.SIZE;
            }
            if (aeth != null) {
                aeth.writeTo(buf, at);
                at += Aeth.SIZE;
            }
            if (immDt != null) {
                immDt.writeTo(buf, at);
                at += ImmDt.SIZE;
            }
            buf.put(at, payload);
            at += payload.length;
            for (int i = 0; i < pad; i++) {
                buf.put(at + i, (byte) 0);
            }
            IbPacketView.sealCrcs(buf, offset, length, null, true);
            return length;
        }

        public byte[] toBytes() {
            byte[] b = new byte[length()];
            writeTo(ByteBuffer.wrap(b), 0);
            return b;
        }

        public IbPacket build() {
            return IbPacket.parse(toBytes());
        }
    }
}
