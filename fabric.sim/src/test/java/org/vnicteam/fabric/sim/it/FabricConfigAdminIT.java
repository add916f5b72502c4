package org.vnicteam.fabric.sim.it;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Dictionary;
import java.util.HashSet;
import java.util.Hashtable;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import javax.inject.Inject;

import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.osgi.util.tracker.ServiceTracker;
import org.vnicteam.api.fabric.FabricControl;
import org.vnicteam.api.fabric.FabricStatus;
import org.vnicteam.api.verbs.CompletionQueue;
import org.vnicteam.api.verbs.Hca;
import org.vnicteam.api.verbs.HcaProvider;
import org.vnicteam.api.verbs.PortAttributes;
import org.vnicteam.api.verbs.QpCounters;
import org.vnicteam.api.verbs.QpInitAttributes;
import org.vnicteam.api.verbs.QueuePair;
import org.vnicteam.api.verbs.RcConnection;
import org.vnicteam.api.verbs.VerbsException;
import org.vnicteam.api.verbs.WorkCompletion;

/**
 * The fabric as an operator drives it through Config Admin, in Felix with SCR and Config Admin:
 * the default two-switch fabric without configuration, a topology written to PID
 * {@value #PID} rebuilding the fabric (and carrying RC traffic segmented at its MTU), and a bad
 * topology keeping the fabric down until its configuration is deleted.
 *
 * <p>Every test starts and ends with no configuration for {@value #PID} and the default fabric
 * registered; every wait is bounded and fails with what it last saw.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class FabricConfigAdminIT {

    static final String PID = "org.vnicteam.fabric";
    static final String COMPONENT = "org.vnicteam.fabric.sim.internal.FabricComponent";
    static final List<String> DEFAULT_ADAPTERS = List.of("server", "bridgeA", "bridgeB");
    static final List<String> DEFAULT_LINKS = List.of("server-sw1", "isl1", "isl2", "bridgeA-sw2", "bridgeB-sw2");

    /** Upper bound of every wait for something that must happen. */
    static final Duration WAIT = Duration.ofSeconds(10);
    /** How long something that must not happen is watched for. */
    static final Duration QUIET = Duration.ofMillis(1500);

    @Inject
    BundleContext context;

    @Inject
    ConfigurationAdmin configAdmin;

    private ServiceTracker<HcaProvider, HcaProvider> providers;
    private ServiceTracker<FabricControl, FabricControl> controls;
    private final List<AutoCloseable> opened = new ArrayList<>();

    @Configuration
    public Option[] config() {
        return FrameworkOptions.felixWithScr();
    }

    @Before
    public void trackFabricAndStartFromDefault() throws Exception {
        providers = new ServiceTracker<>(context, HcaProvider.class, null);
        providers.open();
        controls = new ServiceTracker<>(context, FabricControl.class, null);
        controls.open();
        deleteFabricConfigurations();
        awaitFabric(DEFAULT_ADAPTERS, "the default fabric before the test");
    }

    @After
    public void closeAndRestoreDefault() throws Exception {
        try {
            for (int i = opened.size() - 1; i >= 0; i--) {
                try {
                    opened.get(i).close();
                } catch (Exception e) {
                    // the fabric may already be gone with its HCAs; nothing left to close
                }
            }
            opened.clear();
            deleteFabricConfigurations();
            awaitFabric(DEFAULT_ADAPTERS, "the default fabric after deleting the test's configuration");
        } finally {
            controls.close();
            providers.close();
        }
    }

    // ---- 1. no configuration: the default fabric -------------------------------------------

    @Test
    public void givenNoConfiguration_whenTheFabricBundleIsActive_thenTheDefaultTwoSwitchFabricIsServed()
            throws Exception {
        Fabric fabric = awaitFabric(DEFAULT_ADAPTERS, "the default fabric");
        assertEquals("service.pid of the default fabric (no configuration)", null,
            fabric.ref.getProperty(Constants.SERVICE_PID));

        FabricStatus status = fabric.control.status();
        assertEquals("links of the default fabric", DEFAULT_LINKS, linkNames(status));
        // a CA that no one has opened is unpowered: only the inter-switch links are up
        assertEquals("links up before any HCA is opened", List.of("isl1", "isl2"), upLinks(status));
        assertEquals("nodes of the default fabric", List.of("server", "bridgeA", "bridgeB", "sw1", "sw2"),
            status.nodes().stream().map(FabricStatus.NodeStatus::name).collect(Collectors.toList()));

        Hca server = open(fabric, "server");
        Hca bridgeA = open(fabric, "bridgeA");
        PortAttributes serverPort = awaitActive(server);
        PortAttributes bridgePort = awaitActive(bridgeA);
        assertNotEquals("server and bridgeA got distinct LIDs", serverPort.lid(), bridgePort.lid());

        status = fabric.control.status();
        assertTrue("server is open in status", status.node("server").open());
        assertTrue("bridgeA is open in status", status.node("bridgeA").open());
        assertTrue("bridgeB is not open in status", !status.node("bridgeB").open());
        assertPort(status, "server", "ACTIVE", serverPort.lid(), "sw1:3", "server-sw1");
        assertPort(status, "bridgeA", "ACTIVE", bridgePort.lid(), "sw2:3", "bridgeA-sw2");
        assertEquals("bridgeB (not opened) port state", "DOWN", status.node("bridgeB").ports().get(0).state());
        assertEquals("links up after opening server and bridgeA", List.of("server-sw1", "isl1", "isl2",
            "bridgeA-sw2"), upLinks(status));
        Set<Integer> activeLids = new HashSet<>();
        for (FabricStatus.NodeStatus n : status.nodes()) {
            for (FabricStatus.PortStatus p : n.ports()) {
                if (p.state().equals("ACTIVE")) {
                    assertTrue(n.name() + ":" + p.port() + " is ACTIVE with a unicast LID, not " + p.lid(),
                        p.lid() >= 1 && p.lid() <= 0xBFFF);
                    if (n.kind() == FabricStatus.Kind.CA) {
                        assertTrue("LID " + p.lid() + " of " + n.name() + " is unique", activeLids.add(p.lid()));
                    }
                }
            }
        }
        assertEquals("active CA ports after opening server and bridgeA", 2, activeLids.size());
        assertTrue("the subnet manager has swept", status.sweeps() > 0);
    }

    @Test
    public void givenAnOpenHca_whenEveryConsumerReleasesTheFabricServices_thenTheFabricKeepsRunning()
            throws Exception {
        Fabric fabric = awaitFabric(DEFAULT_ADAPTERS, "the default fabric");
        Hca server = open(fabric, "server");
        int lid = awaitActive(server).lid();
        ServiceReference<FabricControl> controlRef = controlReference(fabric);

        // an operator's one-shot look-up (a shell command) gets and ungets the service; here the
        // test's trackers are the only other consumers, so this releases the component entirely
        controls.close();
        providers.close();
        Thread.sleep(200);

        FabricControl control = context.getService(controlRef);
        assertNotNull("FabricControl still obtainable after every consumer released it", control);
        try {
            FabricStatus status = control.status();
            assertTrue("server is still open after the services were released (the fabric was not rebuilt): "
                + status.node("server"), status.node("server").open());
            assertEquals("server:1 still ACTIVE", "ACTIVE", status.node("server").ports().get(0).state());
            assertEquals("server's HCA still sees its port ACTIVE with LID " + lid, lid, awaitActive(server).lid());
        } finally {
            context.ungetService(controlRef);
            providers.open();
            controls.open();
        }
    }

    // ---- 2. a configured topology ------------------------------------------------------------

    @Test
    public void givenATopologyInConfigAdmin_whenTwoCasExchangeRcMessages_thenTheyAreSegmentedAtTheLinkMtuAndArriveIntactInOrder()
            throws Exception {
        Dictionary<String, Object> props = new Hashtable<>();
        props.put("name", "it");
        props.put("nodes", new String[] {"h1 ca 1", "h2 ca 1", "s1 switch 4"});
        props.put("links", new String[] {"h1:1 s1:1 name=l1 mtu=2048", "s1:2 h2:1 name=l2 mtu=2048"});
        props.put("partitions", new String[] {"0xFFFF=*"});
        props.put("seed", 7L);
        configAdmin.getConfiguration(PID, "?").update(props);

        Fabric fabric = awaitFabric(List.of("h1", "h2"), "the configured fabric (h1, h2, s1)");
        assertEquals("service.pid of the configured fabric", PID, fabric.ref.getProperty(Constants.SERVICE_PID));
        FabricStatus status = fabric.control.status();
        assertEquals("configured links", List.of("l1", "l2"), linkNames(status));
        assertEquals("l1 MTU", 2048, status.link("l1").mtu());
        assertEquals("l2 MTU", 2048, status.link("l2").mtu());
        assertEquals("configured nodes", List.of("h1", "h2", "s1"),
            status.nodes().stream().map(FabricStatus.NodeStatus::name).collect(Collectors.toList()));

        RcEnd h1 = new RcEnd(open(fabric, "h1"), 8);
        RcEnd h2 = new RcEnd(open(fabric, "h2"), 8);
        assertEquals("h1 active MTU", 2048, h1.port.activeMtu());
        assertEquals("h2 active MTU", 2048, h2.port.activeMtu());
        // pathMtu 0: the path MTU the subnet manager reports (2048 here)
        h1.qp.connect(RcConnection.to(h2.port.lid(), h2.qp.number(), 100, 900).withRetry(5_000_000L, 7));
        h2.qp.connect(RcConnection.to(h1.port.lid(), h1.qp.number(), 900, 100).withRetry(5_000_000L, 7));

        int messages = 6;
        int size = 9000;
        Random random = new Random(2048);
        List<byte[]> sent = new ArrayList<>();
        for (int i = 0; i < messages; i++) {
            byte[] m = new byte[size];
            random.nextBytes(m);
            ByteBuffer.wrap(m).putInt(0, i);
            sent.add(m);
            h1.qp.postSend(i, ByteBuffer.wrap(m), 0, m.length, true);
        }

        List<byte[]> got = h2.take(messages, WAIT);
        assertEquals("messages received by h2 within " + WAIT.toSeconds() + " s (errors: h1 " + h1.errors
            + ", h2 " + h2.errors + ")", messages, got.size());
        for (int i = 0; i < messages; i++) {
            assertEquals("length of message " + i, size, got.get(i).length);
            assertArrayEquals("message " + i + " intact and in order (first int = "
                + ByteBuffer.wrap(got.get(i)).getInt(0) + ")", sent.get(i), got.get(i));
        }
        await("h1's " + messages + " send completions", WAIT, () -> h1.sendsOk.size() == messages ? true : null,
            () -> "successful " + h1.sendsOk + ", errors " + h1.errors);
        assertTrue("no error completions: h1 " + h1.errors + ", h2 " + h2.errors,
            h1.errors.isEmpty() && h2.errors.isEmpty());

        QpCounters sender = h1.qp.counters();
        QpCounters receiver = h2.qp.counters();
        assertEquals("h1 packets sent: 9000 B at MTU 2048 is 5 packets a message; " + sender,
            5L * messages, sender.packetsSent());
        assertEquals("h1 retransmissions; " + sender, 0, sender.retransmittedPackets());
        assertEquals("h2 packets received: 5 a message; " + receiver, 5L * messages, receiver.packetsReceived());
        long l1Packets = fabric.control.status().link("l1").packets();
        assertTrue("l1 carried at least the " + 5 * messages + " data packets, carried " + l1Packets,
            l1Packets >= 5L * messages);
    }

    // ---- 3. a bad topology -------------------------------------------------------------------

    /**
     * A topology with a link to a node that does not exist. What an operator (or any consumer) can
     * rely on: the default fabric is gone, no HcaProvider or FabricControl can be obtained, and SCR
     * reports the activation failure with the offending link and node.
     *
     * <p>Not asserted: that no service is <em>registered</em>. Felix SCR registers a component's
     * services before it constructs the component and keeps the registration when construction
     * fails ("this may be temporary"); the constructor of FabricComponent is where the topology is
     * parsed, so a registration carrying the bad configuration remains, whose getService returns
     * null. Registering nothing for a bad topology needs a change in FabricComponent (validate
     * before registering, e.g. register the services itself from its activate method).
     */
    @Test
    public void givenALinkToAnUnknownNode_whenConfigured_thenNoFabricCanBeObtainedUntilTheConfigurationIsDeleted()
            throws Exception {
        Dictionary<String, Object> props = new Hashtable<>();
        props.put("nodes", new String[] {"h1 ca 1", "s1 switch 4"});
        props.put("links", new String[] {"h1:1 s1:1 name=l1", "s1:2 ghost:1 name=bad-link"});
        org.osgi.service.cm.Configuration cfg = configAdmin.getConfiguration(PID, "?");
        cfg.update(props);

        // SCR tried the new configuration and failed; its failure names the bad link and node
        ComponentConfigurationDTO failed = await("the component configuration in FAILED_ACTIVATION", WAIT,
            () -> componentConfigurations().stream()
                .filter(c -> c.state == ComponentConfigurationDTO.FAILED_ACTIVATION).findFirst().orElse(null),
            this::describeComponent);
        assertNotNull("SCR's failure text", failed.failure);
        assertTrue("the failure names the bad link and the unknown node: " + rootCause(failed.failure),
            failed.failure.contains("link 'bad-link' names unknown node 'ghost'"));
        assertArrayEquals("the failed configuration is the one just written", (String[]) props.get("links"),
            (String[]) failed.properties.get("links"));

        // the default fabric is gone; whatever is still registered is the bad configuration's
        await("the default fabric to go away", WAIT, () -> providers.size() == 0 && controls.size() == 0
            && hcaProviderRegistrations().stream().allMatch(this::carriesBadConfiguration) ? true : null,
            () -> "tracked HcaProviders " + providers.size() + ", FabricControls " + controls.size()
                + ", registrations " + registrationProperties());

        // and nothing usable comes up
        long quietEnd = System.nanoTime() + QUIET.toNanos();
        while (System.nanoTime() < quietEnd) {
            assertEquals("HcaProviders that could be obtained for a bad configuration; registrations "
                + registrationProperties(), 0, providers.size());
            assertEquals("FabricControls that could be obtained for a bad configuration", 0, controls.size());
            Thread.sleep(50);
        }
        for (ServiceReference<HcaProvider> ref : hcaProviderRegistrations()) {
            HcaProvider p = context.getService(ref);
            try {
                assertEquals("getService of " + ref.getProperty(Constants.SERVICE_ID)
                    + " for the bad configuration", null, p);
            } finally {
                if (p != null) {
                    context.ungetService(ref);
                }
            }
        }

        cfg.delete();
        Fabric fabric = awaitFabric(DEFAULT_ADAPTERS, "the default fabric after deleting the bad configuration");
        assertEquals("links after recovery", DEFAULT_LINKS, linkNames(fabric.control.status()));
        Hca server = open(fabric, "server");
        assertTrue("server port comes up after recovery", awaitActive(server).lid() > 0);
    }

    // ---- helpers ---------------------------------------------------------------------------

    /** The fabric's two services, from one registration. */
    record Fabric(ServiceReference<HcaProvider> ref, HcaProvider verbs, FabricControl control) {
    }

    /** One RC queue pair on an opened HCA, receive buffers posted, completions collected. */
    final class RcEnd {
        static final int BUFFER = 16 * 1024;

        final Hca hca;
        final PortAttributes port;
        final QueuePair qp;
        final LinkedBlockingQueue<byte[]> received = new LinkedBlockingQueue<>();
        final List<Long> sendsOk = new CopyOnWriteArrayList<>();
        final List<String> errors = new CopyOnWriteArrayList<>();

        RcEnd(Hca hca, int receives) throws Exception {
            this.hca = hca;
            this.port = awaitActive(hca);
            CompletionQueue sendCq = hca.createCompletionQueue(64);
            CompletionQueue recvCq = hca.createCompletionQueue(64);
            qp = hca.createQueuePair(QpInitAttributes.rc(1, sendCq, recvCq, 32));
            ByteBuffer[] buffers = new ByteBuffer[receives];
            WorkCompletion[] rwc = completions(16);
            recvCq.setListener(cq -> {
                int n;
                while ((n = cq.poll(rwc)) > 0) {
                    for (int i = 0; i < n; i++) {
                        WorkCompletion wc = rwc[i];
                        if (!wc.ok()) {
                            errors.add(wc.toString());
                            continue;
                        }
                        byte[] data = new byte[wc.byteLength];
                        buffers[(int) wc.wrId].get(0, data);
                        received.add(data);
                        try {
                            qp.postReceive(wc.wrId, buffers[(int) wc.wrId], 0, BUFFER);
                        } catch (VerbsException e) {
                            errors.add("repost " + wc.wrId + ": " + e);
                        }
                    }
                }
            });
            WorkCompletion[] swc = completions(16);
            sendCq.setListener(cq -> {
                int n;
                while ((n = cq.poll(swc)) > 0) {
                    for (int i = 0; i < n; i++) {
                        if (swc[i].ok()) {
                            sendsOk.add(swc[i].wrId);
                        } else {
                            errors.add(swc[i].toString());
                        }
                    }
                }
            });
            for (int i = 0; i < receives; i++) {
                buffers[i] = ByteBuffer.allocate(BUFFER);
                qp.postReceive(i, buffers[i], 0, BUFFER);
            }
        }

        List<byte[]> take(int n, Duration timeout) throws InterruptedException {
            List<byte[]> out = new ArrayList<>();
            long deadline = System.nanoTime() + timeout.toNanos();
            while (out.size() < n) {
                byte[] b = received.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (b == null) {
                    break;
                }
                out.add(b);
            }
            return out;
        }
    }

    private static WorkCompletion[] completions(int n) {
        WorkCompletion[] wcs = new WorkCompletion[n];
        for (int i = 0; i < n; i++) {
            wcs[i] = new WorkCompletion();
        }
        return wcs;
    }

    /**
     * Waits for the HcaProvider whose adapters are exactly {@code adapters} and the FabricControl
     * of the same registration.
     */
    private Fabric awaitFabric(List<String> adapters, String what) {
        return await(what + " (HcaProvider with adapters " + adapters + ")", WAIT, () -> {
            ServiceReference<HcaProvider>[] refs = providers.getServiceReferences();
            if (refs == null) {
                return null;
            }
            for (ServiceReference<HcaProvider> ref : refs) {
                HcaProvider verbs = providers.getService(ref);
                if (verbs == null || !adapters.equals(adapters(verbs))) {
                    continue;
                }
                Object id = ref.getProperty(Constants.SERVICE_ID);
                ServiceReference<FabricControl>[] crefs = controls.getServiceReferences();
                for (ServiceReference<FabricControl> cref : crefs == null ? new ServiceReference[0] : crefs) {
                    if (id.equals(cref.getProperty(Constants.SERVICE_ID))) {
                        FabricControl control = controls.getService(cref);
                        if (control != null) {
                            return new Fabric(ref, verbs, control);
                        }
                    }
                }
            }
            return null;
        }, this::describeRegistrations);
    }

    private ServiceReference<FabricControl> controlReference(Fabric fabric) throws InvalidSyntaxException {
        Collection<ServiceReference<FabricControl>> refs = context.getServiceReferences(FabricControl.class,
            "(" + Constants.SERVICE_ID + "=" + fabric.ref.getProperty(Constants.SERVICE_ID) + ")");
        assertEquals("FabricControl registered with the HcaProvider", 1, refs.size());
        return refs.iterator().next();
    }

    private static List<String> adapters(HcaProvider verbs) {
        try {
            return verbs.adapters();
        } catch (RuntimeException e) {
            return List.of(); // a fabric being torn down
        }
    }

    private Hca open(Fabric fabric, String adapter) throws VerbsException {
        Hca hca = fabric.verbs.open(adapter);
        opened.add(hca);
        return hca;
    }

    private static PortAttributes awaitActive(Hca hca) {
        return await("port 1 of " + hca.name() + " ACTIVE with a LID", WAIT, () -> {
            PortAttributes p = hca.queryPort(1);
            return p.isActive() && p.lid() != 0 ? p : null;
        }, () -> String.valueOf(hca.queryPort(1)));
    }

    private static void assertPort(FabricStatus status, String node, String state, int lid, String peer,
            String link) {
        FabricStatus.PortStatus p = status.node(node).ports().get(0);
        assertEquals(node + ":1 state", state, p.state());
        assertEquals(node + ":1 LID in status = LID the HCA reports", lid, p.lid());
        assertEquals(node + ":1 peer", peer, p.peer());
        assertEquals(node + ":1 link", link, p.link());
    }

    private static List<String> upLinks(FabricStatus status) {
        return status.links().stream().filter(FabricStatus.LinkStatus::up).map(FabricStatus.LinkStatus::name)
            .collect(Collectors.toList());
    }

    private static List<String> linkNames(FabricStatus status) {
        return status.links().stream().map(FabricStatus.LinkStatus::name).collect(Collectors.toList());
    }

    private void deleteFabricConfigurations() throws IOException, InvalidSyntaxException {
        org.osgi.service.cm.Configuration[] configs =
            configAdmin.listConfigurations("(" + Constants.SERVICE_PID + "=" + PID + ")");
        if (configs != null) {
            for (org.osgi.service.cm.Configuration c : configs) {
                c.delete();
            }
        }
    }

    private List<ServiceReference<HcaProvider>> hcaProviderRegistrations() {
        try {
            return new ArrayList<>(context.getServiceReferences(HcaProvider.class, null));
        } catch (InvalidSyntaxException e) {
            throw new AssertionError(e);
        }
    }

    private boolean carriesBadConfiguration(ServiceReference<?> ref) {
        return PID.equals(ref.getProperty(Constants.SERVICE_PID))
            && Arrays.asList((String[]) ref.getProperty("nodes")).equals(List.of("h1 ca 1", "s1 switch 4"));
    }

    /** Properties of every HcaProvider registration, without getting the services. */
    private String registrationProperties() {
        return hcaProviderRegistrations().stream()
            .map(r -> "{service.id=" + r.getProperty(Constants.SERVICE_ID) + " service.pid="
                + r.getProperty(Constants.SERVICE_PID) + " nodes=" + Arrays.toString((String[]) r.getProperty("nodes"))
                + "}")
            .collect(Collectors.joining(", ", "[", "]"));
    }

    private String describeRegistrations() {
        List<ServiceReference<HcaProvider>> refs = hcaProviderRegistrations();
        if (refs.isEmpty()) {
            return "no HcaProvider registered; " + describeComponent();
        }
        return refs.stream().map(r -> {
            String adapters;
            HcaProvider p = context.getService(r);
            try {
                adapters = p == null ? "getService returned null" : String.valueOf(adapters(p));
            } finally {
                if (p != null) {
                    context.ungetService(r);
                }
            }
            return "HcaProvider service.id=" + r.getProperty(Constants.SERVICE_ID) + " service.pid="
                + r.getProperty(Constants.SERVICE_PID) + " nodes=" + Arrays.toString((String[]) r.getProperty("nodes"))
                + " adapters=" + adapters;
        }).collect(Collectors.joining("; ")) + "; " + describeComponent();
    }

    private Collection<ComponentConfigurationDTO> componentConfigurations() {
        ServiceReference<ServiceComponentRuntime> ref = context.getServiceReference(ServiceComponentRuntime.class);
        if (ref == null) {
            return List.of();
        }
        ServiceComponentRuntime scr = context.getService(ref);
        try {
            List<ComponentConfigurationDTO> out = new ArrayList<>();
            for (ComponentDescriptionDTO d : scr.getComponentDescriptionDTOs()) {
                if (COMPONENT.equals(d.name)) {
                    out.addAll(scr.getComponentConfigurationDTOs(d));
                }
            }
            return out;
        } finally {
            context.ungetService(ref);
        }
    }

    private String describeComponent() {
        return "SCR: " + componentConfigurations().stream()
            .map(c -> "configuration " + c.id + " state " + c.state
                + (c.failure == null ? "" : " failure: " + rootCause(c.failure)))
            .collect(Collectors.joining(", ", "[", "]"));
    }

    /** The last "Caused by" line of a stack trace as text (SCR's failure), else its first line. */
    private static String rootCause(String trace) {
        List<String> causes = trace.lines().filter(l -> l.startsWith("Caused by:")).collect(Collectors.toList());
        return causes.isEmpty() ? trace.lines().findFirst().orElse("") : causes.get(causes.size() - 1);
    }

    /**
     * Polls {@code probe} every 20 ms until it returns non-null, for at most {@code timeout};
     * then fails with what was awaited and, from {@code lastSeen}, what was there instead.
     */
    private static <T> T await(String what, Duration timeout, Supplier<T> probe, Supplier<String> lastSeen) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            T value = probe.get();
            if (value != null) {
                return value;
            }
            if (System.nanoTime() >= deadline) {
                fail("timed out after " + timeout.toMillis() + " ms waiting for " + what + "; last seen: "
                    + lastSeen.get());
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what, e);
            }
        }
    }
}
