package org.vnicteam.fabric.sim.ethernet;

/**
 * What a host received of one UDP sequence stream (see {@link SimIpHost#startStream}). Times are
 * of the receiving host's event loop clock ({@link System#nanoTime()} in a real segment; the send
 * time in each datagram is the sender's, the same clock within one JVM).
 *
 * @param source sender "ip:port"
 * @param streamId the sender's stream id
 * @param dstPort UDP port the stream arrived on
 * @param received datagrams counted once each (duplicates excluded)
 * @param lost sequence numbers skipped over and still missing (gaps that stay gaps; datagrams
 *        lost after the last one received cannot be told and are not counted here)
 * @param duplicates datagrams whose sequence number had already arrived
 * @param reordered datagrams that arrived after a higher sequence number (they filled a gap)
 * @param tooLate datagrams older than the reordering window (65,536 sequence numbers), counted
 *        neither as received nor as filling a gap
 * @param highestSequence highest sequence number seen, -1 before the first
 * @param firstArrivalNanos arrival time of the first datagram
 * @param lastArrivalNanos arrival time of the latest datagram
 * @param maxInterArrivalNanos longest interval between two consecutive arrivals: the outage measure
 * @param maxInterArrivalAfterSequence sequence number of the datagram that ended that interval
 * @param minLatencyNanos smallest one-way latency (arrival minus send time)
 * @param maxLatencyNanos largest one-way latency
 * @param meanLatencyNanos mean one-way latency of the datagrams counted in {@code received}
 */
public record StreamStats(String source, int streamId, int dstPort, long received, long lost, long duplicates,
        long reordered, long tooLate, long highestSequence, long firstArrivalNanos, long lastArrivalNanos,
        long maxInterArrivalNanos, long maxInterArrivalAfterSequence, long minLatencyNanos, long maxLatencyNanos,
        long meanLatencyNanos) {
}
