package org.vnicteam.api.verbs;

import org.osgi.annotation.versioning.ConsumerType;

/** Receives the subnet manager's reports of port state changes; must not block. */
@ConsumerType
@FunctionalInterface
public interface TrapListener {
    void portStateChanged(PortStateTrap trap);
}
