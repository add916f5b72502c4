package org.vnicteam.api.eoib;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;

/** Rejected messages counted by cause; thread-safe, allocation-free to count. */
public final class RejectCounters {

    private static final ProtocolException.Cause[] CAUSES = ProtocolException.Cause.values();
    private final AtomicLongArray counts = new AtomicLongArray(CAUSES.length);

    public void count(ProtocolException.Cause cause) {
        counts.incrementAndGet(cause.ordinal());
    }

    public long get(ProtocolException.Cause cause) {
        return counts.get(cause.ordinal());
    }

    public long total() {
        long t = 0;
        for (int i = 0; i < CAUSES.length; i++) {
            t += counts.get(i);
        }
        return t;
    }

    /** The non-zero counts. */
    public Map<ProtocolException.Cause, Long> snapshot() {
        Map<ProtocolException.Cause, Long> m = new EnumMap<>(ProtocolException.Cause.class);
        for (ProtocolException.Cause c : CAUSES) {
            long v = counts.get(c.ordinal());
            if (v != 0) {
                m.put(c, v);
            }
        }
        return m;
    }
}
