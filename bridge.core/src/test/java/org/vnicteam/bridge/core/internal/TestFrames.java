package org.vnicteam.bridge.core.internal;

import java.nio.ByteBuffer;

import org.vnicteam.api.eoib.DataMessage;
import org.vnicteam.api.eoib.MessageHeader;

/** Builds Ethernet frames and DATA messages for tests; the payload's first 4 bytes are a tag. */
final class TestFrames {

    static final long TEAM_MAC = 0x02_00_00_00_7E_A1L;
    static final long CLIENT_MAC = 0x02_00_C6_12_01_0BL;
    static final long BROADCAST = 0xFF_FF_FF_FF_FF_FFL;
    static final long MULTICAST = 0x01_00_5E_00_00_01L;

    private TestFrames() {
    }

    /** A frame of {@code length} bytes (tag included when {@code vlan} &gt; 0), IPv4 EtherType. */
    static byte[] frame(long destination, long source, int vlan, int length, int marker) {
        byte[] f = new byte[length];
        ByteBuffer b = ByteBuffer.wrap(f);
        b.put(0, Frames.macBytes(destination)).put(6, Frames.macBytes(source));
        int at = 12;
        if (vlan > 0) {
            b.putShort(12, (short) 0x8100).putShort(14, (short) (0x2000 | vlan)); // PCP 1, to see it untouched
            at = 16;
        }
        b.putShort(at, (short) 0x0800);
        if (length >= at + 6) {
            b.putInt(at + 2, marker);
        }
        return f;
    }

    static int marker(byte[] frame) {
        ByteBuffer b = ByteBuffer.wrap(frame);
        int at = (b.getShort(12) & 0xFFFF) == 0x8100 ? 16 : 12;
        return b.getInt(at + 2);
    }

    static byte[] data(int session, int sequence, byte[] frame) {
        byte[] m = new byte[MessageHeader.SIZE + frame.length];
        ByteBuffer b = ByteBuffer.wrap(m);
        b.put(MessageHeader.SIZE, frame);
        DataMessage.writeHeader(b, 0, session, sequence, frame.length);
        return m;
    }
}
