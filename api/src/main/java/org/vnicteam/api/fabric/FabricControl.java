package org.vnicteam.api.fabric;

import java.io.IOException;
import java.nio.file.Path;

import org.osgi.annotation.versioning.ProviderType;

/** Operator actions on a fabric and its status. Link names are those of {@link FabricStatus#links()}. */
@ProviderType
public interface FabricControl {

    /** A consistent snapshot of nodes, ports and links. */
    FabricStatus status();

    /**
     * One link's status, without a snapshot of the whole fabric: what a console shows right after
     * cutting a link, while the fabric is busy routing around it (a whole snapshot is taken on the
     * fabric's own thread and would hold up the very fail-over the cut caused).
     *
     * @throws IllegalArgumentException if there is no such link
     * @since 1.1
     */
    default FabricStatus.LinkStatus link(String link) {
        return status().link(link);
    }

    /** Cuts ({@code false}) or restores ({@code true}) a link; the subnet manager re-sweeps at once. */
    void setLinkUp(String link, boolean up);

    /**
     * Sets a link's impairments: packet loss probability and bit-error rate (per bit), both
     * directions.
     */
    void setLinkImpairment(String link, double lossRate, double bitErrorRate);

    /**
     * Starts capturing every packet sent or received at a node's port into a pcap file (link type
     * 147, to be opened with Wireshark's {@code infiniband} dissector).
     *
     * @param node node name
     * @param port 1-based port number
     * @return the running capture; close it to flush and stop
     */
    Capture capture(String node, int port, Path file) throws IOException;

    /** A running capture. */
    interface Capture extends AutoCloseable {
        Path file();

        long packets();

        @Override
        void close() throws IOException;
    }
}
