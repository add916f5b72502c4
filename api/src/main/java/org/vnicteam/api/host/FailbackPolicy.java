package org.vnicteam.api.host;

/**
 * When the team leaves a healthy active member for another one (bonding's primary_reselect).
 * A member that fails is always left at once; this only governs recoveries.
 */
public enum FailbackPolicy {
    /** Never: a recovered member becomes a backup (the seed's behaviour, and the default). */
    NONE,
    /** Back to the primary member (configured by name, else the highest priority) when it is up again. */
    PRIMARY,
    /** To any member with a strictly higher priority than the active one when it comes up. */
    BETTER
}
