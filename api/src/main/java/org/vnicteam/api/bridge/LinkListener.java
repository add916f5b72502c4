package org.vnicteam.api.bridge;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Told of every carrier change of a bridge's Ethernet port, synchronously on the thread that
 * noticed it: no queue and no polling between the event and the listener. Must not block.
 */
@ConsumerType
@FunctionalInterface
public interface LinkListener {
    /**
     * @param device the bridge
     * @param carrier the new carrier state
     * @param carrierChanges transitions seen so far, this one included
     * @param nanoTime {@link System#nanoTime()} when the port noticed the change
     */
    void linkChanged(BridgeDevice device, boolean carrier, long carrierChanges, long nanoTime);
}
