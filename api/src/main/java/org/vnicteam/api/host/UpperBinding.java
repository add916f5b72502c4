package org.vnicteam.api.host;

import java.nio.ByteBuffer;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * What sits above a VLAN miniport: a protocol stack (the seed's "VLAN 1..M" of the server). The
 * embedded default is a simulated IP host; a TAP interface is another. Registered as a service
 * with the property {@link #NAME}; a miniport binds one by its {@code upper.target} filter.
 * Everything here is called by the miniport and must not block.
 */
@ConsumerType
public interface UpperBinding {

    /** Service property: the binding's unique name. */
    String NAME = "upper.name";

    /** The miniport below attaches; the binding sends its frames through it from now on. */
    void bind(Miniport miniport);

    /** The miniport goes away; the binding must stop sending through it. */
    void unbind(Miniport miniport);

    /** An untagged frame for this VLAN, valid only during the call. */
    void receive(ByteBuffer frame, int offset, int length);

    /** Media connected (the team has an active member) or disconnected. */
    void mediaStateChanged(boolean connected);
}
