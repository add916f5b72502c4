package org.vnicteam.host.driver.commands;

import java.util.List;

import org.vnicteam.api.host.VnicStatus;

/**
 * The server's VNICs, as {@code team:vnics} shows them.
 *
 * @param vnics their snapshots, highest priority first
 */
public record VnicReport(List<VnicStatus> vnics) {

    public VnicReport {
        vnics = List.copyOf(vnics);
    }

    /** The VNIC of that name, or null. */
    public VnicStatus vnic(String name) {
        return vnics.stream().filter(v -> v.name().equals(name)).findFirst().orElse(null);
    }
}
