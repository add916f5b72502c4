/**
 * The simulated InfiniBand fabric as a library: build one from a topology and use it through
 * the verbs and fabric-control APIs. In a framework the fabric.sim bundle registers one for you
 * from Config Admin; this entry point is for benchmarks and tools outside OSGi.
 */
@Version("1.0.0")
@Export
package org.vnicteam.fabric.sim;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
