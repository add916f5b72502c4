package org.vnicteam.host.driver.commands;

import java.util.List;

import org.vnicteam.api.host.MiniportStatus;

/**
 * The server's VLAN miniports, as {@code team:miniports} shows them.
 *
 * @param miniports their snapshots, by VLAN
 * @param uppers the upper bindings above them as they describe themselves (e.g. a TAP's interface,
 *        carrier and counters), by name
 */
public record MiniportReport(List<MiniportStatus> miniports, List<String> uppers) {

    public MiniportReport {
        miniports = List.copyOf(miniports);
        uppers = List.copyOf(uppers);
    }

    /** The miniport of that VLAN, or null. */
    public MiniportStatus vlan(int vlan) {
        return miniports.stream().filter(m -> m.vlan() == vlan).findFirst().orElse(null);
    }
}
