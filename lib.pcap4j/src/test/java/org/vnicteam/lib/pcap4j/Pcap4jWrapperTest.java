package org.vnicteam.lib.pcap4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.net.InetAddress;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.Manifest;

import org.junit.jupiter.api.Test;
import org.pcap4j.packet.ArpPacket;
import org.pcap4j.packet.EthernetPacket;
import org.pcap4j.packet.namednumber.ArpHardwareType;
import org.pcap4j.packet.namednumber.ArpOperation;
import org.pcap4j.packet.namednumber.EtherType;
import org.pcap4j.util.MacAddress;
import org.slf4j.LoggerFactory;

/**
 * The wrapper bundle's content (target/classes, as bnd wrote it) and its TCCL fix, outside a
 * framework: a class loader that sees only the bundle content reproduces the trap.
 */
class Pcap4jWrapperTest {

    private static final Path CLASSES = Path.of(System.getProperty("basedir", "."), "target", "classes");

    @Test
    void givenInit_whenAnArpFrameIsParsed_thenItIsAnArpPacket() throws Exception {
        Pcap4j.init();
        assertTrue(Pcap4j.initialised());
        byte[] raw = arpRequest().getRawData();
        EthernetPacket parsed = EthernetPacket.newPacket(raw, 0, raw.length);
        assertInstanceOf(ArpPacket.class, parsed.getPayload());
    }

    @Test
    void givenTheBundleManifest_thenPcap4jIsExportedAndJnaImportedFrom519() throws IOException {
        Attributes main;
        try (InputStream in = Files.newInputStream(CLASSES.resolve("META-INF/MANIFEST.MF"))) {
            main = new Manifest(in).getMainAttributes();
        }
        assertEquals("org.vnicteam.lib.pcap4j", main.getValue("Bundle-SymbolicName").split(";")[0].trim());
        String exports = main.getValue("Export-Package");
        assertTrue(exports.contains("org.pcap4j.packet;"), exports);
        assertTrue(exports.contains("org.pcap4j.packet.factory.statik.services;"), exports);
        assertTrue(exports.contains("version=\"1.8.2\""), exports);
        assertTrue(exports.contains("org.vnicteam.lib.pcap4j;"), exports);
        String imports = main.getValue("Import-Package");
        assertTrue(imports.contains("com.sun.jna;version=\"[5.19,6)\""), imports);
        assertTrue(Files.isRegularFile(CLASSES.resolve(
                "META-INF/services/org.pcap4j.packet.factory.PacketFactoryBinderProvider")));
        assertTrue(Files.isRegularFile(CLASSES.resolve(
                "org/pcap4j/packet/factory/statik/services/StaticPacketFactoryBinderProvider.class")),
                "bnd did not copy the static factory into the bundle");
    }

    /**
     * The trap itself: in a loader holding only the bundle's content (plus slf4j and JNA), the factories
     * initialised under a context class loader that cannot see the services file fall back to the
     * simple binder; initialised through {@link Pcap4j#init()} they use the static one.
     */
    @Test
    void givenAForeignContextClassLoader_whenFactoriesInitialiseWithoutInit_thenTheTrapShows_andInitAvoidsIt()
            throws Exception {
        ClassLoader blind = new URLClassLoader(new URL[0], ClassLoader.getPlatformClassLoader());
        Thread t = Thread.currentThread();
        ClassLoader previous = t.getContextClassLoader();
        t.setContextClassLoader(blind);
        try (URLClassLoader trapped = bundleLoader(); URLClassLoader fixed = bundleLoader()) {
            // without init: the first use initialises PacketFactories under the blind context loader
            String without = (String) helper(trapped, "etherTypeFactoryClass").invoke(null);
            assertFalse(without.startsWith("org.pcap4j.packet.factory.statik."), without);
            // with init: the context loader is the bundle's for the duration of the initialisation
            helper(fixed, "init").invoke(null);
            String with = (String) helper(fixed, "etherTypeFactoryClass").invoke(null);
            assertTrue(with.startsWith("org.pcap4j.packet.factory.statik."), with);
        } finally {
            t.setContextClassLoader(previous);
        }
    }

    private static URLClassLoader bundleLoader() throws Exception {
        // pcap4j's static factories need JNA (DataLinkType reads com.sun.jna.Platform) and slf4j
        URL slf4j = LoggerFactory.class.getProtectionDomain().getCodeSource().getLocation();
        URL jna = com.sun.jna.Platform.class.getProtectionDomain().getCodeSource().getLocation();
        return new URLClassLoader(new URL[] { CLASSES.toUri().toURL(), slf4j, jna },
                ClassLoader.getPlatformClassLoader());
    }

    private static Method helper(ClassLoader loader, String name) throws Exception {
        return Class.forName(Pcap4j.class.getName(), true, loader).getMethod(name);
    }

    private static EthernetPacket arpRequest() throws Exception {
        MacAddress src = MacAddress.getByName("02:00:00:00:00:01");
        ArpPacket.Builder arp = new ArpPacket.Builder()
                .hardwareType(ArpHardwareType.ETHERNET)
                .protocolType(EtherType.IPV4)
                .hardwareAddrLength((byte) MacAddress.SIZE_IN_BYTES)
                .protocolAddrLength((byte) 4)
                .operation(ArpOperation.REQUEST)
                .srcHardwareAddr(src)
                .srcProtocolAddr(InetAddress.getByName("198.18.1.1"))
                .dstHardwareAddr(MacAddress.getByName("00:00:00:00:00:00"))
                .dstProtocolAddr(InetAddress.getByName("198.18.1.11"));
        return new EthernetPacket.Builder()
                .dstAddr(MacAddress.ETHER_BROADCAST_ADDRESS)
                .srcAddr(src)
                .type(EtherType.ARP)
                .payloadBuilder(arp)
                .paddingAtBuild(true)
                .build();
    }
}
