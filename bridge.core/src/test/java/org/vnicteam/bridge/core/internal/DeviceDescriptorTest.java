package org.vnicteam.bridge.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringReader;
import java.util.Properties;

import org.junit.jupiter.api.Test;

/** A device bundle's properties file becomes the bridge's factory configuration. */
class DeviceDescriptorTest {

    private static Properties file(String text) throws IOException {
        Properties p = new Properties();
        p.load(new StringReader(text));
        return p;
    }

    @Test
    void givenADescriptor_thenThePortNameBecomesATargetFilterAndEverythingElsePassesThrough() throws Exception {
        DeviceDescriptor d = DeviceDescriptor.from(file("""
                bridge.name=bridgeA
                bridge.adapter=bridgeA
                ethernet.port=bridgeA-eth
                ethernet.mtu=1500
                bridge.mac=02:00:00:00:0a:01
                """), "test", 42, "org.vnicteam.bridge.device.bridgeA");
        assertEquals("bridgeA", d.bridgeName());
        assertEquals("(ethernet.port.name=bridgeA-eth)", d.properties().get("ethernetPort.target"));
        assertFalse(d.properties().containsKey("ethernet.port"));
        assertEquals("1500", d.properties().get("ethernet.mtu"));
        assertEquals("02:00:00:00:0a:01", d.properties().get("bridge.mac"));
        assertEquals(42L, d.properties().get(DeviceDescriptor.SOURCE_BUNDLE_ID));
        assertEquals("org.vnicteam.bridge.device.bridgeA", d.properties().get(DeviceDescriptor.SOURCE_BUNDLE));
    }

    @Test
    void givenADescriptorWithoutWhatABridgeNeeds_thenItIsRefusedNamingWhat() throws Exception {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DeviceDescriptor.from(file("bridge.name=a\nethernet.port=p\n"), "device bundle x", 1, "x"));
        assertTrue(e.getMessage().contains("bridge.adapter"), e.getMessage());
        IllegalArgumentException filter = assertThrows(IllegalArgumentException.class, () -> DeviceDescriptor
                .from(file("bridge.name=a\nbridge.adapter=a\nethernet.port=p)(x=*\n"), "device bundle x", 1, "x"));
        assertTrue(filter.getMessage().contains("filter"), filter.getMessage());
    }
}
