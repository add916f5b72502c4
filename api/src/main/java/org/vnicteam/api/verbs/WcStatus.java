package org.vnicteam.api.verbs;

/** Completion status (ibv_wc_status, the codes this fabric produces). */
public enum WcStatus {
    SUCCESS,
    /** Received message longer than the posted receive buffer, or a send larger than allowed. */
    LOCAL_LENGTH_ERROR,
    LOCAL_QP_OPERATION_ERROR,
    /** The QP went to the error state before this request was processed. */
    WORK_REQUEST_FLUSHED,
    REMOTE_INVALID_REQUEST,
    REMOTE_OPERATION_ERROR,
    /** No ACK after the QP's retry count of transport retries. */
    RETRY_EXCEEDED,
    /** The responder had no receive posted for longer than the RNR retry count. */
    RNR_RETRY_EXCEEDED,
    GENERAL_ERROR
}
