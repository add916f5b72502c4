package org.vnicteam.host.vnic.internal;

import java.nio.charset.StandardCharsets;

import org.vnicteam.api.eoib.ControlMessage;

/**
 * A VNIC's settings, checked once; built from the DS configuration or directly by tests.
 *
 * @param name VNIC name (≤ 64 UTF-8 bytes: it travels in LOGIN)
 * @param bridge the bridge's channel-adapter name, as in its service record
 * @param priority fail-over priority, higher preferred
 * @param sticky once active, stays active even if a better member comes up
 * @param port HCA port (1-based)
 * @param keepaliveIntervalNanos keep-alive period
 * @param keepaliveMisses intervals without a word from the bridge before it counts as lost
 * @param loginRetryNanos wait for LOGIN_ACK, and between attempts
 * @param maxFrame largest Ethernet frame without FCS, 802.1Q tag included
 * @param replayBytes bytes of the replay (and send) buffer
 * @param replayFrames most frames it holds
 * @param receiveBuffers DATA receive buffers kept posted
 * @param rcAckTimeoutNanos RC local ACK timeout
 * @param rcRetryCount RC transport retries before the QP errors
 * @param statsIntervalNanos STATS_REQUEST period, 0 = never
 */
public record VnicSettings(String name, String bridge, int priority, boolean sticky, int port,
        long keepaliveIntervalNanos, int keepaliveMisses, long loginRetryNanos, int maxFrame, int replayBytes,
        int replayFrames, int receiveBuffers, long rcAckTimeoutNanos, int rcRetryCount, long statsIntervalNanos) {

    public VnicSettings {
        require(name != null && !name.isBlank() && name.getBytes(StandardCharsets.UTF_8).length <= ControlMessage.MAX_NAME,
                "name must be 1.." + ControlMessage.MAX_NAME + " UTF-8 bytes: '" + name + "'");
        require(bridge != null && !bridge.isBlank(), "bridge (the bridge's adapter name) is required");
        require(port >= 1, "port must be >= 1");
        require(keepaliveIntervalNanos >= 100_000L && keepaliveIntervalNanos <= 10_000_000_000L,
                "keep-alive interval must be 100 us .. 10 s");
        require(keepaliveMisses >= 2 && keepaliveMisses <= 100, "keep-alive misses must be 2..100");
        require(loginRetryNanos >= 1_000_000L, "login retry must be >= 1 ms");
        require(maxFrame >= 64 && maxFrame <= 9220, "max frame must be 64..9220");
        require(replayFrames >= 64 && replayFrames <= 65536, "replay frames must be 64..65536");
        require(replayBytes >= 4 * (maxFrame + 64), "replay buffer must hold at least 4 maximum frames");
        require(receiveBuffers >= 8 && receiveBuffers <= 65536, "receive buffers must be 8..65536");
        require(rcAckTimeoutNanos > 0 && rcRetryCount >= 0 && rcRetryCount <= 7, "RC retry settings out of range");
        require(statsIntervalNanos >= 0, "stats interval must be >= 0");
    }

    /** Defaults (see docs/host.md for why) for a VNIC of this name and bridge. */
    public static VnicSettings defaults(String name, String bridge) {
        return new VnicSettings(name, bridge, 100, false, 1, 10_000_000L, 5, 50_000_000L, 1518, 4 << 20, 16384,
                256, 4_000_000L, 7, 1_000_000_000L);
    }

    public VnicSettings withKeepalive(long intervalNanos, int misses) {
        return new VnicSettings(name, bridge, priority, sticky, port, intervalNanos, misses, loginRetryNanos, maxFrame,
                replayBytes, replayFrames, receiveBuffers, rcAckTimeoutNanos, rcRetryCount, statsIntervalNanos);
    }

    public VnicSettings withPriority(int newPriority, boolean newSticky) {
        return new VnicSettings(name, bridge, newPriority, newSticky, port, keepaliveIntervalNanos, keepaliveMisses,
                loginRetryNanos, maxFrame, replayBytes, replayFrames, receiveBuffers, rcAckTimeoutNanos, rcRetryCount,
                statsIntervalNanos);
    }

    public VnicSettings withReplay(int bytes, int frames) {
        return new VnicSettings(name, bridge, priority, sticky, port, keepaliveIntervalNanos, keepaliveMisses,
                loginRetryNanos, maxFrame, bytes, frames, receiveBuffers, rcAckTimeoutNanos, rcRetryCount,
                statsIntervalNanos);
    }

    /** Worst-case time from a bridge's last word to the VNIC declaring it lost (plus timer jitter). */
    public long keepaliveBoundNanos() {
        return keepaliveIntervalNanos * keepaliveMisses;
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
