package org.vnicteam.appliance.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * Framework and system properties: the image's etc/framework.properties and
 * etc/system.properties, single keys overridden by the same files in the home's etc/, and
 * framework properties overridden by {@code -Dkey=value} on the java command line.
 * {@code ${vnicteam.home}} in a value is the home directory.
 */
final class Settings {

    private final Home home;
    private final Map<String, String> framework;
    private final Map<String, String> system;

    private Settings(Home home, Map<String, String> framework, Map<String, String> system) {
        this.home = home;
        this.framework = framework;
        this.system = system;
    }

    static Settings load(JarFile image, Home home) throws IOException {
        Map<String, String> fw = new LinkedHashMap<>();
        read(image, "etc/framework.properties", fw);
        read(home.etc().resolve("framework.properties"), fw);
        for (String key : System.getProperties().stringPropertyNames()) {
            if (fw.containsKey(key) || key.startsWith("felix.") || key.startsWith("org.osgi.")
                    || key.startsWith("org.apache.felix.") || key.startsWith("gosh.") || key.startsWith("ds.")) {
                fw.put(key, System.getProperty(key));
            }
        }
        Map<String, String> sys = new LinkedHashMap<>();
        read(image, "etc/system.properties", sys);
        read(home.etc().resolve("system.properties"), sys);
        String root = home.root().toString();
        fw.replaceAll((k, v) -> v.replace("${vnicteam.home}", root));
        sys.replaceAll((k, v) -> v.replace("${vnicteam.home}", root));
        fw.put("org.osgi.framework.storage", home.data().resolve("cache").toString());
        fw.put("org.osgi.framework.storage.clean", "onFirstInit");
        fw.put("vnicteam.home", root);
        return new Settings(home, fw, sys);
    }

    Map<String, String> framework() {
        return framework;
    }

    /** Sets the system properties that are not set already (-D wins). */
    void applySystemProperties() {
        system.forEach((k, v) -> {
            if (System.getProperty(k) == null) {
                System.setProperty(k, v);
            }
        });
    }

    /**
     * java.util.logging from the home's etc/logging.properties, else the image's; left alone when
     * -Djava.util.logging.config.file is given.
     */
    void configureJavaLogging(JarFile image) throws IOException {
        if (System.getProperty("java.util.logging.config.file") != null) {
            return;
        }
        Path user = home.etc().resolve("logging.properties");
        if (Files.isRegularFile(user)) {
            try (InputStream in = Files.newInputStream(user)) {
                java.util.logging.LogManager.getLogManager().readConfiguration(in);
            }
            return;
        }
        JarEntry e = image.getJarEntry("etc/logging.properties");
        if (e != null) {
            try (InputStream in = image.getInputStream(e)) {
                java.util.logging.LogManager.getLogManager().readConfiguration(in);
            }
        }
    }

    private static void read(JarFile image, String name, Map<String, String> into) throws IOException {
        JarEntry e = image.getJarEntry(name);
        if (e != null) {
            try (InputStream in = image.getInputStream(e)) {
                Properties p = new Properties();
                p.load(new java.io.InputStreamReader(in, StandardCharsets.UTF_8));
                p.stringPropertyNames().forEach(k -> into.put(k, p.getProperty(k)));
            }
        }
    }

    private static void read(Path file, Map<String, String> into) throws IOException {
        if (Files.isRegularFile(file)) {
            try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                Properties p = new Properties();
                p.load(r);
                p.stringPropertyNames().forEach(k -> into.put(k, p.getProperty(k)));
            }
        }
    }
}
