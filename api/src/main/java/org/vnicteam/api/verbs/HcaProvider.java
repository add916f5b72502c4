package org.vnicteam.api.verbs;

import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The device list: the channel adapters a fabric offers. Registered as an OSGi service by the
 * fabric implementation (simulated, or one day RoCEv2 between processes).
 */
@ProviderType
public interface HcaProvider {

    /** Names of the channel-adapter nodes that can be opened, in topology order. */
    List<String> adapters();

    /**
     * Opens (powers up) the HCA of a channel-adapter node. Its ports become ACTIVE once the
     * subnet manager has swept them. Closing the HCA is an unplug: its ports go down.
     *
     * @throws VerbsException if there is no such node or it is already open
     */
    Hca open(String adapterName) throws VerbsException;
}
