/**
 * The simulated Ethernet segment: a VLAN-aware learning switch whose ports are cabled to bridges
 * (each an {@link org.vnicteam.api.ethernet.EthernetPort} service) or to simulated IP hosts
 * ({@link org.vnicteam.fabric.sim.ethernet.SimIpHost}), run by one event thread per segment.
 * The fabric.sim bundle builds one from Config Admin (PID {@code org.vnicteam.ethernet}) and
 * registers {@link org.vnicteam.fabric.sim.ethernet.EthernetSegmentControl}; outside a framework
 * use {@link org.vnicteam.fabric.sim.ethernet.EthernetSegment#create}. A {@code SimIpHost} also
 * works on its own, fed and drained by whoever constructs it. Status comes back as immutable
 * records.
 */
@Version("1.2.0")
@Export
package org.vnicteam.fabric.sim.ethernet;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
