package org.vnicteam.api.verbs;

/** Logical port state (IBA 14.2.5.6): DOWN until the link trains, ACTIVE once the SM armed it. */
public enum PortState {
    DOWN, INIT, ARMED, ACTIVE
}
