package org.vnicteam.fabric.sim.ethernet.internal;

import java.nio.ByteBuffer;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.vnicteam.api.ethernet.CarrierListener;
import org.vnicteam.api.ethernet.EthernetPort;
import org.vnicteam.api.ethernet.FrameReceiver;

/**
 * The far end of a switch port's cable, as a bridge sees it: an {@link EthernetPort}. Carrier is
 * the switch port's link state. One lock orders carrier changes against frame delivery: a
 * carrier change and its listeners run under it, and so does each delivery to the receiver, so a
 * listener hears of a change before any frame that follows it, and no frame reaches the
 * receiver once the carrier is down.
 */
final class BridgePort implements EthernetPort, SwitchCore.Egress {

    private static final Logger LOG = Logger.getLogger(BridgePort.class.getName());

    private final String name;
    private final byte[] mac;
    private final int maxFrame;
    private final SimSegment segment;
    private final SwitchCore.Port switchPort;
    private final Object carrierLock = new Object();
    private final CopyOnWriteArrayList<CarrierListener> listeners = new CopyOnWriteArrayList<>();
    private volatile FrameReceiver receiver;

    private final AtomicLong txFrames = new AtomicLong();
    private final AtomicLong txBytes = new AtomicLong();
    private final AtomicLong txDropped = new AtomicLong();
    // written under carrierLock (on the segment thread), read anywhere
    private volatile long rxFrames;
    private volatile long rxBytes;
    private volatile long rxDropped;
    private volatile long carrierChanges;

    BridgePort(String name, byte[] mac, int maxFrame, SimSegment segment, SwitchCore.Port switchPort) {
        this.name = name;
        this.mac = mac.clone();
        this.maxFrame = maxFrame;
        this.segment = segment;
        this.switchPort = switchPort;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public boolean send(ByteBuffer frame, int offset, int length) {
        if (!switchPort.up || length < 14 || length > maxFrame) {
            txDropped.incrementAndGet();
            if (!switchPort.up) {
                switchPort.entryLinkDown.incrementAndGet();
            } else {
                switchPort.entryMalformed.incrementAndGet();
            }
            return false;
        }
        if (!segment.post(switchPort, frame, offset, length)) {
            txDropped.incrementAndGet();
            return false;
        }
        txFrames.incrementAndGet();
        txBytes.addAndGet(length);
        return true;
    }

    @Override
    public void setReceiver(FrameReceiver receiver) {
        this.receiver = receiver;
    }

    @Override
    public boolean carrier() {
        return switchPort.up;
    }

    /**
     * Changes the carrier (the switch port's link) and tells the listeners at once, in this
     * thread, with the time of the change.
     *
     * @return whether it changed
     */
    boolean setCarrier(boolean up) {
        synchronized (carrierLock) {
            if (switchPort.up == up) {
                return false;
            }
            switchPort.up = up;
            long at = System.nanoTime();
            carrierChanges++;
            for (CarrierListener l : listeners) {
                try {
                    l.carrierChanged(this, up, at);
                } catch (RuntimeException | LinkageError e) {
                    LOG.log(Level.WARNING, "carrier listener of " + name + " failed", e);
                }
            }
            return true;
        }
    }

    @Override
    public void deliver(ByteBuffer view, byte[] frame, int length) {
        synchronized (carrierLock) {
            FrameReceiver r = receiver;
            if (!switchPort.up || r == null) {
                rxDropped++;
                return;
            }
            rxFrames++;
            rxBytes += length;
            try {
                r.frameReceived(view, 0, length);
            } catch (RuntimeException | LinkageError e) {
                LOG.log(Level.WARNING, "receiver of " + name + " failed", e);
            }
        }
    }

    @Override
    public void addCarrierListener(CarrierListener listener) {
        listeners.addIfAbsent(listener);
    }

    @Override
    public void removeCarrierListener(CarrierListener listener) {
        listeners.remove(listener);
    }

    @Override
    public int maxFrameSize() {
        return maxFrame;
    }

    @Override
    public byte[] macAddress() {
        return mac.clone();
    }

    @Override
    public PortCounters counters() {
        return new PortCounters(txFrames.get(), txBytes.get(), rxFrames, rxBytes, txDropped.get(), rxDropped,
                carrierChanges);
    }

    @Override
    public String toString() {
        return "EthernetPort " + name + " (simulated, switch port " + switchPort.name + ")";
    }
}
