package org.vnicteam.appliance.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LauncherTest {

    @TempDir
    Path tmp;

    @Test
    void givenArguments_whenParsed_thenOptionsOrUsageError() throws Exception {
        Main.Options o = Main.Options.parse(new String[] { "--home", "h", "--script", "s.gogo" });
        assertEquals("h", o.home());
        assertEquals("s.gogo", o.script());
        assertFalse(o.daemon());
        assertThrows(Main.UsageException.class, () -> Main.Options.parse(new String[] { "--script" }));
        assertThrows(Main.UsageException.class, () -> Main.Options.parse(new String[] { "--bogus" }));
        assertThrows(Main.UsageException.class,
                () -> Main.Options.parse(new String[] { "--script", "s", "--daemon" }));
        assertEquals(ImageEtc.Mode.EMBEDDED, o.mode());
        assertEquals(ImageEtc.Mode.REAL, Main.Options.parse(new String[] { "--real", "--daemon" }).mode());
    }

    @Test
    void givenBundles_whenGrouped_thenConfigFirstShellLastWebApart() {
        assertEquals(0, Main.startGroup("org.apache.felix.configadmin"));
        assertEquals(0, Main.startGroup("org.apache.felix.fileinstall"));
        assertEquals(4, Main.startGroup("org.apache.felix.gogo.jline"));
        assertEquals(5, Main.startGroup("org.apache.felix.http.jetty12"));
        assertEquals(3, Main.startGroup("org.vnicteam.bridge.core"), "a new bundle needs no launcher change");
    }

    @Test
    void givenUserEtc_whenDefaultsComposed_thenSamePidReplacesTheImageDefault() throws Exception {
        Path jar = tmp.resolve("image.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            put(out, "etc/org.vnicteam.fabric.config", "name=\"image\"\n");
            put(out, "etc/org.vnicteam.other.cfg", "a=1\n");
            put(out, "etc/framework.properties", "x=1\n");
        }
        Path root = tmp.resolve("home");
        Files.createDirectories(root.resolve("etc"));
        Files.writeString(root.resolve("etc/org.vnicteam.fabric.cfg"), "name=mine\n");
        try (Home home = Home.open(root); JarFile image = new JarFile(jar.toFile())) {
            home.composeDefaultConfiguration(image, ImageEtc.Mode.EMBEDDED);
            List<Path> defaults = Home.configFiles(home.imageConfigurations());
            assertEquals(List.of(home.imageConfigurations().resolve("org.vnicteam.other.cfg")), defaults);
            assertEquals(2, home.configFilesAtStart().size());
            assertTrue(home.fileInstallDirs().endsWith(root.resolve("etc") + "," + root.resolve("deploy")));
            assertThrows(IOException.class, () -> Home.open(root), "a second instance on the same home");
        }
    }

    @Test
    void givenAnImageWithModeFolders_whenComposedForEachMode_thenTheCommonFilesAndThatModesOnly() throws Exception {
        Path jar = jar(tmp.resolve("image-modes.jar"),
                "etc/org.vnicteam.team.config", "common",
                "etc/org.vnicteam.ethernet.config", "common segment",
                "etc/framework.properties", "x=1",
                "etc/embedded/org.vnicteam.ethernet.config", "simulated segment",
                "etc/embedded/org.vnicteam.upper.simhost-server-vlan1.config", "simhost",
                "etc/real/org.vnicteam.ethernet.config", "no segment",
                "etc/real/org.vnicteam.ethernet.pcap-bridgeA-eth.config", "pcap",
                "etc/real/org.vnicteam.upper.tap-server-vlan1.config", "tap",
                "etc/real/notes/org.vnicteam.deeper.config", "not a mode's file");
        Path root = tmp.resolve("home-modes");
        Files.createDirectories(root.resolve("etc"));
        Files.writeString(root.resolve("etc/org.vnicteam.upper.tap-server-vlan1.config"), "mine");
        try (Home home = Home.open(root); JarFile image = new JarFile(jar.toFile())) {
            home.composeDefaultConfiguration(image, ImageEtc.Mode.EMBEDDED);
            Path dir = home.imageConfigurations();
            assertEquals(List.of(dir.resolve("org.vnicteam.ethernet.config"), dir.resolve("org.vnicteam.team.config"),
                    dir.resolve("org.vnicteam.upper.simhost-server-vlan1.config")), Home.configFiles(dir));
            assertEquals("simulated segment", Files.readString(dir.resolve("org.vnicteam.ethernet.config")),
                    "a mode's file wins over a common one of the same PID");

            home.composeDefaultConfiguration(image, ImageEtc.Mode.REAL);
            assertEquals(List.of(dir.resolve("org.vnicteam.ethernet.config"),
                    dir.resolve("org.vnicteam.ethernet.pcap-bridgeA-eth.config"),
                    dir.resolve("org.vnicteam.team.config")), Home.configFiles(dir),
                    "the embedded mode's files are gone, the user's etc/ replaces the image's TAP file");
            assertEquals("no segment", Files.readString(dir.resolve("org.vnicteam.ethernet.config")));
        }

        Path export = tmp.resolve("export");
        Files.createDirectories(export.resolve("real"));
        Files.writeString(export.resolve("real/org.vnicteam.upper.tap-server-vlan1.config"), "edited");
        List<Path> exists = new java.util.ArrayList<>();
        try (JarFile image = new JarFile(jar.toFile())) {
            List<Path> written = ImageEtc.export(image, export, exists::add);
            assertEquals(8, written.size(), written.toString());
            assertTrue(written.contains(export.resolve("framework.properties")));
            assertTrue(written.contains(export.resolve("embedded/org.vnicteam.upper.simhost-server-vlan1.config")));
            assertTrue(written.contains(export.resolve("real/org.vnicteam.ethernet.pcap-bridgeA-eth.config")));
            assertEquals("simulated segment", Files.readString(export.resolve("embedded/org.vnicteam.ethernet.config")));
        }
        assertEquals(List.of(export.resolve("real/org.vnicteam.upper.tap-server-vlan1.config")), exists);
        assertEquals("edited", Files.readString(exists.get(0)), "left as it was");
    }

    @Test
    void givenBridgesInTheImage_whenWritten_thenTheyReplaceWhatAnEarlierStartLeftInDataBridges() throws Exception {
        Path jar = tmp.resolve("image-bridges.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            put(out, "bundles/api.jar", "x");
            put(out, "bridges/org.vnicteam.bridge.device.bridgeB.jar", "B");
            put(out, "bridges/org.vnicteam.bridge.device.bridgeA.jar", "A");
            put(out, "bridges/notes.txt", "n");
        }
        Path root = tmp.resolve("home-bridges");
        Files.createDirectories(root.resolve("data/bridges"));
        Files.writeString(root.resolve("data/bridges/org.vnicteam.bridge.device.old.jar"), "old");
        try (Home home = Home.open(root); JarFile image = new JarFile(jar.toFile())) {
            List<Path> written = home.writeBridges(image);
            Path dir = root.resolve("data/bridges");
            assertEquals(List.of(dir.resolve("org.vnicteam.bridge.device.bridgeA.jar"),
                    dir.resolve("org.vnicteam.bridge.device.bridgeB.jar")), written);
            assertEquals("A", Files.readString(written.get(0)));
            assertFalse(Files.exists(dir.resolve("org.vnicteam.bridge.device.old.jar")));
            assertEquals(written, home.writeBridges(image), "written again at the next start");
            assertEquals("B", Files.readString(written.get(1)));
        }
    }

    @Test
    void givenNoPasswordConfigured_whenResolved_thenGeneratedOnceAndKeptAsHash() throws Exception {
        Path root = tmp.resolve("pw");
        try (Home home = Home.open(root)) {
            Map<String, String> fw = new HashMap<>();
            WebConsolePassword first = WebConsolePassword.resolve(home, fw);
            String hash = fw.get(WebConsolePassword.PROPERTY);
            assertTrue(hash.matches("\\{sha-256\\}[0-9a-f]{16}-1000-[A-Za-z0-9+/=]{44}"), hash);
            assertTrue(first.describe().contains("password "));
            Map<String, String> again = new HashMap<>();
            WebConsolePassword second = WebConsolePassword.resolve(home, again);
            assertEquals(hash, again.get(WebConsolePassword.PROPERTY));
            assertTrue(second.describe().contains("generated at the first start"));
            assertNotEquals(WebConsolePassword.hash("x"), WebConsolePassword.hash("x"), "salted");

            Map<String, String> configured = new HashMap<>(Map.of(WebConsolePassword.PROPERTY, "secret"));
            assertTrue(WebConsolePassword.resolve(home, configured).describe().contains("from felix.webconsole.password"));
            assertEquals("secret", configured.get(WebConsolePassword.PROPERTY));
        }
    }

    /** A jar of text entries: name, text, name, text, ... */
    private static Path jar(Path file, String... nameThenText) throws IOException {
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(file))) {
            for (int i = 0; i < nameThenText.length; i += 2) {
                put(out, nameThenText[i], nameThenText[i + 1]);
            }
        }
        return file;
    }

    private static void put(JarOutputStream out, String name, String text) throws IOException {
        out.putNextEntry(new JarEntry(name));
        OutputStream o = out;
        o.write(text.getBytes());
        out.closeEntry();
    }
}
