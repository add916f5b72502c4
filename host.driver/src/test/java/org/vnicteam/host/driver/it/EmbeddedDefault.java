package org.vnicteam.host.driver.it;

import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.util.tracker.ServiceTracker;
import org.vnicteam.api.fabric.FabricControl;
import org.vnicteam.api.host.Team;
import org.vnicteam.api.host.TeamStatus;
import org.vnicteam.api.host.Vnic;
import org.vnicteam.fabric.sim.ethernet.EthernetSegmentControl;
import org.vnicteam.fabric.sim.ethernet.SimIpHost;

/**
 * The embedded default of FIG. 5, configured through Config Admin as an operator would: the
 * default fabric and Ethernet segment (no configuration needed), bridges A and B plugged in as
 * device bundles, and the server side — VNICs A (priority 200) and B (100), the team, VLAN
 * miniports 1 and 2 with simulated IP hosts 198.18.1.1 and 198.18.2.1 above them. The test reaches
 * bridges only by their bundles and the simulated Ethernet/fabric controls, never by reference.
 */
final class EmbeddedDefault {

    static final long WAIT_NANOS = 10_000_000_000L;

    final BundleContext context;
    final ConfigurationAdmin cm;
    Bundle bridgeA;
    Bundle bridgeB;
    /** More properties for both bridges' device descriptors (e.g. probing); none by default. */
    Map<String, String> bridgeProperties = Map.of();

    EmbeddedDefault(BundleContext context, ConfigurationAdmin cm) {
        this.context = context;
        this.cm = cm;
    }

    /**
     * Keep-alive and RC settings for VNICs whose test is not about keep-alive: this machine is
     * shared by parallel builds and stalls of 50-100 ms happen; a bound of 200 ms keeps such a
     * stall from looking like a dead bridge (docs/host.md: the defaults are 50 ms and 4 ms x 8).
     */
    static final Map<String, Object> PATIENT = Map.of("keepalive.interval.micros", 20_000L, "keepalive.misses", 10,
            "rc.ack.timeout.micros", 10_000L);

    /**
     * Brings everything up, A first: A active, B backup.
     *
     * @param team team configuration overrides (property names as in Config Admin)
     * @param vnicA VNIC A configuration overrides (e.g. keep-alive); B is always {@link #PATIENT}
     */
    EmbeddedDefault start(Map<String, Object> team, Map<String, Object> vnicA) throws Exception {
        startWithA(team, vnicA);
        plugInB();
        return this;
    }

    /** The bridges' device descriptors get these properties too (call before {@link #start}). */
    EmbeddedDefault withBridgeProperties(Map<String, String> more) {
        bridgeProperties = Map.copyOf(more);
        return this;
    }

    /** Everything but bridge B and its VNIC: A is the only member, and active. */
    EmbeddedDefault startWithA(Map<String, Object> team, Map<String, Object> vnicA) throws Exception {
        Hashtable<String, Object> t = new Hashtable<>(Map.of("name", "team0"));
        t.putAll(team);
        cm.getConfiguration("org.vnicteam.team", "?").update(t);
        factory("org.vnicteam.upper.simhost", "server-vlan1",
                Map.of("upper.name", "server-vlan1", "address", "198.18.1.1/24"));
        factory("org.vnicteam.upper.simhost", "server-vlan2",
                Map.of("upper.name", "server-vlan2", "address", "198.18.2.1/24"));
        factory("org.vnicteam.miniport", "vlan1",
                Map.of("name", "vlan1", "vlan", 1, "upper.target", "(upper.name=server-vlan1)"));
        factory("org.vnicteam.miniport", "vlan2",
                Map.of("name", "vlan2", "vlan", 2, "upper.target", "(upper.name=server-vlan2)"));

        plugInBridgeA();
        vnic("vnicA", "bridgeA", 200, vnicA);
        waitFor(() -> "vnicA".equals(team().active()), () -> "A active: " + team().status());
        return this;
    }

