package org.vnicteam.api.verbs;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A completion queue (ibv_cq). Work completions are polled into caller-owned, reusable
 * {@link WorkCompletion} objects so the data path allocates nothing.
 */
@ProviderType
public interface CompletionQueue extends AutoCloseable {

    int depth();

    /**
     * Moves up to {@code completions.length} completions into the given objects, oldest first.
     *
     * @return how many were filled
     */
    int poll(WorkCompletion[] completions);

    /**
     * The listener is called, on the HCA's event thread, whenever completions were added. It
     * must not block; it usually polls right away (what a completion channel plus
     * ibv_req_notify_cq gives). {@code null} removes it.
     */
    void setListener(CompletionListener listener);

    @Override
    void close();
}
