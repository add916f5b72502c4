package org.vnicteam.api.bridge;

import org.osgi.annotation.versioning.ProviderType;
import org.vnicteam.api.verbs.Hca;
import org.vnicteam.api.verbs.VerbsException;

/**
 * One plugged-in IB↔Ethernet bridge: its own HCA on the fabric, its Ethernet port, and the DATA
 * path between them. Registered as a service for as long as the device is plugged in; when the
 * service goes away the HCA is closed (the fabric sees an unplug), and so is everything a consumer
 * created on it.
 */
@ProviderType
public interface BridgeDevice {

    /** Service property: the bridge's name, e.g. {@code "bridgeA"}. */
    String NAME = "bridge.name";
    /** Service property: the channel adapter the bridge opened on the fabric, e.g. {@code "bridgeA"}. */
    String ADAPTER = "bridge.adapter";
    /** The HCA port every queue pair of a bridge uses. */
    int FABRIC_PORT = 1;

    String name();

    /** Name of the fabric channel adapter this bridge opened. */
    String adapterName();

    /**
     * The device's open HCA. Consumers create their own queues on port {@link #FABRIC_PORT} and
     * close what they create; they never close the HCA itself (that is the device's unplug).
     */
    Hca hca();

    /** The bridge's own MAC address (6 bytes), announced in LOGIN_ACK. */
    byte[] macAddress();

    /** Ethernet payload MTU (1500: frames of 1514 bytes untagged, 1518 tagged). */
    int ethernetMtu();

    /** Largest number of VLANs one channel can be programmed with. */
    int maxVlans();

    /** Data channels (sessions) the device serves at once. */
    int maxChannels();

    /** Whether the Ethernet port has carrier now. */
    boolean carrier();

    /** Carrier transitions seen since the device was plugged in. */
    long carrierChanges();

    /**
     * Whether the bridge probes its Ethernet path: it sends probe frames to its team's other
     * bridges on every programmed VLAN and reports a channel's path lost when it hears nothing
     * there ({@link LinkListener#pathChanged}). Announced as capability PROBES in LOGIN_ACK.
     */
    default boolean probing() {
        return false;
    }

    /**
     * Opens the DATA path of one session: creates an RC queue pair on the device's HCA, keeps
     * receives posted, and connects it to the peer's data queue pair. Frames from Ethernet reach
     * the channel only once {@link DataChannel#configureAddresses addresses} are programmed.
     *
     * @throws VerbsException if the queue pair cannot be created or connected, or every channel
     *         the device has room for is in use
     */
    DataChannel openDataChannel(DataChannel.Peer peer) throws VerbsException;

    /**
     * Adds a listener told of every carrier change, synchronously on the thread that noticed it,
     * after the device has updated its own state (carrier, counters).
     */
    void addLinkListener(LinkListener listener);

    void removeLinkListener(LinkListener listener);

    /** An immutable snapshot of the device, its counters and its channels. */
    BridgeStatus status();
}
