package org.vnicteam.fabric.sim.it;

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
 * Pax Exam options for a Felix framework (native container: Felix from the test class path) with
 * SCR, Config Admin, the api bundle and the module's own bundle.
 *
 * <p>Bundles are provisioned by file path from system properties that Failsafe sets (root pom,
 * pluginManagement of maven-failsafe-plugin; the paths come from maven-dependency-plugin's
 * {@code properties} goal), so nothing depends on reactor modules being installed in ~/.m2:
 * <ul>
 * <li>{@code bundle.scr}, {@code bundle.scr.component}, {@code bundle.scr.promise},
 * {@code bundle.scr.function}: Felix SCR and the OSGi bundles it imports;</li>
 * <li>{@code bundle.configadmin}: Felix Config Admin;</li>
 * <li>{@code bundle.jna}, {@code bundle.pcap4j}: JNA and the pcap4j wrapper {@code org.vnicteam.lib.pcap4j},
 * which fabric.sim imports (its simulated Ethernet hosts build and parse frames with pcap4j);</li>
 * <li>{@code bundle.api}: {@code org.vnicteam.api};</li>
 * <li>{@code bundle.module}: the bundle jar of the module under test.</li>
 * </ul>
 * Further bundles (e.g. {@code bundle.fabric.sim} in a module that runs on the fabric) are named by
 * their property and added to the pom's {@code systemPropertyVariables}.
 *
 * <p>Every call gets its own working directory and framework storage under
 * {@code target/pax-exam/}, cleaned when the framework first initialises.
 */
public final class FrameworkOptions {

    /** Bundle path properties every framework test gets, in install order. */
    public static final String[] FRAMEWORK_BUNDLES = {
        "bundle.scr.function", "bundle.scr.promise", "bundle.scr.component", "bundle.scr",
        "bundle.configadmin", "bundle.jna", "bundle.pcap4j", "bundle.api", "bundle.module"
    };

    private FrameworkOptions() {
    }

    /**
     * Felix with SCR, Config Admin, the api bundle, the module bundle, and the bundles named by
     * {@code extraBundlePathProperties} (system properties holding bundle file paths), installed
     * and started in that order.
     *
     * @throws IllegalStateException if a property is missing or names no file
     */
    public static Option[] felixWithScr(String... extraBundlePathProperties) {
        List<Option> bundles = new ArrayList<>();
        for (String property : FRAMEWORK_BUNDLES) {
            bundles.add(bundleFromProperty(property));
        }
        for (String property : extraBundlePathProperties) {
            bundles.add(bundleFromProperty(property));
        }
        File run = new File(storageRoot(), "run-" + UUID.randomUUID());
        return options(
            workingDirectory(run.getAbsolutePath()),
            frameworkProperty("org.osgi.framework.storage").value(new File(run, "felix-cache").getAbsolutePath()),
            cleanCaches(true),
            junitBundles(),
            composite(bundles.toArray(new Option[0])));
    }

    /** The file path held by system property {@code property}, checked to be a file. */
    public static File bundleFile(String property) {
        String path = System.getProperty(property);
        if (path == null || path.isBlank() || path.contains("${")) {
            throw new IllegalStateException("System property '" + property + "' (a bundle file path) is "
                + (path == null ? "not set" : path.isBlank()
                    ? "empty (its ${groupId:artifactId:jar} did not resolve: is the bundle a dependency of the module?)"
                    : "unresolved: '" + path + "'")
                + ". Framework tests must run through Maven Failsafe (mvn verify), which sets it: the module"
                + " needs the bundle as a (test) dependency, maven-dependency-plugin (execution bundle-paths,"
                + " goal properties) and the property under maven-failsafe-plugin's systemPropertyVariables.");
        }
        File file = new File(path);
        if (!file.isFile()) {
            throw new IllegalStateException("System property '" + property + "' names '" + path
                + "', which is not a file" + (file.isDirectory()
                    ? " but a directory (run the package phase first: mvn verify, not mvn test)" : "")
                + ".");
        }
        return file;
    }

    private static Option bundleFromProperty(String property) {
        return bundle(bundleFile(property).toURI().toString());
    }

    private static File storageRoot() {
        String root = System.getProperty("vnicteam.it.storage");
        if (root == null || root.isBlank() || root.contains("${")) {
            root = new File(System.getProperty("basedir", "."), "target/pax-exam").getPath();
        }
        return new File(root).getAbsoluteFile();
    }
}
