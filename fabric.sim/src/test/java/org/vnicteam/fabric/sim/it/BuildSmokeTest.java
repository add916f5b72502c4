package org.vnicteam.fabric.sim.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.Manifest;

import org.junit.jupiter.api.Test;

/**
 * Jupiter unit test (Surefire): the manifest bnd wrote for this module (process-classes, before
 * the test phase) names the bundle {@code org.vnicteam.fabric.sim}.
 */
class BuildSmokeTest {

    private static Attributes manifest() throws IOException {
        Path mf = Path.of(System.getProperty("basedir", "."), "target", "classes", "META-INF", "MANIFEST.MF");
        assertTrue(Files.isRegularFile(mf), "bnd-maven-plugin did not write " + mf);
        try (InputStream in = Files.newInputStream(mf)) {
            return new Manifest(in).getMainAttributes();
        }
    }

    @Test
    void manifestNamesTheBundle() throws IOException {
        Attributes main = manifest();
        assertEquals("2", main.getValue("Bundle-ManifestVersion"));
        String bsn = main.getValue("Bundle-SymbolicName");
        assertEquals("org.vnicteam.fabric.sim", bsn == null ? null : bsn.split(";")[0].trim());
    }
}
