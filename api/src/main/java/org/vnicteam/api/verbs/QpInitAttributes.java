package org.vnicteam.api.verbs;

/**
 * What a queue pair is created with (ibv_qp_init_attr plus the port and partition).
 *
 * @param type RC or UD
 * @param port 1-based HCA port the QP sends from
 * @param sendCq completion queue for send completions
 * @param receiveCq completion queue for receive completions
 * @param maxSendRequests send queue depth
 * @param maxReceiveRequests receive queue depth
 * @param pkey the partition key this QP sends with and accepts
 * @param qkey the Q_Key of a UD QP (ignored for RC)
 */
public record QpInitAttributes(QpType type, int port, CompletionQueue sendCq, CompletionQueue receiveCq,
        int maxSendRequests, int maxReceiveRequests, int pkey, int qkey) {

    public static final int DEFAULT_PKEY = 0xFFFF;

    public QpInitAttributes {
        if (type == null || sendCq == null || receiveCq == null) {
            throw new IllegalArgumentException("type, sendCq and receiveCq are required");
        }
        if (port < 1) {
            throw new IllegalArgumentException("port must be >= 1: " + port);
        }
        if (maxSendRequests < 1 || maxReceiveRequests < 1) {
            throw new IllegalArgumentException("queue depths must be >= 1");
        }
        if ((pkey & 0x7FFF) == 0 || pkey > 0xFFFF || pkey < 0) {
            throw new IllegalArgumentException("invalid P_Key 0x" + Integer.toHexString(pkey));
        }
    }

    public static QpInitAttributes rc(int port, CompletionQueue sendCq, CompletionQueue receiveCq, int depth) {
        return new QpInitAttributes(QpType.RC, port, sendCq, receiveCq, depth, depth, DEFAULT_PKEY, 0);
    }

    public static QpInitAttributes ud(int port, CompletionQueue sendCq, CompletionQueue receiveCq, int depth,
            int qkey) {
        return new QpInitAttributes(QpType.UD, port, sendCq, receiveCq, depth, depth, DEFAULT_PKEY, qkey);
    }

    public QpInitAttributes withPkey(int newPkey) {
        return new QpInitAttributes(type, port, sendCq, receiveCq, maxSendRequests, maxReceiveRequests, newPkey,
                qkey);
    }
}
