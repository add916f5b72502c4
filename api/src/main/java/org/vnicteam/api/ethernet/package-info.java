/**
 * An Ethernet port as a bridge sees it: send a frame, receive frames, and carrier state with
 * change events. Provided by the simulated Ethernet segment (a cable into the simulated switch)
 * or by a real Linux interface; a bridge binds the one its configuration names.
 */
@Version("1.2.0")
@Export
package org.vnicteam.api.ethernet;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
