package org.vnicteam.api.host;

/**
 * A member's link as the team sees it, with Linux bonding's hysteresis: a change is committed
 * only after the configured delay, and a change back inside the delay cancels it. The same states
 * describe a member's Ethernet path (its bridge's probes): there, only UP makes a member fully up,
 * and only DOWN makes the team leave an active member for a fully-up one.
 */
public enum LinkState {
    /** Usable. */
    UP,
    /** Watchers report down; still counted up until the down delay passes. */
    FAIL,
    /** Not usable. */
    DOWN,
    /** Watchers report up again; still counted down until the up delay passes. */
    BACK;

    /** Whether the runner may choose a member in this state. */
    public boolean usable() {
        return this == UP || this == FAIL;
    }
}
