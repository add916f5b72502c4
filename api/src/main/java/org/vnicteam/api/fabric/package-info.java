/**
 * Control and status of an InfiniBand fabric as an operator sees it: topology, LIDs, port states,
 * link impairments, switch counters and packet capture. Status comes back as immutable snapshots.
 */
@Version("1.1.0")
@Export
package org.vnicteam.api.fabric;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
