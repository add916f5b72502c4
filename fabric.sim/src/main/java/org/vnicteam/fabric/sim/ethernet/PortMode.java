package org.vnicteam.fabric.sim.ethernet;

/** How a switch port treats VLANs. */
public enum PortMode {
    /** one VLAN, untagged on the wire: frames get the port's VID on entry, lose the tag on exit */
    ACCESS,
    /** 802.1Q tagged frames of the allowed VIDs only; untagged frames are dropped */
    TRUNK
}
