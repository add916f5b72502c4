package org.vnicteam.bridge.hostcmd.it;

import static org.junit.Assert.fail;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

import javax.inject.Inject;

import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.vnicteam.api.bridge.BridgeDevice;
import org.vnicteam.api.fabric.FabricControl;
import org.vnicteam.api.verbs.HcaProvider;
import org.vnicteam.fabric.sim.ethernet.EthernetSegmentControl;

/** What the bridge framework tests share: the framework, service look-ups and bounded waits. */
public abstract class BridgeItSupport {

    /** Upper bound of every wait for something that must happen. */
    static final Duration WAIT = Duration.ofSeconds(10);
    /**
     * Keep-alive interval the test VNICs announce (50 ms: the bridge ends a session after 400 ms of
     * silence, more than a cold JVM on a busy machine needs to deliver the first LOGIN_ACK); they
     * send every {@link #KEEPALIVE_PERIOD}, so timer jitter never ends one.
     */
    static final int KEEPALIVE_MICROS = 50_000;
    static final Duration KEEPALIVE_PERIOD = Duration.ofMillis(5);
    /** Frames per second of the test streams. */
    static final double STREAM_RATE = 2000;
    static final String MAC_A = "02:00:00:00:0a:01";
    static final String MAC_B = "02:00:00:00:0b:01";

    @Inject
    protected BundleContext context;

    @Configuration
    public Option[] config() {
        return BridgeFrameworkOptions.felixWithBridges();
    }

    <T> T service(Class<T> type) {
        return await(type.getSimpleName() + " service", () -> {
            ServiceReference<T> r = context.getServiceReference(type);
            return r == null ? null : context.getService(r);
        }, () -> "no " + type.getName() + " registered");
    }

    HcaProvider fabric() {
        return service(HcaProvider.class);
    }

    FabricControl fabricControl() {
        return service(FabricControl.class);
    }

    EthernetSegmentControl segment() {
        return service(EthernetSegmentControl.class);
    }

    /** The BridgeDevice service of bridge {@code name}, once registered. */
    ServiceReference<BridgeDevice> awaitBridge(String name) {
        return await("BridgeDevice " + name, () -> bridgeReference(name), this::describeBridges);
    }

    void awaitNoBridge(String name) {
        await("BridgeDevice " + name + " gone", () -> bridgeReference(name) == null ? Boolean.TRUE : null,
            this::describeBridges);
    }

    ServiceReference<BridgeDevice> bridgeReference(String name) {
        try {
            var refs = context.getServiceReferences(BridgeDevice.class, "(" + BridgeDevice.NAME + "=" + name + ")");
            return refs.isEmpty() ? null : refs.iterator().next();
        } catch (InvalidSyntaxException e) {
            throw new AssertionError(e);
        }
    }

    BridgeDevice bridge(String name) {
        return context.getService(awaitBridge(name));
    }

    /** Where frames may have gone: bridge counters, segment counters and port drops. */
    String describeTraffic() {
        StringBuilder s = new StringBuilder();
        for (String name : new String[] {"bridgeA", "bridgeB"}) {
            ServiceReference<BridgeDevice> r = bridgeReference(name);
            if (r != null) {
                BridgeDevice d = context.getService(r);
                try {
                    s.append(name).append(": ").append(d.status().counters()).append("; ");
                } finally {
                    context.ungetService(r);
                }
            }
        }
        var st = segment().status();
        s.append("segment ").append(st.counters()).append("; ports ");
        st.ports().forEach(p -> s.append(p.name()).append('/').append(p.peer()).append('=').append(p.counters())
            .append(' '));
        st.hosts().forEach(h -> s.append(h.name()).append('=').append(h.counters()).append(' '));
        return s.toString();
    }

    String describeBridges() {
        List<String> out = new ArrayList<>();
        try {
            for (ServiceReference<BridgeDevice> r : context.getServiceReferences(BridgeDevice.class, null)) {
                out.add(r.getProperty(BridgeDevice.NAME) + " (service.id " + r.getProperty("service.id") + ")");
            }
        } catch (InvalidSyntaxException e) {
            throw new AssertionError(e);
        }
        return "bridges registered: " + out + "; bundles: " + Arrays.stream(context.getBundles())
            .map(b -> b.getSymbolicName() + "=" + b.getState()).toList();
    }

    /**
     * Polls {@code probe} every 2 ms until it returns non-null, for at most {@link #WAIT}; then
     * fails with what was awaited and what was there instead.
     */
    static <T> T await(String what, Supplier<T> probe, Supplier<String> lastSeen) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            T value = probe.get();
            if (value != null) {
                return value;
            }
            if (System.nanoTime() >= deadline) {
                fail("timed out after " + WAIT.toMillis() + " ms waiting for " + what + "; last seen: " + lastSeen.get());
            }
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what, e);
            }
        }
    }

    static void awaitTrue(String what, Supplier<Boolean> condition, Supplier<String> lastSeen) {
        await(what, () -> condition.get() ? Boolean.TRUE : null, lastSeen);
    }

    static long percentile(List<Long> sorted, double p) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.floor(p * sorted.size())));
    }
}
