package org.vnicteam.bridge.core.internal;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.vnicteam.api.ethernet.CarrierListener;
import org.vnicteam.api.ethernet.EthernetPort;
import org.vnicteam.api.ethernet.FrameReceiver;

/**
 * A test double of the far end of a bridge's Ethernet cable: records what the bridge puts on the
 * wire, injects frames toward the bridge, and switches the carrier (listeners told synchronously
 * on the calling thread, as the EthernetPort contract says). It keeps the port contract: send
 * copies, refuses frames without carrier or outside 14..maxFrameSize.
 */
final class LoopbackEthernetPort implements EthernetPort {

    final LinkedBlockingQueue<byte[]> wire = new LinkedBlockingQueue<>();
    private final String name;
    private final int maxFrameSize;
    private final CopyOnWriteArrayList<CarrierListener> listeners = new CopyOnWriteArrayList<>();
    private final AtomicLong txFrames = new AtomicLong();
    private final AtomicLong txDropped = new AtomicLong();
    private final AtomicLong carrierChanges = new AtomicLong();
    private volatile FrameReceiver receiver;
    private volatile boolean carrier = true;
    /** When false, frames are counted but not kept (throughput runs). */
    volatile boolean recording = true;

    LoopbackEthernetPort(String name, int maxFrameSize) {
        this.name = name;
        this.maxFrameSize = maxFrameSize;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public boolean send(ByteBuffer frame, int offset, int length) {
        if (!carrier || length < 14 || length > maxFrameSize) {
            txDropped.incrementAndGet();
            return false;
        }
        if (recording) {
            byte[] copy = new byte[length];
            frame.get(offset, copy);
            wire.add(copy);
        }
        txFrames.incrementAndGet();
        return true;
    }

    /** What the owner last passed to {@link #setAddresses}, as MAC values; empty before. */
    volatile List<Long> addresses = List.of();

    @Override
    public void setAddresses(List<byte[]> macs) {
        addresses = macs.stream().map(Frames::macValue).toList();
    }

    @Override
    public void setReceiver(FrameReceiver r) {
        receiver = r;
    }

    FrameReceiver receiver() {
        return receiver;
    }

    /** A frame arrives from the wire. */
    void inject(byte[] frame) {
        FrameReceiver r = receiver;
        if (r != null) {
            r.frameReceived(ByteBuffer.wrap(frame), 0, frame.length);
        }
    }

    void setCarrier(boolean up) {
        if (carrier == up) {
            return;
        }
        carrier = up;
        carrierChanges.incrementAndGet();
        long now = System.nanoTime();
        for (CarrierListener l : listeners) {
            l.carrierChanged(this, up, now);
        }
    }

    @Override
    public boolean carrier() {
        return carrier;
    }

    /** What {@link #unsentSinceCarrierLoss} reports: accepted frames that never left. */
    volatile int unsent;

    @Override
    public int unsentSinceCarrierLoss() {
        return unsent;
    }

    @Override
    public void addCarrierListener(CarrierListener listener) {
        listeners.addIfAbsent(listener);
    }

    @Override
    public void removeCarrierListener(CarrierListener listener) {
        listeners.remove(listener);
    }

    int carrierListenerCount() {
        return listeners.size();
    }

    @Override
    public int maxFrameSize() {
        return maxFrameSize;
    }

    @Override
    public byte[] macAddress() {
        return new byte[] { 2, 0, 0, 0, (byte) 0xEE, 1 };
    }

    @Override
    public PortCounters counters() {
        return new PortCounters(txFrames.get(), 0, 0, 0, txDropped.get(), 0, carrierChanges.get());
    }

    long txFrames() {
        return txFrames.get();
    }

    byte[] take(long millis) throws InterruptedException {
        return wire.poll(millis, TimeUnit.MILLISECONDS);
    }
}
