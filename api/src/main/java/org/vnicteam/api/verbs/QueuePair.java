package org.vnicteam.api.verbs;

import java.nio.ByteBuffer;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A queue pair (ibv_qp). Posting never blocks and never allocates; a full queue is reported by
 * {@link VerbsException} (ENOMEM in libibverbs). Buffers belong to the HCA until the work
 * request's completion is polled: an RC retransmission reads the send buffer again.
 */
@ProviderType
public interface QueuePair extends AutoCloseable {

    int number();

    QpType type();

    QpState state();

    /** RC: connects to a remote QP and moves to READY_TO_SEND. */
    void connect(RcConnection connection) throws VerbsException;

    /** UD: moves to READY_TO_SEND (a UD QP needs no peer). */
    void ready() throws VerbsException;

    /** RC send of {@code length} bytes at {@code offset} of {@code data}. */
    void postSend(long wrId, ByteBuffer data, int offset, int length, boolean signaled) throws VerbsException;

    /** RC send with 32-bit immediate data delivered in the receiver's completion. */
    void postSend(long wrId, ByteBuffer data, int offset, int length, boolean signaled, int immediate)
            throws VerbsException;

    /** UD send of one datagram (≤ path MTU) to a remote QP. */
    void postSend(long wrId, ByteBuffer data, int offset, int length, int remoteLid, int remoteQpn, int remoteQkey)
            throws VerbsException;

    /** Gives the HCA a buffer to receive the next incoming message into. */
    void postReceive(long wrId, ByteBuffer buffer, int offset, int length) throws VerbsException;

    /** Moves the QP to ERROR: outstanding work requests complete as WORK_REQUEST_FLUSHED. */
    void moveToError();

    /** Transport counters of this QP. */
    QpCounters counters();

    /** Destroys the QP: outstanding work is flushed and its number is freed. */
    @Override
    void close();
}
