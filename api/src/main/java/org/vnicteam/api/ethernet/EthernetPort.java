package org.vnicteam.api.ethernet;

import java.nio.ByteBuffer;
import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/**
 * One Ethernet port. Registered as an OSGi service with the property {@value #NAME} so that a
 * bridge can bind its port by a target filter. Frames are complete Ethernet frames without the
 * FCS: destination MAC first, an 802.1Q tag kept in the frame where there is one.
 */
@ProviderType
public interface EthernetPort {

    /** Service property: the port's unique name, e.g. {@code "bridgeA-eth"} or {@code "veth-a"}. */
    String NAME = "ethernet.port.name";

    /** Untagged frame limits (without FCS); a tag adds 4 bytes. */
    int MIN_FRAME = 60;
    int MAX_FRAME = 1514;
    int VLAN_TAG = 4;

    String name();

    /**
     * Puts a frame on the wire. Returns false, and counts the frame as dropped, when the carrier
     * is down or the frame is malformed (shorter than 14 bytes or longer than the port's MTU).
     * The bytes are copied before the call returns.
     */
    boolean send(ByteBuffer frame, int offset, int length);

    /**
     * The receiver of frames arriving from the wire; {@code null} detaches it. One receiver per
     * port: the bridge that owns the port.
     */
    void setReceiver(FrameReceiver receiver);

    /** Whether the link has carrier now. */
    boolean carrier();

    /** Told on every carrier change, on the thread that noticed it, before any later frame. */
    void addCarrierListener(CarrierListener listener);

    void removeCarrierListener(CarrierListener listener);

    /** Largest frame (without FCS) this port carries, tag included. */
    int maxFrameSize();

    /** The port's own MAC address (6 bytes); frames a bridge sends carry the team MAC instead. */
    byte[] macAddress();

    /**
     * Tells the port which unicast addresses its owner takes frames for: from now on it need only
     * deliver frames addressed to one of them or to a group (broadcast, multicast), and none whose
     * source is one of them (the owner's own frames flooded back by the switch). A port that can
     * filter in the kernel or in hardware does so to spare the receive path; one that cannot keeps
     * delivering everything (the owner filters too). An empty list lifts the filter.
     *
     * @param macs 6-byte MAC addresses; the port copies what it keeps
     * @throws IllegalArgumentException if an address is not 6 bytes
     * @since 1.1
     */
    default void setAddresses(List<byte[]> macs) {
    }

    /**
     * How many of the frames this port accepted most recently never reached the wire because its
     * link went down: the system dropped them between the loss and the port noticing it. A real
     * interface learns of a loss some hundreds of microseconds late (more on a busy system), and
     * meanwhile {@link #send} still succeeds; so the count may be above 0 while {@link #carrier()}
     * is still true. Covers the frames of every sender of this port whose {@code send} returned
     * before the call. An over-estimate is allowed, an under-estimate never: an owner that steps
     * back by this many loses nothing, at worst it has a frame sent twice. {@link Integer#MAX_VALUE}
     * when the port cannot tell; 0 for a port that learns of a loss before it accepts another
     * frame (the simulated one).
     *
     * @since 1.1
     */
    default int unsentSinceCarrierLoss() {
        return 0;
    }

    /**
     * Whether frames have reached this port's interface that the port has not handed on yet: its
     * receive thread is behind (not scheduled on a busy machine, say). Whoever finds the link silent
     * asks this before blaming the link: silence with frames waiting is the port's, not the wire's.
     * False when the port cannot tell, and for a port that hands frames on as they arrive.
     *
     * @since 1.2
     */
    default boolean receivePending() {
        return false;
    }

    /** Counters of this port. */
    PortCounters counters();

    /**
     * A snapshot of port counters.
     *
     * @param txFrames frames put on the wire
     * @param txBytes their bytes
     * @param rxFrames frames received and handed to the receiver
     * @param rxBytes their bytes
     * @param txDropped frames not sent (no carrier, malformed, too long)
     * @param rxDropped frames received while no receiver was attached, or malformed
     * @param carrierChanges carrier transitions seen
     */
    record PortCounters(long txFrames, long txBytes, long rxFrames, long rxBytes, long txDropped, long rxDropped,
            long carrierChanges) {
    }
}
