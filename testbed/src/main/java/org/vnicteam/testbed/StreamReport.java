package org.vnicteam.testbed;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What one UDP sequence stream's receiver saw: totals and the gaps. A gap is a run of missing
 * sequence numbers, or a stall without loss (frames held back, e.g. replayed after a fail-over)
 * where arrivals fell behind their send times by more than the stall threshold. A gap's outage is
 * the time between the last frame before it and the first after it, minus one period: the time
 * the stream was dark beyond its normal spacing.
 *
 */
final class StreamReport {

    private final long[] arrived;
    private final long[] sent;
    private final long periodNanos;
    private final long received;
    private final long duplicates;
    private final long malformed;
    private final List<Gap> gaps;

    /**
     * @param firstMissing the first sequence number after the last frame before the gap
     * @param lost         frames of the gap that never arrived
     * @param outageNanos  time from the last arrival before to the first after, minus one period;
     *                     -1 when the gap has no frame on one side (the stream's start or end)
     * @param beforeNanos  System.nanoTime() of the last arrival before the gap (0 if none)
     * @param afterSentNanos send time of the first frame after the gap (0 if none)
     */
    record Gap(long firstMissing, long lost, long outageNanos, long beforeNanos, long afterSentNanos) {

        double outageMillis() {
            return outageNanos / 1e6;
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "first missing %d, lost %d, outage %s", firstMissing, lost,
                    outageNanos < 0 ? "- (at the stream's edge)" : String.format(Locale.ROOT, "%.3f ms", outageMillis()));
        }
    }

    /** What happened to the frames of one stretch of the stream, e.g. around a link cut. */
    record Window(long lost, long outageNanos) {

        double outageMillis() {
            return outageNanos / 1e6;
        }
    }

    private StreamReport(long[] arrived, long[] sent, long periodNanos, long received, long duplicates,
            long malformed, List<Gap> gaps) {
        this.arrived = arrived;
        this.sent = sent;
        this.periodNanos = periodNanos;
        this.received = received;
        this.duplicates = duplicates;
        this.malformed = malformed;
        this.gaps = List.copyOf(gaps);
    }

    /**
     * @param arrived    per sequence number, System.nanoTime() of its first arrival, 0 = never
     * @param sent       per sequence number, its send time (valid where arrived)
     * @param stallNanos a lossless pause counts as a gap when arrivals fell behind the sends by more
     */
    static StreamReport analyse(long[] arrived, long[] sent, long duplicates, long malformed,
            long periodNanos, long stallNanos) {
        List<Gap> gaps = new ArrayList<>();
        long received = 0;
        int prev = -1;
        for (int i = 0; i < arrived.length; i++) {
            if (arrived[i] == 0) {
                continue;
            }
            received++;
            if (prev < 0) {
                if (i > 0) {
                    gaps.add(new Gap(0, i, -1, 0, sent[i]));
                }
            } else {
                long lost = i - prev - 1;
                long between = arrived[i] - arrived[prev];
                long late = between - (sent[i] - sent[prev]);
                if (lost > 0 || late > stallNanos) {
                    gaps.add(new Gap(prev + 1, lost, Math.max(0, between - periodNanos), arrived[prev], sent[i]));
                }
            }
            prev = i;
        }
        if (prev < 0 && arrived.length > 0) {
            gaps.add(new Gap(0, arrived.length, -1, 0, 0));
        } else if (prev >= 0 && prev < arrived.length - 1) {
            gaps.add(new Gap(prev + 1, arrived.length - 1 - prev, -1, arrived[prev], 0));
        }
        return new StreamReport(arrived, sent, periodNanos, received, duplicates, malformed, gaps);
    }

    long expected() {
        return arrived.length;
    }

    long received() {
        return received;
    }

    long lost() {
        return arrived.length - received;
    }

    long duplicates() {
        return duplicates;
    }

    long malformed() {
        return malformed;
    }

    List<Gap> gaps() {
        return gaps;
    }

    /**
     * Frames {@code first..last} (sequence numbers, clipped to the stream): how many never arrived,
     * and the longest time the stream was dark among them, i.e. the largest spacing of two
     * consecutive arrivals (in sequence order, from the last arrival before the stretch to the
     * first after it) minus one period; 0 when every spacing was at most one period.
     */
    Window window(long first, long last) {
        int from = (int) Math.max(0, first);
        int to = (int) Math.min(arrived.length - 1, last);
        int start = from - 1;
        while (start > 0 && arrived[start] == 0) {
            start--;
        }
        long lost = 0;
        long outage = 0;
        int prev = -1;
        for (int i = Math.max(0, start); i < arrived.length; i++) {
            if (arrived[i] == 0) {
                if (i >= from && i <= to) {
                    lost++;
                }
                continue;
            }
            if (prev >= 0) {
                outage = Math.max(outage, arrived[i] - arrived[prev] - periodNanos);
            }
            prev = i;
            if (i > to) {
                break; // the first arrival after the stretch closes it
            }
        }
        return new Window(lost, outage);
    }

    /** The largest outage among the gaps, in ms (0 without gaps; edge gaps do not count). */
    double maxOutageMillis() {
        return gaps.stream().mapToLong(Gap::outageNanos).filter(n -> n >= 0).max().orElse(0) / 1e6;
    }

    String summary() {
        return String.format(Locale.ROOT, "received %d of %d, lost %d, duplicates %d, malformed %d, %d gap%s",
                received, expected(), lost(), duplicates, malformed, gaps.size(), gaps.size() == 1 ? "" : "s");
    }
}
