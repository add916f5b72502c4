package org.vnicteam.host.driver.internal;

import org.vnicteam.api.host.Vnic;

/** A VNIC in the team, with the team's counters for it. */
final class TeamMember {

    final Vnic vnic;
    final String name;
    // transmit counters: written under the team's txLock
    long txFrames;
    long txBytes;
    // receive counters: one writer (the thread the member's VNIC receives on)
    volatile long rxFrames;
    volatile long rxBytes;
    volatile long rxDroppedNotActive;

    TeamMember(Vnic vnic) {
        this.vnic = vnic;
        this.name = vnic.name();
    }

    @Override
    public String toString() {
        return name;
    }
}
