package org.vnicteam.api.verbs;

/**
 * A snapshot of one queue pair's transport counters.
 *
 * @param packetsSent packets put on the wire, retransmissions included
 * @param packetsReceived packets accepted
 * @param retransmittedPackets packets sent again after a timeout or a NAK
 * @param timeouts ACK timeouts
 * @param duplicatesDropped duplicate packets the responder dropped (and re-acknowledged)
 * @param outOfSequence packets beyond the expected PSN (answered with a sequence NAK)
 * @param rnrNaksSent receiver-not-ready NAKs sent
 * @param qkeyViolations UD packets dropped for a wrong Q_Key
 * @param receiveQueueEmpty UD packets dropped because no receive was posted
 */
public record QpCounters(long packetsSent, long packetsReceived, long retransmittedPackets, long timeouts,
        long duplicatesDropped, long outOfSequence, long rnrNaksSent, long qkeyViolations, long receiveQueueEmpty) {
}
