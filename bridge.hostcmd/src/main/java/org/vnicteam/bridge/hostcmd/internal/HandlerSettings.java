package org.vnicteam.bridge.hostcmd.internal;

/**
 * Tuning of the host command handler.
 *
 * @param loginReceives receives kept posted on each bridge's login (UD) queue pair
 * @param controlReceives receives kept posted on each session's control queue pair
 * @param minKeepaliveMicros the keep-alive interval the bridge assumes at least, whatever the
 *        VNIC announces: a session ends after {@code Protocol.BRIDGE_KEEPALIVE_MISSES} such intervals
 *        of silence, so a tiny announced interval cannot make the bridge drop sessions on jitter
 * @param resetWaitMillis how long a graceful shutdown waits for each RESET to be acknowledged
 *        before it destroys the queue pair
 */
public record HandlerSettings(int loginReceives, int controlReceives, long minKeepaliveMicros, long resetWaitMillis) {

    public static final HandlerSettings DEFAULTS = new HandlerSettings(64, 16, 1000, 100);

    public HandlerSettings {
        if (loginReceives < 1 || loginReceives > 4096 || controlReceives < 1 || controlReceives > 4096) {
            throw new IllegalArgumentException("receive counts are 1..4096");
        }
        if (minKeepaliveMicros < 1 || resetWaitMillis < 0 || resetWaitMillis > 10_000) {
            throw new IllegalArgumentException("minKeepaliveMicros >= 1, resetWaitMillis 0..10000");
        }
    }
}
