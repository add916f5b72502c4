package org.vnicteam.fabric.sim.commands;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.concurrent.atomic.AtomicInteger;

/** A service seen through a proxy that counts the calls of one of its methods. */
final class Counting {

    private Counting() {
    }

    /** {@code target} as {@code type}, counting calls of the method {@code method} in {@code calls}. */
    static <T> T calls(Class<T> type, T target, String method, AtomicInteger calls) {
        return type.cast(Proxy.newProxyInstance(Counting.class.getClassLoader(), new Class<?>[] { type },
                (proxy, m, args) -> {
                    if (m.getName().equals(method)) {
                        calls.incrementAndGet();
                    }
                    try {
                        return m.invoke(target, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                }));
    }
}
