/**
 * The host side of vnicteam as other bundles see it: VNICs (one per bridge, registered by
 * host.vnic), the fail-over team and the VLAN miniports of the intermediate driver (host.driver),
 * the upper bindings that sit on the miniports, and the place reserved for a per-miniport
 * packet stage such as IPsec. Status comes back as immutable records, separate from
 * configuration. See docs/host.md.
 */
@Version("1.1.0")
@Export
package org.vnicteam.api.host;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
