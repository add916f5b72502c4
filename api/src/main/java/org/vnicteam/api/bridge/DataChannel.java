package org.vnicteam.api.bridge;

import java.util.Collection;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The DATA path of one session on a bridge: an RC queue pair connected to the VNIC's data queue
 * pair. Frames from the host go out on Ethernet with the team MAC as source; frames from Ethernet
 * addressed to the team MAC (or broadcast/multicast) on a programmed VLAN go to the host.
 */
@ProviderType
public interface DataChannel extends AutoCloseable {

    /**
     * Where the channel connects to.
     *
     * @param sessionId the session id carried in every DATA header (never 0)
     * @param lid the VNIC's LID
     * @param queuePairNumber the VNIC's data QP
     * @param startPsn the first PSN the VNIC sends on it
     * @param maxFrame the largest frame the VNIC accepts (LOGIN.maxFrame)
     */
    record Peer(int sessionId, int lid, int queuePairNumber, int startPsn, int maxFrame) {
        public Peer {
            if (sessionId == 0) {
                throw new IllegalArgumentException("session id 0 is reserved for LOGIN");
            }
        }
    }

    Peer peer();

    /** The channel's own RC queue pair, for LOGIN_ACK. */
    int queuePairNumber();

    /** The first PSN the channel sends, for LOGIN_ACK. */
    int startPsn();

    /**
     * Replaces the team MAC and VLAN list (0 = untagged frames, 1..4094 tagged).
     *
     * @return false, changing nothing, when there are more than {@link BridgeDevice#maxVlans()}
     *         VLANs
     * @throws IllegalArgumentException for a MAC that is not 6 bytes or a VLAN outside 0..4094
     */
    boolean configureAddresses(byte[] teamMac, Collection<Integer> vlans);

    /**
     * The sequence number of the last DATA frame from the host this channel put on the Ethernet
     * wire, 0 before the first. Every later frame has not reached the wire.
     */
    int lastSequenceOnWire();

    /** Whether the channel still carries frames (not closed, queue pair not in error). */
    boolean isOpen();

    /**
     * Whether the bridge's Ethernet path works on every VLAN this channel carries, as far as its
     * probes tell: false while one of them is lost (see {@link LinkListener#pathChanged}). Always
     * true on a bridge that does not probe.
     */
    default boolean pathUp() {
        return true;
    }

    ChannelStatus status();

    /** Destroys the queue pair; frames in flight are lost. Idempotent. */
    @Override
    void close();
}
