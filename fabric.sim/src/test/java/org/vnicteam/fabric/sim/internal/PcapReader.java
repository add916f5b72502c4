package org.vnicteam.fabric.sim.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads the records of a classic little-endian pcap file (what the capture writes). */
final class PcapReader {

    private PcapReader() {
    }

    static List<byte[]> packets(Path file) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        if (b.getInt(0) != 0xA1B2C3D4 || b.getInt(20) != PcapCapture.LINKTYPE_USER0) {
            throw new IOException("not a link type 147 pcap: " + file);
        }
        List<byte[]> out = new ArrayList<>();
        int at = 24;
        while (at + 16 <= b.limit()) {
            int len = b.getInt(at + 8);
            byte[] p = new byte[len];
            b.get(at + 16, p);
            out.add(p);
            at += 16 + len;
        }
        return out;
    }
}
