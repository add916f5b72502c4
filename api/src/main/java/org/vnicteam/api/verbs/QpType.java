package org.vnicteam.api.verbs;

/** Transport service of a queue pair. */
public enum QpType {
    /** Reliable Connected: PSNs, ACK/NAK, retransmission, segmentation by path MTU. */
    RC,
    /** Unreliable Datagram: one packet per message up to the MTU, Q_Key checked. */
    UD
}
