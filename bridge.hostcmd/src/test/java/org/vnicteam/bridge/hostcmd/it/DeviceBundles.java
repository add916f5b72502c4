package org.vnicteam.bridge.hostcmd.it;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;

/**
 * Builds the tiny bundle that is one bridge device (docs/hot-plug.md): a manifest that requires
 * the bridge extender and names a properties file, and that file. No code.
 */
final class DeviceBundles {

    private static final AtomicInteger INSTALLS = new AtomicInteger();

    private DeviceBundles() {
    }

    /** The jar of bridge {@code name} on fabric adapter {@code adapter} and Ethernet port {@code port}. */
    static byte[] jar(String name, String adapter, String port, String mac, String version) throws IOException {
        Manifest mf = new Manifest();
        Attributes a = mf.getMainAttributes();
        a.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        a.putValue("Bundle-ManifestVersion", "2");
        a.putValue("Bundle-SymbolicName", "org.vnicteam.bridge.device." + name);
        a.putValue("Bundle-Version", version);
        a.putValue("Bundle-Name", "vnicteam bridge device " + name);
        a.putValue("Vnicteam-Bridge", "OSGI-INF/vnicteam/bridge.properties");
        a.putValue("Require-Capability",
            "osgi.extender;filter:=\"(&(osgi.extender=org.vnicteam.bridge)(version>=1.0.0)(!(version>=2.0.0)))\"");
        String properties = "bridge.name=" + name + "\n"
            + "bridge.adapter=" + adapter + "\n"
            + "ethernet.port=" + port + "\n"
            + "ethernet.mtu=1500\n"
            + "bridge.mac=" + mac + "\n";
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
        Bundle b = context.installBundle("vnicteam-device:" + name + ":" + INSTALLS.incrementAndGet(),
            new ByteArrayInputStream(jar(name, adapter, port, mac, "1.0.0")));
        b.start();
        return b;
    }
}
