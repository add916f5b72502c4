package org.vnicteam.host.driver.commands;

import java.util.function.Function;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;

/** Uses a service of a bound reference for one call. */
final class Services {

    private Services() {
    }

    /** {@code f} applied to the service, or null when it is gone. */
    static <S, R> R use(BundleContext context, ServiceReference<S> ref, Function<S, R> f) {
        S s = context.getService(ref);
        if (s == null) {
            return null;
        }
        try {
            return f.apply(s);
        } finally {
            context.ungetService(ref);
        }
    }
}
