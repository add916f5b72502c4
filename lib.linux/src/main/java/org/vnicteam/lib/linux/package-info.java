/**
 * Linux system interfaces for the real mode, through JNA: run code inside a named network
 * namespace, follow link (carrier) state from rtnetlink, and open TAP devices. Root (or
 * CAP_NET_ADMIN) is needed for most of it; every failure is an {@link java.io.IOException} that
 * names the call, the object and the errno text.
 */
@Version("1.1.0")
@Export
package org.vnicteam.lib.linux;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
