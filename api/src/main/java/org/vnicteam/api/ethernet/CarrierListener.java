package org.vnicteam.api.ethernet;

import org.osgi.annotation.versioning.ConsumerType;

/** Told when a port's carrier changes. Must not block: the time to react is measured. */
@ConsumerType
@FunctionalInterface
public interface CarrierListener {
    /**
     * @param port the port
     * @param carrier the new state
     * @param nanoTime {@link System#nanoTime()} when the change was noticed
     */
    void carrierChanged(EthernetPort port, boolean carrier, long nanoTime);
}
