/**
 * The interface between a bridge device (IB↔Ethernet conversion, its own HCA and Ethernet port)
 * and the host command handler that speaks the control protocol for it. Lives in the api bundle
 * so that hot-swapping either bridge bundle can never unwire the other.
 *
 * <p>A {@link org.vnicteam.api.bridge.BridgeDevice} service exists for every plugged-in bridge. The
 * handler creates its login and control queue pairs on the device's HCA, opens one
 * {@link org.vnicteam.api.bridge.DataChannel} per session (the device runs the DATA path itself),
 * programs the team MAC and VLANs into it, and is told of every carrier change through a
 * {@link org.vnicteam.api.bridge.LinkListener} on the thread that noticed it, and of every change
 * of a channel's Ethernet path its probes find. Status comes back as immutable snapshots ({@link org.vnicteam.api.bridge.BridgeStatus},
 * {@link org.vnicteam.api.bridge.ChannelStatus}, {@link org.vnicteam.api.bridge.BridgeCounters},
 * {@link org.vnicteam.api.bridge.ProbeStatus}).
 */
@Version("1.2.0")
@Export
package org.vnicteam.api.bridge;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
