package org.vnicteam.host.driver.internal;

import org.vnicteam.api.host.Vnic;
import org.vnicteam.api.host.VnicEvent;

/** The team as the protocol edge sees it (internal service of host.driver). */
interface TeamCore {

    /** A VNIC joins the team; null when it cannot (a member of that name exists). */
    TeamMember join(Vnic vnic);

    /** A member leaves (its VNIC service is going away; it still works during this call). */
    void leave(TeamMember member);

    /** A link watcher of the member reported. */
    void linkEvent(TeamMember member, VnicEvent event);

    /** Whether frames received from this member go up (the active one, unless configured otherwise). */
    boolean accepts(TeamMember member);

    /** Counts a received frame that was passed up, or dropped because the member is not active. */
    void countReceived(TeamMember member, int length, boolean accepted);
}
