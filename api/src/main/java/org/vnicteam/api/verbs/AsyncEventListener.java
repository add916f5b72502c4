package org.vnicteam.api.verbs;

import org.osgi.annotation.versioning.ConsumerType;

/** Receives an HCA's asynchronous events, on the HCA's event thread; must not block. */
@ConsumerType
@FunctionalInterface
public interface AsyncEventListener {
    void onEvent(AsyncEvent event);
}
