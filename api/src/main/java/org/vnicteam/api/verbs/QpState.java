package org.vnicteam.api.verbs;

/** Queue pair state (IBA 10.3.1). */
public enum QpState {
    RESET, INIT, READY_TO_RECEIVE, READY_TO_SEND, SEND_QUEUE_ERROR, ERROR
}
