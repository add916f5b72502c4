package org.vnicteam.api.host;

import java.nio.ByteBuffer;
import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A virtual NIC: the host's end of the sessions with one IB-to-Ethernet bridge (seed FIG. 2-4,
 * "VNIC A/B"). It logs in to its bridge over the fabric, keeps the session alive, programs the
 * team MAC and VLANs, carries Ethernet frames both ways, and tells its single listener (the
 * driver's protocol edge) what its link watchers see. It never decides whether it is used: that
 * is the team's job.
 *
 * <p>Registered as an OSGi service by host.vnic with the service properties {@link #NAME},
 * {@link #BRIDGE}, {@link #PRIORITY} and {@link #STICKY}, so that a driver binds its members by
 * a target filter.
 */
@ProviderType
public interface Vnic {

    /** Service property: the VNIC's unique name. */
    String NAME = "name";
    /** Service property: the name of the bridge's channel adapter on the fabric. */
    String BRIDGE = "bridge";
    /** Service property: fail-over priority (higher is preferred). */
    String PRIORITY = "priority";
    /** Service property: once active, stays active even if a better member comes up. */
    String STICKY = "sticky";

    /** Value of {@code vlanTci} in {@link #send} for a frame sent as it is. */
    int NO_TAG = -1;

    String name();

    /** The bridge's channel-adapter name. */
    String bridge();

    int priority();

    boolean sticky();

    /**
     * Attaches the one listener (the protocol edge), or detaches it with {@code null}. On attach
     * the VNIC reports the current state of each of its {@link VnicEvent.Watcher watchers} as
     * events before any later change, so that the listener needs no separate snapshot.
     */
    void setListener(VnicListener listener);

    /**
     * The team MAC and the VLANs (0 = untagged) the bridge must carry. Sent to the bridge at once
     * (CONFIG_ADDRESSES) and again after every new login; the session watcher is up only once
     * the bridge acknowledged them. Never blocks.
     */
    void configureAddresses(byte[] teamMac, List<Integer> vlans);

    /**
     * Sends one Ethernet frame (without FCS) to the bridge. With {@code vlanTci} ≥ 0 an 802.1Q
     * tag (TPID 0x8100, this TCI) is inserted after the source MAC while the frame is copied (TX
     * VLAN insertion, as NICs offload it); {@link #NO_TAG} sends the frame as it is. The bytes
     * are copied before the call returns and kept, by sequence number, until the bridge reports
     * them on the wire. Never blocks; allocation-free.
     *
     * @return false when the frame was dropped (no session, queue full, bad length); counted
     */
    boolean send(ByteBuffer frame, int offset, int length, int vlanTci);

    /**
     * Hands every frame this VNIC sent that its bridge has not confirmed on the wire (DATA
     * sequence after the last "last sequence on wire" of LINK_STATUS/KEEPALIVE_ACK) to
     * {@code sink}, oldest first, then forgets them: a second call replays nothing. Used by the
     * team's action step when it moves traffic away from this VNIC after a failure.
     *
     * <p>If frames were replayed and the session is still open (the bridge lost its Ethernet
     * link but is alive), the VNIC then restarts the session (RESET, LOGIN) — cause
     * {@link VnicEvent.Cause#FENCED} — so that frames still in flight to its bridge die with the
     * old queue pairs: none of them can reach the wire after its replay, even if the link comes
     * straight back.
     *
     * @return frames handed to the sink
     */
    int replayUnconfirmed(FrameSink sink);

    /** The watchers' current view, by watcher. */
    boolean watcherUp(VnicEvent.Watcher watcher);

    /** An immutable snapshot of state and counters. */
    VnicStatus status();
}
