package org.vnicteam.api.verbs;

import java.util.List;
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

    /**
     * Registers a service record for this port; it lasts until unregistered or the HCA is
     * closed. Registering the same name and QP again replaces the record.
     */
    void registerService(String name, int qpn, int qkey);

    void unregisterService(String name, int qpn);

    /** The records of a service, on ports that are active now, in registration order. */
    List<ServiceRecord> services(String name);

    /** Subscribes to port state changes anywhere in the subnet (traps 128/129/130 style). */
    void subscribe(TrapListener listener);

    void unsubscribe(TrapListener listener);
}
