/**
 * Helpers of the pcap4j wrapper bundle: {@link org.vnicteam.lib.pcap4j.Pcap4j#init()} makes
 * pcap4j's packet factories work inside an OSGi framework (call it before the first packet is
 * built or parsed; the bundle's activator calls it too); {@link org.vnicteam.lib.pcap4j.PcapReader}
 * (since 1.1.0) reads a handle's frames with {@code pcap_next_ex} into a reused buffer;
 * {@link org.vnicteam.lib.pcap4j.KernelFilter} (since 1.2.0) swaps a live handle's kernel filter in
 * one step, losing no frame.
 */
@Version("1.2.0")
@Export
package org.vnicteam.lib.pcap4j;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
