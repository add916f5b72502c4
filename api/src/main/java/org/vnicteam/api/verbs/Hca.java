package org.vnicteam.api.verbs;

import org.osgi.annotation.versioning.ProviderType;

/** An open host channel adapter (ibv_context): the factory for queues, and its ports' state. */
@ProviderType
public interface Hca extends AutoCloseable {

    String name();

    /** Node GUID: stable identity of the adapter across opens. */
    long nodeGuid();

    int portCount();

    /** Current attributes of a port (1-based). */
    PortAttributes queryPort(int port);

    CompletionQueue createCompletionQueue(int depth) throws VerbsException;

    QueuePair createQueuePair(QpInitAttributes attributes) throws VerbsException;

    /** Asynchronous events of this HCA: port active/down, QP fatal, CQ error. */
    void addAsyncEventListener(AsyncEventListener listener);

    void removeAsyncEventListener(AsyncEventListener listener);

    /** The subnet administration seen from a port: path queries, name lookups, traps. */
    SubnetAdministration subnet(int port);

    /** Destroys every queue this HCA created and takes its ports down (an unplug). */
    @Override
    void close();
}
