package org.vnicteam.fabric.sim.it;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import javax.inject.Inject;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.namespace.PackageNamespace;
import org.osgi.framework.wiring.BundleWire;
import org.osgi.framework.wiring.BundleWiring;

/**
 * Felix with SCR, Config Admin, {@code org.vnicteam.api} and {@code org.vnicteam.fabric.sim}: every
 * bundle starts, and fabric.sim is wired to the api bundle's verbs package.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class FrameworkSmokeIT {

    static final String API = "org.vnicteam.api";
    static final String FABRIC_SIM = "org.vnicteam.fabric.sim";

    @Inject
    BundleContext context;

    @Configuration
    public Option[] config() {
        return FrameworkOptions.felixWithScr();
    }

    @Test
    public void everyBundleIsActive() {
        for (String bsn : new String[] {"org.osgi.util.function", "org.osgi.util.promise",
            "org.osgi.service.component", "org.apache.felix.scr", "org.apache.felix.configadmin", API,
            FABRIC_SIM}) {
            Bundle b = bundle(bsn);
            assertEquals(bsn + " state", "ACTIVE", state(b));
        }
        List<String> notActive = new ArrayList<>();
        for (Bundle b : context.getBundles()) {
            boolean fragment = b.getHeaders().get(Constants.FRAGMENT_HOST) != null;
            String expected = fragment ? "RESOLVED" : "ACTIVE";
            if (!expected.equals(state(b))) {
                notActive.add(b.getSymbolicName() + " " + b.getVersion() + " is " + state(b));
            }
        }
        assertTrue("bundles not active: " + notActive, notActive.isEmpty());
    }

    @Test
    public void scrAndConfigAdminServicesAreRegistered() {
        assertNotNull("ServiceComponentRuntime service",
            context.getServiceReference("org.osgi.service.component.runtime.ServiceComponentRuntime"));
        assertNotNull("ConfigurationAdmin service",
            context.getServiceReference("org.osgi.service.cm.ConfigurationAdmin"));
    }

    @Test
    public void fabricSimImportsVerbsFromApiBundle() {
        BundleWiring wiring = bundle(FABRIC_SIM).adapt(BundleWiring.class);
        assertNotNull(FABRIC_SIM + " is not resolved", wiring);
        List<BundleWire> wires = wiring.getRequiredWires(PackageNamespace.PACKAGE_NAMESPACE);
        for (BundleWire wire : wires) {
            Object pkg = wire.getCapability().getAttributes().get(PackageNamespace.PACKAGE_NAMESPACE);
            if ("org.vnicteam.api.verbs".equals(pkg)) {
                assertEquals("provider of org.vnicteam.api.verbs", API,
                    wire.getProvider().getBundle().getSymbolicName());
                return;
            }
        }
        fail(FABRIC_SIM + " has no wire for package org.vnicteam.api.verbs; its package wires: "
            + wires.stream()
                .map(w -> w.getCapability().getAttributes().get(PackageNamespace.PACKAGE_NAMESPACE) + " <- "
                    + w.getProvider().getBundle().getSymbolicName())
                .collect(Collectors.joining(", ")));
    }

    private Bundle bundle(String bsn) {
        for (Bundle b : context.getBundles()) {
            if (bsn.equals(b.getSymbolicName())) {
                return b;
            }
        }
        fail("bundle " + bsn + " is not installed");
        return null;
    }

    private static String state(Bundle b) {
        switch (b.getState()) {
            case Bundle.UNINSTALLED: return "UNINSTALLED";
            case Bundle.INSTALLED: return "INSTALLED";
            case Bundle.RESOLVED: return "RESOLVED";
            case Bundle.STARTING: return "STARTING";
            case Bundle.STOPPING: return "STOPPING";
            case Bundle.ACTIVE: return "ACTIVE";
            default: return "state " + b.getState();
        }
    }
}
