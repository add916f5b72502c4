package org.vnicteam.api.verbs;

/**
 * Where an RC queue pair connects and how hard it tries (the INIT→RTR→RTS attributes).
 *
 * @param remoteLid destination LID
 * @param remoteQpn destination QP number
 * @param sendPsn first PSN this side sends
 * @param receivePsn first PSN this side expects (the peer's sendPsn)
 * @param pathMtu bytes; 0 = the path MTU the subnet manager reports
 * @param ackTimeoutNanos local ACK timeout before a retransmission (IBA encodes this as
 *        4.096 µs × 2^n; the simulation takes it directly)
 * @param retryCount transport retries before the QP goes to error (0..7)
 * @param rnrRetryCount retries after RNR NAKs (0..6; 7 = forever)
 * @param rnrDelayNanos delay the responder asks for in its RNR NAK
 */
public record RcConnection(int remoteLid, int remoteQpn, int sendPsn, int receivePsn, int pathMtu,
        long ackTimeoutNanos, int retryCount, int rnrRetryCount, long rnrDelayNanos) {

    public RcConnection {
        if (remoteLid < 1 || remoteLid > 0xBFFF) {
            throw new IllegalArgumentException("remoteLid not unicast: " + remoteLid);
        }
        if (remoteQpn < 2 || remoteQpn > 0xFFFFFF) {
            throw new IllegalArgumentException("remoteQpn out of range: " + remoteQpn);
        }
        if ((sendPsn & ~0xFFFFFF) != 0 || (receivePsn & ~0xFFFFFF) != 0) {
            throw new IllegalArgumentException("PSNs are 24 bits");
        }
        if (retryCount < 0 || retryCount > 7 || rnrRetryCount < 0 || rnrRetryCount > 7) {
            throw new IllegalArgumentException("retry counts are 0..7");
        }
        if (ackTimeoutNanos <= 0 || rnrDelayNanos < 0) {
            throw new IllegalArgumentException("timeouts must be positive");
        }
    }

    /** Defaults a consumer usually wants: path MTU, 1 ms ACK timeout, 7 retries, RNR forever. */
    public static RcConnection to(int remoteLid, int remoteQpn, int sendPsn, int receivePsn) {
        return new RcConnection(remoteLid, remoteQpn, sendPsn, receivePsn, 0, 1_000_000L, 7, 7, 100_000L);
    }

    public RcConnection withRetry(long newAckTimeoutNanos, int newRetryCount) {
        return new RcConnection(remoteLid, remoteQpn, sendPsn, receivePsn, pathMtu, newAckTimeoutNanos,
                newRetryCount, rnrRetryCount, rnrDelayNanos);
    }

    public RcConnection withPathMtu(int mtu) {
        return new RcConnection(remoteLid, remoteQpn, sendPsn, receivePsn, mtu, ackTimeoutNanos, retryCount,
                rnrRetryCount, rnrDelayNanos);
    }
}
