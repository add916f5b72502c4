package org.vnicteam.fabric.sim.internal;

import java.nio.ByteBuffer;

import org.vnicteam.api.ib.IbPacketView;

/**
 * One InfiniBand packet in flight: LRH through VCRC in a pooled heap buffer. A switch forwards
 * the same object; the receiving CA returns it to the pool. Only the engine thread touches it.
 */
final class PacketBuffer {

    /** LRH + GRH + BTH + DETH + ImmDt + 4096 payload + pad + ICRC + VCRC, rounded up. */
    static final int CAPACITY = 4224;

    final ByteBuffer buf = ByteBuffer.allocate(CAPACITY);
    /** A flyweight over {@link #buf}, re-pointed whenever the length changes. */
    final IbPacketView view = new IbPacketView();
    int length;
    /**
     * Whether the VCRC field holds the CRC of the bytes now in the buffer. It is computed only
     * where a link can corrupt the packet (bit-error rate above zero) or a capture writes it: an
     * error-free simulated link cannot change a byte, so a CRC there would guard nothing.
     */
    boolean vcrcValid;
    /** For link latency queues: when the packet reaches the far end. */
    long dueNanos;
    PacketBuffer nextInQueue;

    void setLength(int n) {
        length = n;
        view.wrap(buf, 0, n);
    }
}
