package org.vnicteam.host.driver.commands;

import java.util.List;

import org.vnicteam.api.host.MiniportStatus;

/**
 * The server's VLAN miniports, as {@code team:miniports} shows them.
 *
 * @param miniports their snapshots, by VLAN
 */
public record MiniportReport(List<MiniportStatus> miniports) {

    public MiniportReport {
        miniports = List.copyOf(miniports);
    }

    /** The miniport of that VLAN, or null. */
    public MiniportStatus vlan(int vlan) {
        return miniports.stream().filter(m -> m.vlan() == vlan).findFirst().orElse(null);
    }
}