    /** Bridge B and VNIC B: B joins as the backup. */
    void plugInB() throws Exception {
        bridgeB = DeviceBundles.plugIn(context, "bridgeB", "bridgeB", "bridgeB-eth", "02:00:00:00:0b:01",
                bridgeProperties);
        vnic("vnicB", "bridgeB", 100, Map.of());
        waitFor(() -> {
            TeamStatus s = team().status();
            return s.members().size() == 2 && s.member("vnicB").role() == TeamStatus.Role.BACKUP;
        }, () -> "B backup: " + team().status());
    }

    /**
     * Installs and starts bridge A's device bundle (again, after an uninstall: a new bundle with the
     * same descriptor): bridge A is plugged in. {@link #bridgeA} is the new bundle.
     */
    Bundle plugInBridgeA() throws Exception {
        bridgeA = DeviceBundles.plugIn(context, "bridgeA", "bridgeA", "bridgeA-eth", "02:00:00:00:0a:01",
                bridgeProperties);
        return bridgeA;
    }

    /**
     * Adds a VNIC (factory configuration {@code org.vnicteam.vnic~NAME}): {@link #PATIENT} unless
     * {@code overrides} say otherwise. The team takes it as a member once it is registered.
     */
    Configuration vnic(String name, String bridge, int priority, Map<String, Object> overrides) throws Exception {
        Hashtable<String, Object> v = new Hashtable<>(Map.of("name", name, "bridge", bridge, "priority", priority));
        v.putAll(PATIENT);
        v.putAll(overrides);
        return factory("org.vnicteam.vnic", name, v);
    }

    Configuration factory(String pid, String name, Map<String, Object> props) throws Exception {
        Configuration c = cm.getFactoryConfiguration(pid, name, "?");
        c.update(new Hashtable<>(props));
        return c;
    }

    /** The Vnic service of that name (waits up to 10 s for it). */
    Vnic vnic(String name) {
        return service(Vnic.class, "(" + Vnic.NAME + "=" + name + ")");
    }

    /** Updates the team's configuration (applied live, @Modified). */
    void reconfigureTeam(Map<String, Object> props) throws Exception {
        Configuration c = cm.getConfiguration("org.vnicteam.team", "?");
        Dictionary<String, Object> d = c.getProperties();
        Hashtable<String, Object> h = new Hashtable<>();
        for (var e = d.keys(); e.hasMoreElements();) {
            String k = e.nextElement();
            h.put(k, d.get(k));
        }
        h.putAll(props);
        c.update(h);
    }

    /**
     * Frames bridge A counted as put on its Ethernet wire that the simulated switch never took in
     * (bridge A's txFrames minus switch port p1's rxFrames). The segment queues a frame the bridge
     * port accepted and drops it if the port's link went down before the switch thread got to it,
     * so "last sequence on wire" can be ahead of the truth by those frames; the host, which trusts
     * LINK_STATUS, cannot replay them. Test diagnostics only: the host never looks at a bridge.
     */
    long lostAfterBridgeAsWire() {
        for (ServiceReference<org.vnicteam.api.bridge.BridgeDevice> r : bridgeRefs()) {
            org.vnicteam.api.bridge.BridgeDevice d = context.getService(r);
            if (d != null && d.name().equals("bridgeA")) {
                long tx = d.status().counters().txFrames();
                return Math.max(0, tx - segment().status().port("p1").counters().rxFrames());
            }
        }
        return 0; // bridge A is gone (unplugged): its counters went with it
    }

    /**
     * Frames the bridges dropped for want of buffers (toward the host: no free send slot while the
     * fabric was stalled). A loaded machine causes these; they are the bridges' losses, reported by
     * their own counters, not the host's. Test diagnostics only.
     */
    long bridgeBufferDrops() {
        long n = 0;
        for (ServiceReference<org.vnicteam.api.bridge.BridgeDevice> r : bridgeRefs()) {
            org.vnicteam.api.bridge.BridgeDevice d = context.getService(r);
            if (d != null) {
                n += d.status().counters().droppedNoBuffer();
            }
        }
        return n;
    }

