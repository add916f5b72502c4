package org.vnicteam.fabric.sim;

import org.osgi.annotation.versioning.ProviderType;
import org.vnicteam.api.fabric.FabricControl;
import org.vnicteam.api.verbs.HcaProvider;
import org.vnicteam.fabric.sim.internal.SimFabric;
import org.vnicteam.fabric.sim.internal.TopologySpec;

/** A running simulated fabric: HCAs to open, links to cut, ports to capture. */
@ProviderType
public interface SimulatedFabric extends HcaProvider, FabricControl, AutoCloseable {

    /**
     * Builds and starts a fabric.
     *
     * @param nodes node lines, e.g. {@code "server ca 1"}, {@code "sw1 switch 8"}
     * @param links link lines, e.g. {@code "server:1 sw1:1 name=l1 mtu=2048 latency=1us loss=0.01"}
     * @param partitions partition lines, e.g. {@code "0xFFFF=*"}; none means the default partition
     * @throws IllegalArgumentException naming the bad line
     */
    static SimulatedFabric create(String name, String[] nodes, String[] links, String[] partitions, long seed) {
        return new SimFabric(name, TopologySpec.parse(nodes, links, partitions), seed);
    }

    /** The default two-switch fabric: server, bridgeA, bridgeB, two parallel inter-switch links. */
    static SimulatedFabric createDefault(String name) {
        return new SimFabric(name, TopologySpec.defaultTwoSwitch(), 1);
    }

    /**
     * Packet buffers the fabric has allocated so far: it stops growing once traffic is steady,
     * which is how a benchmark shows the data path allocates nothing per packet.
     */
    long packetBuffersAllocated();

    /** Stops the engine; every open HCA is unplugged. */
    @Override
    void close();
}
