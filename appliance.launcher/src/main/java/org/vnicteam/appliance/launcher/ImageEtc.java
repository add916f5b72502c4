package org.vnicteam.appliance.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * The image's default configuration, {@code etc/} in the jar: files both modes use at its top,
 * files of one mode only in {@code etc/embedded/} and {@code etc/real/}.
 */
final class ImageEtc {

    static final String ETC = "etc/";

    /** What the image runs besides the simulated fabric. */
    enum Mode {
        /** The simulated Ethernet segment and simulated server IP hosts: runs anywhere, no root. */
        EMBEDDED("the simulated fabric, Ethernet segment and server hosts"),
        /**
         * The bridges' Ethernet ports are Linux interfaces (pcap) and the server's VLANs Linux TAP
         * interfaces; the fabric stays simulated (there is no InfiniBand hardware). Needs root.
         */
        REAL("the simulated fabric; bridge Ethernet ports on Linux interfaces (pcap), the server's VLANs on TAP "
                + "interfaces");

        private final String description;

        Mode(String description) {
            this.description = description;
        }

        /** The folder of etc/ with this mode's own files. */
        String folder() {
            return name().toLowerCase(Locale.ROOT);
        }

        String description() {
            return description;
        }
    }

    private ImageEtc() {
    }

    /**
     * The configuration files (*.cfg, *.config) a mode applies, by configuration key ("PID" or
     * "factoryPID-name"): etc/ and etc/MODE/; for a key in both, the mode's file.
     */
    static Map<String, JarEntry> configurations(JarFile image, Mode mode) {
        Map<String, JarEntry> files = new LinkedHashMap<>();
        for (String dir : List.of(ETC, ETC + mode.folder() + "/")) {
            entries(image).stream().filter(e -> isIn(e, dir) && Home.isConfigFile(Path.of(e.getName())))
                    .forEach(e -> files.put(Home.configKey(fileName(e)), e));
        }
        return files;
    }

    /**
     * Writes every file of etc/ in the image into {@code dir}, the modes' folders as subfolders; a
     * file that exists already is left as it is and handed to {@code exists}.
     *
     * @return the files written
     */
    static List<Path> export(JarFile image, Path dir, Consumer<Path> exists) throws IOException {
        List<Path> written = new ArrayList<>();
        for (JarEntry e : entries(image)) {
            Path file = dir.resolve(e.getName().substring(ETC.length()));
            if (Files.exists(file)) {
                exists.accept(file);
                continue;
            }
            Files.createDirectories(file.getParent());
            try (InputStream in = image.getInputStream(e)) {
                Files.copy(in, file);
            }
            written.add(file);
        }
        return written;
    }

    /** The files below etc/, in name order. */
    private static List<JarEntry> entries(JarFile image) {
        return image.stream().filter(e -> e.getName().startsWith(ETC) && !e.isDirectory())
                .sorted(Comparator.comparing(JarEntry::getName)).toList();
    }

    /** Whether the entry is a file directly in {@code dir} (not below it). */
    private static boolean isIn(JarEntry e, String dir) {
        String n = e.getName();
        return n.startsWith(dir) && n.indexOf('/', dir.length()) < 0;
    }

    private static String fileName(JarEntry e) {
        return e.getName().substring(e.getName().lastIndexOf('/') + 1);
    }
}
