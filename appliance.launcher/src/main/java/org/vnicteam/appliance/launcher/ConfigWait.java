package org.vnicteam.appliance.launcher;

import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.List;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;

/**
 * Waits until FileInstall has handed every configuration file present at start to Config Admin,
 * so that the components start with their configuration instead of starting with defaults and
 * restarting a moment later. Config Admin's API lives in a bundle, not on the launcher's class
 * path: it is called by reflection through the interface the bundle exports.
 */
final class ConfigWait {

    private static final String CM = "org.osgi.service.cm.ConfigurationAdmin";
    private static final long TIMEOUT_MS = 3_000;

    private final BundleContext context;
    private final Home home;

    ConfigWait(BundleContext context, Home home) {
        this.context = context;
        this.home = home;
    }

    void await() throws IOException, InterruptedException {
        List<Path> files = home.configFilesAtStart();
        int expected = home.configurationsAtStart().size();
        if (expected == 0) {
            return;
        }
        long deadline = System.nanoTime() + TIMEOUT_MS * 1_000_000;
        int applied = 0;
        while (System.nanoTime() < deadline) {
            applied = applied();
            if (applied >= expected) {
                return;
            }
            Thread.sleep(5);
        }
        System.err.printf("vnicteam: %d of %d configurations applied after %d ms (files %s): starting anyway;"
                + " see FileInstall's messages%n", applied, expected, TIMEOUT_MS, files);
    }

    private int applied() {
        ServiceReference<?> ref = context.getServiceReference(CM);
        if (ref == null) {
            return 0;
        }
        Object cm = context.getService(ref);
        try {
            Class<?> api = ref.getBundle().loadClass(CM);
            Method list = api.getMethod("listConfigurations", String.class);
            Object[] configs = (Object[]) list.invoke(cm, "(felix.fileinstall.filename=*)");
            return configs == null ? 0 : configs.length;
        } catch (ReflectiveOperationException e) {
            return 0;
        } finally {
            context.ungetService(ref);
        }
    }
}
