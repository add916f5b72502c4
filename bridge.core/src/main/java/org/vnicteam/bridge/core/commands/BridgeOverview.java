package org.vnicteam.bridge.core.commands;

import java.util.List;

/**
 * Every bridge at once, as {@code bridge:status} without a name shows them.
 *
 * @param bridges the bridges, by name
 */
public record BridgeOverview(List<BridgeInfo> bridges) {

    public BridgeOverview {
        bridges = List.copyOf(bridges);
    }

    /** The bridge of that name, or null. */
    public BridgeInfo bridge(String name) {
        return bridges.stream().filter(b -> b.name().equals(name)).findFirst().orElse(null);
    }
}
