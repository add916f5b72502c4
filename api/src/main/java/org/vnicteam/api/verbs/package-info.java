/**
 * The InfiniBand verbs: the transport-layer interface an HCA offers its consumers (IBA 1.0a
 * chapter 11), shaped after libibverbs but allocation-free on the data path.
 *
 * <p>A consumer finds an {@link org.vnicteam.api.verbs.HcaProvider} service, opens the HCA of
 * its channel-adapter node, creates completion queues and queue pairs, connects RC queue pairs
 * (or readies UD ones), posts work requests and polls work completions. Buffers handed to
 * {@code postSend}/{@code postRecv} belong to the HCA until their completion is polled, exactly
 * as registered memory does on a real HCA.
 */
@Version("1.0.0")
@Export
package org.vnicteam.api.verbs;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
