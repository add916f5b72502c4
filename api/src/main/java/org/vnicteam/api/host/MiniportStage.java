package org.vnicteam.api.host;

import java.nio.ByteBuffer;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A packet stage on a miniport's path, between the upper binding and the VLAN tagging: the place
 * reserved for IPsec (ESP) in the seed's intermediate driver. No implementation ships yet.
 *
 * <p>A stage is a service with the property {@link #MINIPORT} naming the miniport it serves; the
 * miniport binds it dynamically and optionally. The frame is untagged, in a writable buffer
 * owned by the miniport, at {@code [offset, offset + length)}; the stage may rewrite and grow it
 * up to {@code offset + capacity} (ESP header, trailer, ICV) and returns the new length, or
 * {@link #DROP}. Called on the data path: must not block and should not allocate.
 */
@ConsumerType
public interface MiniportStage {

    /** Service property: the name of the miniport this stage serves. */
    String MINIPORT = "miniport";

    /** Return value: drop the frame (counted by the miniport). */
    int DROP = -1;

    /** A frame on its way down (from the upper binding to the team). */
    int outbound(ByteBuffer frame, int offset, int length, int capacity);

    /** A frame on its way up (from the team to the upper binding), tag already removed. */
    int inbound(ByteBuffer frame, int offset, int length, int capacity);
}
