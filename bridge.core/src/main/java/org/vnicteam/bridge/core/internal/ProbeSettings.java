package org.vnicteam.bridge.core.internal;

/**
 * How a bridge probes its Ethernet path (docs/protocol.md, "Probe frames").
 *
 * @param intervalNanos a probe per programmed VLAN every this long, and a check of every watch;
 *        0 turns probing off
 * @param misses an armed watch is lost after this many checks in a row heard nothing on its VLAN
 * @param settleNanos a watch arms only after its peers have been heard this long without a
 *        silent window: a path that has not been steady yet (a bridge just started, its JVM still
 *        compiling) is not acted upon; 0 arms at the first peer probe
 * @param maxWindowNanos how far a watch may widen its window on a path that has shown it delays
 *        frames without losing them (see {@link PathWatch}); at or below {@link #windowNanos()}
 *        (0 included) the window is fixed
 */
public record ProbeSettings(long intervalNanos, int misses, long settleNanos, long maxWindowNanos) {

    public static final int DEFAULT_MISSES = 4;
    public static final int MIN_MISSES = 2;
    public static final int MAX_MISSES = 1000;
    public static final long MAX_INTERVAL_MILLIS = 10_000;
    public static final long MAX_SETTLE_MILLIS = 60_000;
    public static final long MAX_MAX_WINDOW_MILLIS = 60_000;
    public static final ProbeSettings OFF = new ProbeSettings(0, DEFAULT_MISSES);

    /** Arming at the first peer probe, with a fixed window. */
    public ProbeSettings(long intervalNanos, int misses) {
        this(intervalNanos, misses, 0);
    }

    /** With a fixed window. */
    public ProbeSettings(long intervalNanos, int misses, long settleNanos) {
        this(intervalNanos, misses, settleNanos, 0);
    }

    public ProbeSettings {
        if (intervalNanos < 0 || intervalNanos > MAX_INTERVAL_MILLIS * 1_000_000L) {
            throw new IllegalArgumentException("probe interval " + intervalNanos / 1_000_000.0 + " ms is outside 0.."
                    + MAX_INTERVAL_MILLIS + " ms (0 = no probes)");
        }
        if (misses < MIN_MISSES || misses > MAX_MISSES) {
            throw new IllegalArgumentException("probe misses " + misses + " is outside " + MIN_MISSES + ".."
                    + MAX_MISSES);
        }
        if (settleNanos < 0 || settleNanos > MAX_SETTLE_MILLIS * 1_000_000L) {
            throw new IllegalArgumentException("probe settle time " + settleNanos / 1_000_000.0 + " ms is outside 0.."
                    + MAX_SETTLE_MILLIS + " ms");
        }
        if (maxWindowNanos < 0 || maxWindowNanos > MAX_MAX_WINDOW_MILLIS * 1_000_000L) {
            throw new IllegalArgumentException("probe window bound " + maxWindowNanos / 1_000_000.0
                    + " ms is outside 0.." + MAX_MAX_WINDOW_MILLIS + " ms");
        }
    }

    /** From the configuration's units: milliseconds (0 = off) and a count. */
    public static ProbeSettings ofMillis(long intervalMillis, int misses) {
        return ofMillis(intervalMillis, misses, 0);
    }

    /** From the configuration's units: milliseconds (0 = off), a count, and milliseconds; a fixed window. */
    public static ProbeSettings ofMillis(long intervalMillis, int misses, long settleMillis) {
        return ofMillis(intervalMillis, misses, settleMillis, 0);
    }

    /** From the configuration's units: milliseconds (0 = off), a count, milliseconds and milliseconds. */
    public static ProbeSettings ofMillis(long intervalMillis, int misses, long settleMillis, long maxWindowMillis) {
        if (intervalMillis < 0 || intervalMillis > MAX_INTERVAL_MILLIS) {
            throw new IllegalArgumentException("probe.interval.ms " + intervalMillis + " is outside 0.."
                    + MAX_INTERVAL_MILLIS + " (0 = no probes)");
        }
        if (settleMillis < 0 || settleMillis > MAX_SETTLE_MILLIS) {
            throw new IllegalArgumentException("probe.settle.ms " + settleMillis + " is outside 0.." + MAX_SETTLE_MILLIS);
        }
        if (maxWindowMillis < 0 || maxWindowMillis > MAX_MAX_WINDOW_MILLIS) {
            throw new IllegalArgumentException("probe.window.max.ms " + maxWindowMillis + " is outside 0.."
                    + MAX_MAX_WINDOW_MILLIS);
        }
        return new ProbeSettings(intervalMillis * 1_000_000L, misses, settleMillis * 1_000_000L,
                maxWindowMillis * 1_000_000L);
    }

    public boolean enabled() {
        return intervalNanos > 0;
    }

    /** How long an armed watch may hear nothing before it is lost: misses × interval. */
    public long windowNanos() {
        return intervalNanos * misses;
    }

    /** Whether a watch may widen its window beyond {@link #windowNanos()}. */
    public boolean adaptive() {
        return maxWindowNanos > windowNanos();
    }
}
