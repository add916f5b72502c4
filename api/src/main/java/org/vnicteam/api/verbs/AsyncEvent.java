package org.vnicteam.api.verbs;

/**
 * An asynchronous HCA event (ibv_async_event).
 *
 * @param type what happened
 * @param port the port, for port events (else 0)
 * @param qpNumber the QP, for QP events (else 0)
 * @param detail a human-readable cause
 */
public record AsyncEvent(Type type, int port, int qpNumber, String detail) {

    public enum Type {
        /** A port became ACTIVE (IBV_EVENT_PORT_ACTIVE). */
        PORT_ACTIVE,
        /** A port left ACTIVE: link down or unplugged (IBV_EVENT_PORT_ERR). */
        PORT_DOWN,
        /** A QP went to the error state: retries exhausted or a fatal error (IBV_EVENT_QP_FATAL). */
        QP_ERROR,
        /** A completion queue overflowed (IBV_EVENT_CQ_ERR). */
        CQ_ERROR,
        /** The port's LID changed after a sweep (IBV_EVENT_LID_CHANGE). */
        LID_CHANGE
    }
}
