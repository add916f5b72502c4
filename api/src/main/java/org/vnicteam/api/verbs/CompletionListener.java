package org.vnicteam.api.verbs;

import org.osgi.annotation.versioning.ConsumerType;

/** Told that a completion queue has new completions. Runs on the HCA's event thread. */
@ConsumerType
@FunctionalInterface
public interface CompletionListener {
    void completionsAvailable(CompletionQueue cq);
}
