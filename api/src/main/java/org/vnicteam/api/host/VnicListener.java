package org.vnicteam.api.host;

import java.nio.ByteBuffer;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * The upper edge of a {@link Vnic}: the driver's protocol edge. Called on the fabric's event
 * thread and the VNIC's own thread; must not block (it may send through any VNIC, which never
 * blocks). The {@code linkEvent} calls of one VNIC never overlap and come in order; so do its
 * {@code frameReceived} calls, which may overlap with its {@code linkEvent} calls.
 */
@ConsumerType
public interface VnicListener {

    /**
     * A frame from the bridge, as it came off the Ethernet (802.1Q tag still in it). The bytes
     * {@code [offset, offset + length)} are the listener's to read and rewrite in place (e.g. to
     * strip the tag) during the call only.
     */
    void frameReceived(Vnic vnic, ByteBuffer frame, int offset, int length);

    /** A link watcher of the VNIC changed its view (or reports it once on attach). */
    void linkEvent(Vnic vnic, VnicEvent event);
}
