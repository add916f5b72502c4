package org.vnicteam.fabric.sim.ethernet;

import java.util.List;

/**
 * The outcome of {@link SimIpHost#ping}.
 *
 * @param target the address pinged
 * @param sent echo requests sent (or, when the target never answered ARP, attempted)
 * @param received echo replies received in time
 * @param rttNanos round-trip times of the replies, in the order of the requests (the first one
 *        includes ARP resolution when the target was not in the ARP cache)
 */
public record PingResult(String target, int sent, int received, List<Long> rttNanos) {

    public PingResult {
        rttNanos = List.copyOf(rttNanos);
    }

    public int lost() {
        return sent - received;
    }

    /** Longest round trip, or -1 without replies. */
    public long maxRttNanos() {
        return rttNanos.stream().mapToLong(Long::longValue).max().orElse(-1);
    }

    /** Shortest round trip, or -1 without replies. */
    public long minRttNanos() {
        return rttNanos.stream().mapToLong(Long::longValue).min().orElse(-1);
    }
}
