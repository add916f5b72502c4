package org.vnicteam.api.eoib;

/** Constants both sides of a session agree on. */
public final class Protocol {

    /** Service record name under which a bridge's login queue pair is registered with the SA. */
    public static final String SERVICE_NAME = "vnicteam.bridge";
    /** Q_Key of the login datagrams (below 0x80000000: not a controlled Q_Key). */
    public static final int LOGIN_QKEY = 0x0B1D6E01;
    /** How long a VNIC waits for LOGIN_ACK before it sends LOGIN again. */
    public static final long LOGIN_RETRY_NANOS = 50_000_000L;
    /** A bridge ends a session after this many keep-alive intervals without a word from its VNIC. */
    public static final int BRIDGE_KEEPALIVE_MISSES = 8;

    private Protocol() {
    }
}
