package org.vnicteam.fabric.sim.ethernet;

/**
 * A stream a host sends (see {@link SimIpHost#startStream}).
 *
 * @param streamId id carried in every datagram, unique per sending host
 * @param destination "ip:port"
 * @param sourcePort UDP source port of the stream
 * @param framesPerSecond rate
 * @param count datagrams to send in all
 * @param sent datagrams sent so far
 * @param state where it is
 * @param startNanos loop time of the first datagram, -1 before it
 */
public record TxStreamStatus(int streamId, String destination, int sourcePort, double framesPerSecond, long count,
        long sent, State state, long startNanos) {

    public enum State {
        /** waiting for the destination's ARP reply */
        RESOLVING,
        /** sending */
        RUNNING,
        /** all datagrams sent */
        DONE,
        /** stopped before the end */
        STOPPED,
        /** the destination never answered ARP, or has no route */
        FAILED
    }
}
