package org.vnicteam.api.bridge;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Told of every carrier change of a bridge's Ethernet port, synchronously on the thread that
 * noticed it: no queue and no polling between the event and the listener; and of every change of
 * a channel's Ethernet path found by the bridge's probes. Must not block.
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

    /**
     * The Ethernet path of one channel changed while the carrier is up: lost when the bridge has
     * heard nothing on a VLAN the channel carries for its probe window (after a peer bridge of the
     * same team was heard there), back when every such VLAN is heard again. Called on the
     * bridge's probe thread, in order, never while the carrier is down (a carrier change
     * supersedes the path: after carrier comes back the path counts as up until found lost).
     *
     * @param device the bridge
     * @param channel the channel whose path changed
     * @param pathUp the new path state
     * @param nanoTime {@link System#nanoTime()} when the bridge decided
     */
    default void pathChanged(BridgeDevice device, DataChannel channel, boolean pathUp, long nanoTime) {
        // carrier-only listeners ignore the path
    }
}
