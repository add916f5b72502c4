package org.vnicteam.api.verbs;

import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The subnet administrator as a consumer queries it through one port: path records, node
 * lookups (the SA's NodeRecord query by name) and traps (InformInfo subscriptions).
 */
@ProviderType
public interface SubnetAdministration {

    /** LID of the first port of a named channel-adapter node, if it is reachable now. */
    Optional<Integer> lidOf(String adapterName);

    /** The path from this port to a LID, or empty when the subnet has none now. */
    Optional<PathRecord> path(int destinationLid);

    /** Subscribes to port state changes anywhere in the subnet (traps 128/129/130 style). */
    void subscribe(TrapListener listener);

    void unsubscribe(TrapListener listener);
}
