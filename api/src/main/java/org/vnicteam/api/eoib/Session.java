package org.vnicteam.api.eoib;

/**
 * One side's view of an established session: who the peer is on the fabric. Every message is
 * checked against it before it is acted on; {@link #check} says why one must be rejected.
 *
 * @param id session id the bridge assigned (never 0)
 * @param peerLid the peer's LID
 * @param peerControlQpn the peer's control RC queue pair
 * @param peerDataQpn the peer's data RC queue pair
 */
public record Session(int id, int peerLid, int peerControlQpn, int peerDataQpn) {

    public Session {
        if (id == 0) {
            throw new IllegalArgumentException("session id 0 is reserved for LOGIN");
        }
    }

    /**
     * {@code null} if a message from fabric address {@code (sourceLid, sourceQpn)} carrying
     * {@code session} belongs to this session, else the cause to count.
     */
    public ProtocolException.Cause check(int sourceLid, int sourceQpn, int session) {
        if (sourceLid != peerLid || (sourceQpn != peerControlQpn && sourceQpn != peerDataQpn)) {
            return ProtocolException.Cause.WRONG_PEER;
        }
        return session == id ? null : ProtocolException.Cause.WRONG_SESSION;
    }
}
