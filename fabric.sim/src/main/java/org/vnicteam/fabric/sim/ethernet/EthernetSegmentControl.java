package org.vnicteam.fabric.sim.ethernet;

import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Operator and test access to a simulated Ethernet segment: status, link cuts, and the simulated
 * client hosts. Registered as a service by the fabric.sim bundle (service property
 * {@value #SEGMENT} = the segment's name) next to one
 * {@link org.vnicteam.api.ethernet.EthernetPort} service per bridge-facing switch port.
 */
@ProviderType
public interface EthernetSegmentControl {

    /** Service property of the control service and of its EthernetPort services: the segment name. */
    String SEGMENT = "ethernet.segment";

    String name();

    /**
     * A consistent snapshot of ports, counters, the FDB and the hosts, taken on the segment's
     * thread after it has switched the frames already queued: every frame offered before this call
     * (and the direct answers of hosts to it, when they are not queued behind) is counted.
     */
    SegmentStatus status();

    /** The FDB alone, as an immutable snapshot (queued frames switched first, as for {@link #status()}). */
    List<SegmentStatus.FdbEntry> fdb();

    /**
     * One switch port's status, by the switch port's name or the name of what is cabled to it.
     * Cheap, unlike {@link #status()}: the hosts live on the segment's thread, and a whole snapshot
     * stops them (their streams too) while it is taken; frames still queued are not waited for.
     *
     * @throws IllegalArgumentException for an unknown name
     */
    SegmentStatus.PortStatus port(String port);

    /**
     * Brings a switch port's link down ({@code false}: "cut the cable") or up again. {@code port}
     * is the switch port name ("p1") or the name of what is cabled to it ("bridgeA-eth",
     * "client1"). For a bridge-facing port the EthernetPort's carrier changes and its
     * CarrierListeners are told synchronously, in the calling thread, before this returns; the
     * port's FDB entries are flushed on link down.
     *
     * @throws IllegalArgumentException for an unknown name
     */
    void setPortUp(String port, boolean up);

    /**
     * Removes a switch port from the switch ({@code false}) or puts it back: a failure that keeps
     * carrier. The cable stays plugged and the peer keeps its carrier, but the switch takes no frame
     * from the port (what the peer sends goes nowhere, counted as {@code droppedDetached}) and sends
     * none to it; the port's FDB entries are flushed on removal, as a real switch forgets the
     * addresses of a port it deletes. {@code port} as for {@link #setPortUp}.
     *
     * @throws IllegalArgumentException for an unknown name
     */
    void setPortAttached(String port, boolean attached);

    /**
     * Drops a VLAN from a trunk port ({@code false}) or restores it. The link and carrier stay; the
     * trunk neither takes nor sends frames of that VLAN (they count as {@code droppedWrongVlan} at
     * ingress), and the port's FDB entries of that VLAN are flushed on the drop.
     *
     * @throws IllegalArgumentException for an unknown name, an access port, or a VID the trunk is
     *         not configured with
     */
    void setVlanCarried(String port, int vid, boolean carried);

    /** Names of the simulated hosts, in configuration order. */
    List<String> hostNames();

    /**
     * A simulated host, to ping from, start streams on, read stats of.
     *
     * @throws IllegalArgumentException for an unknown name
     */
    SimIpHost host(String name);

    /** Forgets every learned address (all VLANs, all ports). */
    void flushFdb();
}
