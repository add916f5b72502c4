package org.vnicteam.host.driver.it;

import static org.ops4j.pax.exam.CoreOptions.bundle;
import static org.ops4j.pax.exam.CoreOptions.cleanCaches;
import static org.ops4j.pax.exam.CoreOptions.composite;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;
import static org.ops4j.pax.exam.CoreOptions.junitBundles;
import static org.ops4j.pax.exam.CoreOptions.options;
import static org.ops4j.pax.exam.CoreOptions.workingDirectory;

import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.ops4j.pax.exam.Option;

/**
 * Felix with SCR, Config Admin and the whole embedded default: api, the simulated fabric and
 * Ethernet segment (fabric.sim with the pcap4j wrapper and JNA), the bridges (bridge.core with its
 * extender, bridge.hostcmd) and the host (host.vnic, host.driver = the module under test). The
 * bridge device bundles are built and installed by the tests ({@link DeviceBundles}).
 *
 * <p>Bundles come by file path from system properties Failsafe sets (root pom pluginManagement
 * plus host.driver/pom.xml); each framework gets its own storage under {@code target/pax-exam/}.
 */
final class HostFrameworkOptions {

    static final String[] BUNDLES = {
        "bundle.scr.function", "bundle.scr.promise", "bundle.scr.component", "bundle.scr", "bundle.configadmin",
        "bundle.api", "bundle.jna", "bundle.pcap4j", "bundle.fabric.sim", "bundle.bridge.core",
        "bundle.bridge.hostcmd", "bundle.host.vnic", "bundle.module"
    };

    private HostFrameworkOptions() {
    }

    static Option[] felixWithTheEmbeddedDefault() {
        List<Option> bundles = new ArrayList<>();
        for (String property : BUNDLES) {
            bundles.add(bundle(bundleFile(property).toURI().toString()));
        }
        File run = new File(storageRoot(), "run-" + UUID.randomUUID());
        return options(
            workingDirectory(run.getAbsolutePath()),
            frameworkProperty("org.osgi.framework.storage").value(new File(run, "felix-cache").getAbsolutePath()),
            cleanCaches(true),
            junitBundles(),
            composite(bundles.toArray(new Option[0])));
    }

    static File bundleFile(String property) {
        String path = System.getProperty(property);
        if (path == null || path.isBlank() || path.contains("${")) {
            throw new IllegalStateException("System property '" + property + "' (a bundle file path) is "
                + (path == null ? "not set" : "unresolved: '" + path + "'")
                + ". Framework tests run through Maven Failsafe (mvn verify), which sets it from"
                + " host.driver/pom.xml (systemPropertyVariables) and the root pom.");
        }
        File file = new File(path);
        if (!file.isFile()) {
            throw new IllegalStateException("System property '" + property + "' names '" + path
                + "', which is not a file (run the package phase first: mvn verify, not mvn test).");
        }
        return file;
    }

    private static File storageRoot() {
        String root = System.getProperty("vnicteam.it.storage");
        if (root == null || root.isBlank() || root.contains("${")) {
            root = new File(System.getProperty("basedir", "."), "target/pax-exam").getPath();
        }
        return new File(root).getAbsoluteFile();
    }
}
