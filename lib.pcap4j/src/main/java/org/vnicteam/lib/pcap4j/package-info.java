/**
 * Start-up helper of the pcap4j wrapper bundle: {@link org.vnicteam.lib.pcap4j.Pcap4j#init()}
 * makes pcap4j's packet factories work inside an OSGi framework. Call it before the first packet
 * is built or parsed (the bundle's activator calls it too).
 */
@Version("1.0.0")
@Export
package org.vnicteam.lib.pcap4j;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
