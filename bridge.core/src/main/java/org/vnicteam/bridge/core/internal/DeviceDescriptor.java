package org.vnicteam.bridge.core.internal;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.Hashtable;
import java.util.Properties;

import org.osgi.framework.Bundle;
import org.vnicteam.api.ethernet.EthernetPort;

/**
 * What a device bundle says about its bridge: the properties resource its
 * {@value #HEADER} header names. Every key is passed on to the bridge's factory configuration as
 * is, except {@value #ETHERNET_PORT}, which becomes the target filter {@code ethernetPort.target}.
 *
 * <pre>
 * Vnicteam-Bridge: OSGI-INF/vnicteam/bridge.properties
 *
 * bridge.name=bridgeA
 * bridge.adapter=bridgeA
 * ethernet.port=bridgeA-eth
 * ethernet.mtu=1500
 * bridge.mac=02:00:00:00:0a:01
 * </pre>
 *
 * @param bridgeName the bridge's name: also the name of its factory configuration
 * @param properties the configuration properties
 */
record DeviceDescriptor(String bridgeName, Hashtable<String, Object> properties) {

    /** Manifest header of a device bundle: the path of its properties resource. */
    static final String HEADER = "Vnicteam-Bridge";
    /** Key in the resource: the Ethernet port's name. */
    static final String ETHERNET_PORT = "ethernet.port";
    /** Configuration property: the id of the device bundle the configuration came from. */
    static final String SOURCE_BUNDLE_ID = "bridge.device.bundle.id";
    /** Configuration property: the symbolic name of that bundle (for people reading the config). */
    static final String SOURCE_BUNDLE = "bridge.device.bundle";
    static final String NAME = "bridge.name";
    static final String ADAPTER = "bridge.adapter";

    /** Whether a bundle is a bridge device bundle at all. */
    static boolean isDeviceBundle(Bundle bundle) {
        return bundle.getHeaders("").get(HEADER) != null;
    }

    /**
     * Reads the device bundle's descriptor.
     *
     * @throws IllegalArgumentException naming the bundle and what is wrong
     */
    static DeviceDescriptor read(Bundle bundle) {
        String path = bundle.getHeaders("").get(HEADER).trim();
        String who = "device bundle " + bundle.getSymbolicName() + " [" + bundle.getBundleId() + "]";
        URL resource = bundle.getEntry(path);
        if (resource == null) {
            throw new IllegalArgumentException(who + ": " + HEADER + " names '" + path + "', which it does not hold");
        }
        Properties file = new Properties();
        try (InputStream in = resource.openStream()) {
            file.load(in);
        } catch (IOException e) {
            throw new IllegalArgumentException(who + ": cannot read " + path + ": " + e.getMessage(), e);
        }
        return from(file, who, bundle.getBundleId(), bundle.getSymbolicName());
    }

    static DeviceDescriptor from(Properties file, String who, long bundleId, String symbolicName) {
        Hashtable<String, Object> p = new Hashtable<>();
        for (String key : file.stringPropertyNames()) {
            p.put(key, file.getProperty(key).trim());
        }
        for (String required : new String[] { NAME, ADAPTER, ETHERNET_PORT }) {
            Object v = p.get(required);
            if (v == null || v.toString().isEmpty()) {
                throw new IllegalArgumentException(who + ": its descriptor has no '" + required + "'");
            }
        }
        String port = (String) p.remove(ETHERNET_PORT);
        if (!port.matches("[A-Za-z0-9._:-]+")) {
            throw new IllegalArgumentException(who + ": Ethernet port name '" + port + "' has characters a filter cannot hold");
        }
        p.put("ethernetPort.target", "(" + EthernetPort.NAME + "=" + port + ")");
        p.put(SOURCE_BUNDLE_ID, bundleId);
        p.put(SOURCE_BUNDLE, symbolicName == null ? "" : symbolicName);
        return new DeviceDescriptor((String) p.get(NAME), p);
    }
}
