package org.vnicteam.api.host;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The fail-over team of the intermediate driver (seed FIG. 2, 4, 6): N VNIC members, one of
 * them active. Registered as a service by host.driver; status only, configuration goes through
 * Config Admin (PID {@code org.vnicteam.team}).
 */
@ProviderType
public interface Team {

    String name();

    /** The active member's name, or null when no member can carry traffic. */
    String active();

    /** An immutable snapshot of members, counters, the last fail-over and recent events. */
    TeamStatus status();
}
