package org.vnicteam.api.host;

import java.util.Map;

/**
 * A snapshot of one VNIC.
 *
 * @param name VNIC name
 * @param bridge the bridge's channel-adapter name
 * @param priority fail-over priority
 * @param sticky stays active once chosen
 * @param state where the session is
 * @param sessionId the bridge-assigned session id, 0 without a session
 * @param bridgeName the name the bridge gave in LOGIN_ACK ("" before)
 * @param bridgeMac the bridge's own MAC from LOGIN_ACK ("" before)
 * @param sessionUp watcher SESSION
 * @param bridgeLinkUp watcher BRIDGE_LINK
 * @param fabricUp watcher FABRIC
 * @param keepaliveIntervalMicros configured keep-alive interval
 * @param keepaliveMisses configured answers missed before the bridge counts as lost
 * @param lastRttNanos round-trip time of the last answered keep-alive, -1 before
 * @param traffic frame counters
 * @param replay the buffer of frames not yet confirmed on the wire
 * @param control login, keep-alive and session counters
 * @param rejected received messages rejected by the protocol checks, by cause
 * @param bridgeStats the bridge's last STATS_REPORT, or null
 * @param pathUp watcher PATH
 * @param bridgeProbes whether the bridge announced capability PROBES in LOGIN_ACK
 * @param pathLostReports LINK_STATUS messages with cause "probes lost" and link down received
 */
public record VnicStatus(String name, String bridge, int priority, boolean sticky, SessionState state, int sessionId,
        String bridgeName, String bridgeMac, boolean sessionUp, boolean bridgeLinkUp, boolean fabricUp,
        long keepaliveIntervalMicros, int keepaliveMisses, long lastRttNanos, Traffic traffic, Replay replay,
        Control control, Map<String, Long> rejected, BridgeStats bridgeStats, boolean pathUp, boolean bridgeProbes,
        long pathLostReports) {

    public VnicStatus {
        rejected = Map.copyOf(rejected);
    }

    /** A VNIC whose bridge does not probe (path up). */
    public VnicStatus(String name, String bridge, int priority, boolean sticky, SessionState state, int sessionId,
            String bridgeName, String bridgeMac, boolean sessionUp, boolean bridgeLinkUp, boolean fabricUp,
            long keepaliveIntervalMicros, int keepaliveMisses, long lastRttNanos, Traffic traffic, Replay replay,
            Control control, Map<String, Long> rejected, BridgeStats bridgeStats) {
        this(name, bridge, priority, sticky, state, sessionId, bridgeName, bridgeMac, sessionUp, bridgeLinkUp, fabricUp,
                keepaliveIntervalMicros, keepaliveMisses, lastRttNanos, traffic, replay, control, rejected, bridgeStats,
                true, false, 0);
    }

    /** Whether the session, bridge-link and fabric watchers are up: the VNIC can carry traffic. */
    public boolean ready() {
        return sessionUp && bridgeLinkUp && fabricUp;
    }

    /** Ready, but its bridge reports its Ethernet path lost: the team uses it only when no member is fully up. */
    public boolean degraded() {
        return ready() && !pathUp;
    }

    /** Where a VNIC's session is. */
    public enum SessionState {
        /** No session; waiting to try again (bridge not found, rejected, or lost). */
        IDLE,
        /** LOGIN sent, waiting for LOGIN_ACK. */
        LOGGING_IN,
        /** Session open, CONFIG_ADDRESSES not yet acknowledged (or no addresses given yet). */
        PROGRAMMING,
        /** Session open and programmed. */
        READY,
        /** Stopped. */
        CLOSED
    }

    /**
     * Frames through the VNIC.
     *
     * @param txFrames DATA messages posted to the bridge
     * @param txBytes their Ethernet bytes
     * @param rxFrames DATA messages from the bridge handed to the listener
     * @param rxBytes their Ethernet bytes
     * @param txDroppedNoSession frames offered while there was no session
     * @param txDroppedQueueFull the data queue pair's send queue was full
     * @param txDroppedBadLength shorter than 14 bytes or longer than the maximum frame
     * @param txDroppedBufferBusy the replay buffer was full of frames the HCA still owned
     * @param rxDroppedNoListener frames received while no listener was attached
     * @param rxSequenceGaps DATA sequence numbers from the bridge that were skipped
     */
    public record Traffic(long txFrames, long txBytes, long rxFrames, long rxBytes, long txDroppedNoSession,
            long txDroppedQueueFull, long txDroppedBadLength, long txDroppedBufferBusy, long rxDroppedNoListener,
            long rxSequenceGaps) {
    }

    /**
     * The replay buffer.
     *
     * @param txSequence DATA sequence number of the last frame sent in this session
     * @param lastSequenceOnWire the bridge's last confirmation
     * @param unconfirmedFrames frames held now that the bridge has not confirmed
     * @param capacityBytes size of the buffer
     * @param replayedFrames frames handed out for replay so far
     * @param overflowed unconfirmed frames overwritten because the buffer was full (not replayable)
     * @param discarded unconfirmed frames of a lost session dropped at the next login
     */
    public record Replay(int txSequence, int lastSequenceOnWire, long unconfirmedFrames, int capacityBytes,
            long replayedFrames, long overflowed, long discarded) {
    }

    /**
     * Control-channel counters.
     *
     * @param loginsSent LOGIN datagrams sent
     * @param logins sessions established
     * @param loginRejects LOGIN_REJECTs received
     * @param sessionsLost sessions that ended, by cause
     * @param keepalivesSent KEEPALIVEs sent
     * @param keepalivesAnswered KEEPALIVE_ACKs received
     * @param linkStatusReceived LINK_STATUS messages received
     * @param configsAcknowledged CONFIG_ACKs with status 0
     */
    public record Control(long loginsSent, long logins, long loginRejects, Map<String, Long> sessionsLost,
            long keepalivesSent, long keepalivesAnswered, long linkStatusReceived, long configsAcknowledged) {
        public Control {
            sessionsLost = Map.copyOf(sessionsLost);
        }
    }

    /** The bridge's own counters (STATS_REPORT), as last reported. */
    public record BridgeStats(long txFrames, long txBytes, long rxFrames, long rxBytes, long droppedOversize,
            long droppedNoCarrier, long droppedFiltered, long droppedMalformed, long carrierChanges,
            long lastSequenceOnWire, long receivedNanos) {
    }
}
