package org.vnicteam.host.driver.it;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;

/**
 * Builds the tiny bundle that is one bridge device (see bridge.core's extender and
 * docs/hot-plug.md): a manifest that requires the bridge extender and names a properties file.
 * Installing and starting it plugs the bridge in; stopping it unplugs the bridge.
 */
final class DeviceBundles {

    private static final AtomicInteger INSTALLS = new AtomicInteger();

    private DeviceBundles() {
    }

    static byte[] jar(String name, String adapter, String port, String mac, Map<String, String> more)
        throws IOException {
        Manifest mf = new Manifest();
        Attributes a = mf.getMainAttributes();
        a.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        a.putValue("Bundle-ManifestVersion", "2");
        a.putValue("Bundle-SymbolicName", "org.vnicteam.bridge.device." + name);
        a.putValue("Bundle-Version", "1.0.0");
        a.putValue("Vnicteam-Bridge", "OSGI-INF/vnicteam/bridge.properties");
        a.putValue("Require-Capability",
            "osgi.extender;filter:=\"(&(osgi.extender=org.vnicteam.bridge)(version>=1.0.0)(!(version>=2.0.0)))\"");
        String properties = "bridge.name=" + name + "\nbridge.adapter=" + adapter + "\nethernet.port=" + port
            + "\nethernet.mtu=1500\nbridge.mac=" + mac + "\n";
        for (Map.Entry<String, String> e : new TreeMap<>(more).entrySet()) {
            properties += e.getKey() + "=" + e.getValue() + "\n";
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JarOutputStream jar = new JarOutputStream(bytes, mf)) {
            jar.putNextEntry(new JarEntry("OSGI-INF/vnicteam/bridge.properties"));
            jar.write(properties.getBytes(StandardCharsets.ISO_8859_1));
            jar.closeEntry();
        }
        return bytes.toByteArray();
    }

    /** Installs and starts a device bundle: the bridge is plugged in. */
    static Bundle plugIn(BundleContext context, String name, String adapter, String port, String mac)
        throws IOException, BundleException {
        return plugIn(context, name, adapter, port, mac, Map.of());
    }

    /** As above, with more descriptor properties (e.g. {@code probe.interval.ms}). */
    static Bundle plugIn(BundleContext context, String name, String adapter, String port, String mac,
        Map<String, String> more) throws IOException, BundleException {
        Bundle b = context.installBundle("vnicteam-device:" + name + ":" + INSTALLS.incrementAndGet(),
            new ByteArrayInputStream(jar(name, adapter, port, mac, more)));
        b.start();
        return b;
    }
}