    private java.util.Collection<ServiceReference<org.vnicteam.api.bridge.BridgeDevice>> bridgeRefs() {
        try {
            return context.getServiceReferences(org.vnicteam.api.bridge.BridgeDevice.class, null);
        } catch (org.osgi.framework.InvalidSyntaxException e) {
            throw new AssertionError(e);
        }
    }

    /** A bridge's probe status, or null when it is not plugged in (test diagnostics: the host never looks). */
    org.vnicteam.api.bridge.ProbeStatus probes(String bridge) {
        for (ServiceReference<org.vnicteam.api.bridge.BridgeDevice> r : bridgeRefs()) {
            org.vnicteam.api.bridge.BridgeDevice d = context.getService(r);
            if (d != null && d.name().equals(bridge)) {
                return d.status().probes();
            }
        }
        return null;
    }

    /** The bridges' own view (test diagnostics only: the host never looks at a bridge). */
    String bridgeStatus() {
        StringBuilder b = new StringBuilder();
        try {
            for (ServiceReference<org.vnicteam.api.bridge.BridgeDevice> r : context
                    .getServiceReferences(org.vnicteam.api.bridge.BridgeDevice.class, null)) {
                org.vnicteam.api.bridge.BridgeDevice d = context.getService(r);
                if (d != null) {
                    b.append("\n  ").append(d.status());
                }
            }
        } catch (org.osgi.framework.InvalidSyntaxException e) {
            throw new AssertionError(e);
        }
        return b.toString();
    }

    /**
     * The first line of {@code team:status} (host.driver's TeamText, which the framework tests cannot
     * reach: Gogo is not installed here): {@code team team0: active vnicA; 3 members (1 active, 2
     * backup, 0 failed), 2 fail-overs}.
     */
    static String summary(TeamStatus s) {
        long active = s.members().stream().filter(m -> m.role() == TeamStatus.Role.ACTIVE).count();
        long backup = s.members().stream().filter(m -> m.role() == TeamStatus.Role.BACKUP).count();
        long failed = s.members().stream().filter(m -> m.role() == TeamStatus.Role.FAILED).count();
        return "team " + s.name() + ": active " + (s.active() == null ? "NONE" : s.active()) + "; " + s.members().size()
                + " members (" + active + " active, " + backup + " backup, " + failed + " failed), " + s.failovers()
                + " fail-overs";
    }

    Team team() {
        return service(Team.class, null);
    }

    EthernetSegmentControl segment() {
        return service(EthernetSegmentControl.class, null);
    }

    FabricControl fabric() {
        return service(FabricControl.class, null);
    }

    SimIpHost server(int vlan) {
        return service(SimIpHost.class, "(upper.name=server-vlan" + vlan + ")");
    }

    SimIpHost client(int n) {
        return segment().host("client" + n);
    }

    /** Waits up to 10 s for a service. */
    <T> T service(Class<T> type, String filter) {
        try {
            ServiceTracker<T, T> t = new ServiceTracker<>(context,
                    filter == null ? context.createFilter("(objectClass=" + type.getName() + ")")
                            : context.createFilter("(&(objectClass=" + type.getName() + ")" + filter + ")"),
                    null);
            t.open();
            try {
                T s = t.waitForService(10_000);
                if (s == null) {
                    throw new AssertionError("no " + type.getSimpleName() + (filter == null ? "" : " " + filter));
                }
                return s;
            } finally {
                // keep the service: the tracker only found it; the reference stays valid while registered
                ServiceReference<T> ref = t.getServiceReference();
                t.close();
                if (ref != null) {
                    context.getService(ref);
                }
            }
        } catch (org.osgi.framework.InvalidSyntaxException | InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    static void waitFor(BooleanSupplier condition, Supplier<String> what) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT_NANOS;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what.get());
            }
            Thread.sleep(2);
        }
    }
}
