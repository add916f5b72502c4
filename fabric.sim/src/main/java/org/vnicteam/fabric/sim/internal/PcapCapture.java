package org.vnicteam.fabric.sim.internal;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.vnicteam.api.fabric.FabricControl;

/**
 * Writes the packets seen at one port to a classic pcap file with link type 147 (USER0), which
 * Wireshark maps to its {@code infiniband} dissector through a user DLT. Each record holds LRH
 * through VCRC; the VCRC is computed for the record if no hop needed it so far.
 */
final class PcapCapture implements FabricControl.Capture {

    static final int LINKTYPE_USER0 = 147;
    private static final Logger LOG = Logger.getLogger(PcapCapture.class.getName());

    private final Path file;
    private final OutputStream out;
    private final ByteBuffer recordHeader = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
    private final long epochOffsetNanos = System.currentTimeMillis() * 1_000_000L - System.nanoTime();
    private final Runnable detach;
    private volatile long packets;
    private boolean failed;

    PcapCapture(Path file, Runnable detach) throws IOException {
        this.file = file;
        this.detach = detach;
        if (file.getParent() != null) {
            Files.createDirectories(file.getParent());
        }
        out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16);
        ByteBuffer h = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
        h.putInt(0xA1B2C3D4).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(65535)
                .putInt(LINKTYPE_USER0);
        out.write(h.array());
    }

    /** Engine thread. */
    void write(PacketBuffer p, Engine engine) {
        if (failed) {
            return;
        }
        if (!p.vcrcValid) {
            Wire.sealVcrc(p);
        }
        long t = epochOffsetNanos + engine.now;
        recordHeader.clear();
        recordHeader.putInt((int) (t / 1_000_000_000L)).putInt((int) (t % 1_000_000_000L / 1000)).putInt(p.length)
                .putInt(p.length);
        try {
            out.write(recordHeader.array());
            out.write(p.buf.array(), p.buf.arrayOffset(), p.length);
            packets++;
        } catch (IOException e) {
            failed = true;
            LOG.log(Level.WARNING, "capture to " + file + " failed; stopped", e);
        }
    }

    @Override
    public Path file() {
        return file;
    }

    @Override
    public long packets() {
        return packets;
    }

    @Override
    public void close() throws IOException {
        detach.run();
        out.close();
    }
}
