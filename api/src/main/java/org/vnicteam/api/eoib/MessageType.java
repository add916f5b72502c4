package org.vnicteam.api.eoib;

/** Message types of protocol version 1 and who sends them. */
public enum MessageType {
    /** Either way: one Ethernet frame; the header's sequence number numbers the frames. */
    DATA(0x01),
    /** VNIC → bridge, over UD to the bridge's login service: open a session. */
    LOGIN(0x10),
    /** Bridge → VNIC, over UD: the session id, the bridge's identity and its RC queue pairs. */
    LOGIN_ACK(0x11),
    /** Bridge → VNIC, over UD: the login is refused, with a reason. */
    LOGIN_REJECT(0x12),
    /** VNIC → bridge: are you there? */
    KEEPALIVE(0x20),
    /** Bridge → VNIC: here, with link state and the last frame put on the wire. */
    KEEPALIVE_ACK(0x21),
    /** Bridge → VNIC, at once on every carrier change: the "error message" of the patent. */
    LINK_STATUS(0x30),
    /** VNIC → bridge: the team MAC and the VLANs the bridge carries. */
    CONFIG_ADDRESSES(0x40),
    /** Bridge → VNIC: addresses applied (or why not). */
    CONFIG_ACK(0x41),
    /** VNIC → bridge: send your counters. */
    STATS_REQUEST(0x50),
    /** Bridge → VNIC: the counters. */
    STATS_REPORT(0x51),
    /** Either way: the session is over. */
    RESET(0x60);

    private static final MessageType[] BY_CODE = new MessageType[256];

    static {
        for (MessageType t : values()) {
            BY_CODE[t.code] = t;
        }
    }

    private final int code;

    MessageType(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** The type with this code, or null. */
    public static MessageType lookup(int code) {
        return code >= 0 && code < 256 ? BY_CODE[code] : null;
    }
}
