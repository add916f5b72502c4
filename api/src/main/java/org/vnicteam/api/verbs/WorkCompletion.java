package org.vnicteam.api.verbs;

/**
 * One work completion (ibv_wc). Mutable and reusable on purpose: the consumer owns an array of
 * them and {@link CompletionQueue#poll} fills it, so polling allocates nothing.
 */
public final class WorkCompletion {

    public long wrId;
    public WcStatus status = WcStatus.SUCCESS;
    public WcOpcode opcode = WcOpcode.SEND;
    /** Bytes received (RECV only). */
    public int byteLength;
    /** Local QP number the work request belonged to. */
    public int qpNumber;
    /** Sender's QP number (RECV on UD). */
    public int sourceQp;
    /** Sender's LID (RECV). */
    public int sourceLid;
    public boolean hasImmediate;
    public int immediate;

    public boolean ok() {
        return status == WcStatus.SUCCESS;
    }

    /** Copies another completion into this one. */
    public void set(WorkCompletion other) {
        wrId = other.wrId;
        status = other.status;
        opcode = other.opcode;
        byteLength = other.byteLength;
        qpNumber = other.qpNumber;
        sourceQp = other.sourceQp;
        sourceLid = other.sourceLid;
        hasImmediate = other.hasImmediate;
        immediate = other.immediate;
    }

    @Override
    public String toString() {
        return "WC[wr=" + wrId + " " + opcode + " " + status + " len=" + byteLength + " qp=" + qpNumber
                + (opcode == WcOpcode.RECV ? " from=" + sourceLid + "/" + sourceQp : "") + "]";
    }
}
