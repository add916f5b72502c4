package org.vnicteam.bridge.core.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.pcap4j.core.NotOpenException;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.PcapHandle.PcapDirection;
import org.pcap4j.core.PcapNativeException;
import org.pcap4j.core.PcapNetworkInterface.PromiscuousMode;
import org.vnicteam.lib.linux.NetNamespace;
import org.vnicteam.lib.pcap4j.Pcap4j;

/**
 * The other end of a test's veth pair, through its own pcap4j handle: injects frames toward the
 * port and collects the frames the port sent (inbound only, so its own injections stay out).
 */
final class PeerWire implements AutoCloseable {

    static final int SNAPLEN = 9100;
    static final int BUFFER = 32 << 20;

    final LinkedBlockingQueue<byte[]> received = new LinkedBlockingQueue<>();
    private final PcapHandle handle;
    private final Thread thread;

    private PeerWire(PcapHandle handle, String ifName) {
        this.handle = handle;
        this.thread = new Thread(() -> {
            try {
                handle.loop(-1, received::add);
            } catch (InterruptedException | PcapNativeException | NotOpenException e) {
                // broken by close(), or the interface went away
            }
        }, "peer wire " + ifName);
        thread.setDaemon(true);
        thread.start();
    }

    static PeerWire open(NetNamespace ns, String ifName) throws IOException {
        Pcap4j.init();
        // immediate mode makes libpcap use TPACKET_V2, one ring slot per snaplen: a small snaplen and
        // a large buffer keep a burst of frames from overflowing the ring
        PcapHandle h = ns.call(() -> new PcapHandle.Builder(ifName).snaplen(SNAPLEN).bufferSize(BUFFER)
                .promiscuousMode(PromiscuousMode.PROMISCUOUS).immediateMode(true).direction(PcapDirection.IN)
                .build());
        return new PeerWire(h, ifName);
    }

    void send(byte[] frame) throws PcapNativeException, NotOpenException {
        handle.sendPacket(frame);
    }

    /** The next frame the peer received from {@code source}, skipping others (the kernel's own IPv6 chatter). */
    byte[] takeFrom(long source, long millis) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        long left;
        while ((left = end - System.nanoTime()) > 0) {
            byte[] f = received.poll(left, TimeUnit.NANOSECONDS);
            if (f != null && f.length >= 12 && Frames.mac(ByteBuffer.wrap(f), Frames.SOURCE_OFFSET) == source) {
                return f;
            }
        }
        return null;
    }

    @Override
    public void close() throws InterruptedException {
        try {
            handle.breakLoop();
        } catch (NotOpenException e) {
            // already closed
        }
        thread.join(2000);
        handle.close();
    }
}
