package org.vnicteam.bridge.core.internal;

import java.util.concurrent.atomic.AtomicLongArray;

import org.vnicteam.api.bridge.BridgeCounters;

/**
 * Frame counters updated on the data path without allocating and from any thread (Ethernet
 * receive thread, fabric event thread); read as an immutable {@link BridgeCounters}.
 */
final class FrameCounters {

    static final int TX_FRAMES = 0;
    static final int TX_BYTES = 1;
    static final int RX_FRAMES = 2;
    static final int RX_BYTES = 3;
    static final int DROPPED_OVERSIZE = 4;
    static final int DROPPED_NO_CARRIER = 5;
    static final int DROPPED_FILTERED = 6;
    static final int DROPPED_MALFORMED = 7;
    static final int DROPPED_NO_BUFFER = 8;
    private static final int SIZE = 9;

    private final AtomicLongArray values = new AtomicLongArray(SIZE);

    void add(int counter, long amount) {
        values.getAndAdd(counter, amount);
    }

    void increment(int counter) {
        values.getAndIncrement(counter);
    }

    long get(int counter) {
        return values.get(counter);
    }

    BridgeCounters snapshot(long carrierChanges) {
        return new BridgeCounters(values.get(TX_FRAMES), values.get(TX_BYTES), values.get(RX_FRAMES),
                values.get(RX_BYTES), values.get(DROPPED_OVERSIZE), values.get(DROPPED_NO_CARRIER),
                values.get(DROPPED_FILTERED), values.get(DROPPED_MALFORMED), values.get(DROPPED_NO_BUFFER),
                carrierChanges);
    }
}
