package org.vnicteam.bridge.hostcmd.internal;

import java.nio.ByteBuffer;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;

import org.vnicteam.api.ethernet.CarrierListener;
import org.vnicteam.api.ethernet.EthernetPort;
import org.vnicteam.api.ethernet.FrameReceiver;

/**
 * A test double of the far end of a bridge's Ethernet cable: keeps what the bridge sends, switches
 * carrier with listeners told synchronously (the EthernetPort contract). The Pax Exam tests use the
 * real simulated segment instead.
 */
final class CableEnd implements EthernetPort {

    final LinkedBlockingQueue<byte[]> wire = new LinkedBlockingQueue<>();
    private final CopyOnWriteArrayList<CarrierListener> listeners = new CopyOnWriteArrayList<>();
    private volatile FrameReceiver receiver;
    private volatile boolean carrier = true;
    /** nanoTime the last carrier change was announced with. */
    volatile long lastChangeNanos;

    @Override
    public String name() {
        return "test-eth";
    }

    @Override
    public boolean send(ByteBuffer frame, int offset, int length) {
        if (!carrier || length < 14 || length > maxFrameSize()) {
            return false;
        }
        byte[] copy = new byte[length];
        frame.get(offset, copy);
        wire.add(copy);
        return true;
    }

    @Override
    public void setReceiver(FrameReceiver r) {
        receiver = r;
    }

    void inject(byte[] frame) {
        FrameReceiver r = receiver;
        if (r != null) {
            r.frameReceived(ByteBuffer.wrap(frame), 0, frame.length);
        }
    }

    void setCarrier(boolean up) {
        carrier = up;
        long now = System.nanoTime();
        lastChangeNanos = now;
        for (CarrierListener l : listeners) {
            l.carrierChanged(this, up, now);
        }
    }

    @Override
    public boolean carrier() {
        return carrier;
    }

    @Override
    public void addCarrierListener(CarrierListener l) {
        listeners.addIfAbsent(l);
    }

    @Override
    public void removeCarrierListener(CarrierListener l) {
        listeners.remove(l);
    }

    @Override
    public int maxFrameSize() {
        return 1518;
    }

    @Override
    public byte[] macAddress() {
        return new byte[] { 2, 0, 0, 0, (byte) 0xEE, 2 };
    }

    @Override
    public PortCounters counters() {
        return new PortCounters(0, 0, 0, 0, 0, 0, 0);
    }
}
