package org.vnicteam.bridge.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.jar.Manifest;

import org.junit.jupiter.api.Test;

/**
 * What lets the port component live in a framework without pcap4j or lib.linux: optional imports
 * in the bundle's manifest (as bnd wrote it to target/classes), and a component that exists only
 * with a configuration; and where its name comes from.
 */
class PcapEthernetPortComponentTest {

    private static final Path CLASSES = Path.of(System.getProperty("basedir", "."), "target", "classes");

    @Test
    void givenTheManifest_thenPcap4jLibLinuxAndTheWrapperAreImportedOptionally() throws Exception {
        String imports;
        try (InputStream in = Files.newInputStream(CLASSES.resolve("META-INF/MANIFEST.MF"))) {
            imports = new Manifest(in).getMainAttributes().getValue("Import-Package");
        }
        // clauses are separated by commas outside quotes (version ranges hold commas)
        List<String> clauses = List.of(imports.split(",(?=(?:[^\"]*\"[^\"]*\")*[^\"]*$)"));
        for (String pkg : new String[] { "org.pcap4j.core", "org.vnicteam.lib.linux", "org.vnicteam.lib.pcap4j" }) {
            String clause = clauses.stream().filter(c -> c.startsWith(pkg + ";")).findFirst()
                    .orElseThrow(() -> new AssertionError(pkg + " not imported: " + imports));
            assertTrue(clause.contains("resolution:=optional"), clause);
        }
    }

    @Test
    void givenTheComponentDescription_thenItNeedsAFactoryConfigurationOfItsPid() throws Exception {
        String xml = Files.readString(CLASSES.resolve("OSGI-INF/" + PcapEthernetPortComponent.class.getName() + ".xml"),
                StandardCharsets.UTF_8);
        assertTrue(xml.contains("configuration-pid=\"" + PcapEthernetPortComponent.PID + "\""), xml);
        assertTrue(xml.contains("configuration-policy=\"require\""), xml);
        assertEquals("org.vnicteam.ethernet.pcap", PcapEthernetPortComponent.PID);
    }

    @Test
    void givenANamedFactoryConfiguration_thenItsNameIsThePortsName_andWithoutOneTheErrorSaysSetName() {
        assertEquals("bridgeA-eth", PcapEthernetPortComponent.configurationName(
                Map.of("service.pid", "org.vnicteam.ethernet.pcap~bridgeA-eth")));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PcapEthernetPortComponent.configurationName(Map.of("service.pid", "org.vnicteam.ethernet.pcap.1a2b")));
        assertTrue(e.getMessage().contains("set 'name'"), e.getMessage());
    }

    @Test
    void givenBadSettings_thenTheErrorNamesThePortAndTheField() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new PcapPortSettings("p", "eth0", "", 1500, 1, true, 1000));
        assertEquals("Ethernet port p: buffer.kib 1 is outside 64..1048576", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> PcapPortSettings.of("p", "a-name-much-too-long", ""));
        assertTrue(e.getMessage().contains("'a-name-much-too-long'"), e.getMessage());
        assertEquals(1518, PcapPortSettings.of("p", "eth0", null).maxFrame(true));
        assertEquals("", PcapPortSettings.of("p", "eth0", null).namespace());
    }
}
