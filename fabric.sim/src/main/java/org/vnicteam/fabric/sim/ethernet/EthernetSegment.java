package org.vnicteam.fabric.sim.ethernet;

import java.time.Duration;
import java.util.List;

import org.osgi.annotation.versioning.ProviderType;
import org.vnicteam.api.ethernet.EthernetPort;
import org.vnicteam.fabric.sim.ethernet.internal.SegmentSpec;
import org.vnicteam.fabric.sim.ethernet.internal.SimSegment;

/**
 * A running simulated Ethernet segment outside a framework (tests, benchmarks, tools): the same
 * thing the fabric.sim bundle builds from Config Admin, with its bridge ports handed out directly
 * instead of registered as services.
 */
@ProviderType
public interface EthernetSegment extends EthernetSegmentControl, AutoCloseable {

    /** FIG. 5: trunks to bridgeA-eth and bridgeB-eth (VLANs 1, 2), clients 1-2 on VLAN 1, 3-4 on VLAN 2. */
    List<String> DEFAULT_PORTS = List.of(
            "p1 trunk=1,2 bridge=bridgeA-eth",
            "p2 trunk=1,2 bridge=bridgeB-eth",
            "p3 access=1 host=client1",
            "p4 access=1 host=client2",
            "p5 access=2 host=client3",
            "p6 access=2 host=client4");

    /** The FIG. 5 clients: VLAN 1 = 198.18.1.0/24, VLAN 2 = 198.18.2.0/24; the server is .1 on each. */
    List<String> DEFAULT_HOSTS = List.of(
            "client1 ip=198.18.1.11/24",
            "client2 ip=198.18.1.12/24",
            "client3 ip=198.18.2.13/24",
            "client4 ip=198.18.2.14/24");

    /**
     * Builds and starts a segment.
     *
     * @param name segment name (event thread "ethernet-NAME")
     * @param ports port lines: {@code NAME access=VID|trunk=VID,VID-VID (bridge=PORTNAME [mac=MAC] |
     *        host=HOSTNAME) [up=true|false]}
     * @param hosts host lines: {@code NAME ip=A.B.C.D/LEN [mac=MAC|auto] [vlan=VID]}
     * @param ageing FDB ageing time
     * @param queueCapacity frames the segment queue holds before it drops
     * @param maxFrameSize largest untagged frame without FCS (1514; a tag adds 4)
     * @throws IllegalArgumentException naming the bad line
     */
    static EthernetSegment create(String name, List<String> ports, List<String> hosts, Duration ageing,
            int queueCapacity, int maxFrameSize) {
        return new SimSegment(SegmentSpec.parse(name, ports, hosts, ageing.toNanos(), queueCapacity, maxFrameSize));
    }

    /** The FIG. 5 segment with default ageing (300 s), queue (4096) and frame size (1514). */
    static EthernetSegment createDefault(String name) {
        return create(name, DEFAULT_PORTS, DEFAULT_HOSTS, Duration.ofSeconds(300), 4096, 1514);
    }

    /**
     * The EthernetPort cabled to a bridge-facing switch port, by its name ("bridgeA-eth").
     *
     * @throws IllegalArgumentException for an unknown name
     */
    EthernetPort bridgePort(String name);

    /** Names of the bridge-facing ports, in configuration order. */
    List<String> bridgePortNames();

    /** Stops the event thread; hosts stop, bridge ports lose carrier. */
    @Override
    void close();
}
