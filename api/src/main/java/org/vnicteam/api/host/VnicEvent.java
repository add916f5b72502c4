package org.vnicteam.api.host;

/**
 * What one link watcher of a VNIC saw. Watchers only report; the team's runner decides. A VNIC
 * can carry traffic when its session, bridge-link and fabric watchers are up; its path watcher
 * tells whether it is fully up or degraded.
 *
 * @param watcher which watcher
 * @param up its new view
 * @param cause why
 * @param detail human-readable detail for the log
 * @param nanoTime {@link System#nanoTime()} when the VNIC learned it (the start of a fail-over)
 * @param lastSequenceOnWire for bridge-link and session reports: the last DATA sequence number
 *        the bridge confirmed on its Ethernet wire (0 when none yet)
 */
public record VnicEvent(Watcher watcher, boolean up, Cause cause, String detail, long nanoTime,
        int lastSequenceOnWire) {

    /** The link watchers of a VNIC. */
    public enum Watcher {
        /** Logged in, keep-alives answered, team MAC and VLANs acknowledged by the bridge. */
        SESSION,
        /** The bridge's Ethernet carrier (LINK_STATUS, KEEPALIVE_ACK, LOGIN_ACK). */
        BRIDGE_LINK,
        /** Own HCA port active, bridge's port active, a path to it (SA traps, async events). */
        FABRIC,
        /**
         * The bridge's Ethernet path on every VLAN of the session, as its probes tell (LINK_STATUS
         * cause 2). Down only while the bridge has carrier: a member whose path is down is
         * degraded, not failed. Up when the bridge does not probe.
         */
        PATH
    }

    /** Why a watcher changed. */
    public enum Cause {
        /** Reported on attach: the state as it is. */
        INITIAL,
        /** Session established and addresses programmed. */
        LOGGED_IN,
        /** The bridge's LINK_STATUS (the seed's "error message"), carrier up or down. */
        LINK_STATUS,
        /** The link flag of a KEEPALIVE_ACK disagreed with what we knew (a lost LINK_STATUS). */
        KEEPALIVE_ACK,
        /** The configured number of keep-alive answers were missed: the bridge went silent. */
        KEEPALIVE_LOST,
        /** Our own HCA port left ACTIVE. */
        OWN_PORT_DOWN,
        /** The subnet manager reported the bridge's port down (trap). */
        BRIDGE_PORT_DOWN,
        /** The subnet has no path to the bridge any more. */
        PATH_LOST,
        /** One of the session's queue pairs went to the error state. */
        QP_ERROR,
        /** The bridge ended the session (RESET) or is shutting down. */
        RESET,
        /** Fabric path (or port) back. */
        FABRIC_UP,
        /**
         * The team replayed this VNIC's unconfirmed frames through another member, so the session
         * was restarted: frames still in flight to the bridge die with its queue pairs instead of
         * reaching the wire after their replay (exactly once, even if the link comes right back).
         */
        FENCED,
        /** The VNIC is being stopped. */
        SHUTDOWN
    }
}
