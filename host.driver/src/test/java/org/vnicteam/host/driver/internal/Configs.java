package org.vnicteam.host.driver.internal;

import java.lang.reflect.Proxy;
import java.util.Map;

/** Typed DS configurations for tests outside a framework: the annotation's defaults, overridden by a map. */
final class Configs {

    private Configs() {
    }

    @SuppressWarnings("unchecked")
    static <A> A of(Class<A> type, Map<String, Object> values) {
        return (A) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] { type }, (proxy, method, args) -> {
            String name = method.getName();
            if (name.equals("annotationType")) {
                return type;
            }
            if (name.equals("toString")) {
                return type.getSimpleName() + values;
            }
            if (name.equals("hashCode")) {
                return System.identityHashCode(proxy);
            }
            if (name.equals("equals")) {
                return proxy == args[0];
            }
            Object v = values.get(name);
            return v != null ? v : method.getDefaultValue();
        });
    }
}
