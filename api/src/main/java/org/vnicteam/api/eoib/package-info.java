/**
 * The VNIC↔bridge protocol, version 1: Ethernet frames in data messages and the control
 * messages of a session (login, keep-alive, link status, address programming, statistics,
 * reset). Byte layouts are in docs/protocol.md; every message starts with a 16-byte
 * {@link org.vnicteam.api.eoib.MessageHeader}, is length-checked and carries its session id.
 */
@Version("1.0.0")
@Export
package org.vnicteam.api.eoib;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
