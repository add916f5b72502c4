package org.vnicteam.appliance.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * The appliance home (the working directory unless {@code --home}):
 *
 * <pre>
 * etc/      the user's configuration (optional): framework.properties and system.properties
 *           override single keys of the image's; a PID.cfg / PID.config replaces the image's
 *           default of the same PID. Watched by FileInstall when it exists at start.
 * deploy/   watched by FileInstall: bundles (.jar) and configurations (.cfg, .config), hot.
 * data/     state: cache/ (framework storage, cleaned at every start), etc-image/ (the image's
 *           default configurations of the mode it runs in, which FileInstall applies, rewritten at
 *           every start), bridges/ (the image's bridge device bundles, rewritten at every start and
 *           installed from there),
 *           gosh/ (the image's console profile), webconsole.password (hash of the generated Web
 *           Console password), .lock
 * </pre>
 */
final class Home implements AutoCloseable {

    /** Configuration files FileInstall applies (its own rule: *.cfg and *.config). */
    static boolean isConfigFile(Path file) {
        String n = file.getFileName().toString();
        return (n.endsWith(".cfg") || n.endsWith(".config")) && !n.startsWith(".");
    }

    /** "PID" or "factoryPID-name" of a configuration file: its name without the extension. */
    static String configKey(String fileName) {
        return fileName.substring(0, fileName.lastIndexOf('.'));
    }

    private final Path root;
    private final FileChannel lockChannel;
    private final FileLock lock;

    private Home(Path root, FileChannel lockChannel, FileLock lock) {
        this.root = root;
        this.lockChannel = lockChannel;
        this.lock = lock;
    }

    static Home open(Path root) throws IOException {
        Files.createDirectories(root.resolve("deploy"));
        Files.createDirectories(root.resolve("data"));
        FileChannel channel = FileChannel.open(root.resolve("data/.lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (java.nio.channels.OverlappingFileLockException e) {
            lock = null; // held in this very JVM
        }
        if (lock == null) {
            channel.close();
            throw new IOException("another vnicteam runs with the home " + root
                    + " (data/.lock is held): stop it, or give this one another --home");
        }
        return new Home(root, channel, lock);
    }

    Path root() {
        return root;
    }

    Path etc() {
        return root.resolve("etc");
    }

    Path deploy() {
        return root.resolve("deploy");
    }

    Path data() {
        return root.resolve("data");
    }

    Path imageConfigurations() {
        return data().resolve("etc-image");
    }

    /**
     * Writes the image's default configurations of {@code mode} (etc/*.cfg, etc/*.config and those
     * of etc/MODE/ in the jar, see {@link ImageEtc#configurations}) to data/etc-image/, leaving out
     * those whose PID the user's etc/ or deploy/ configures.
     */
    void composeDefaultConfiguration(JarFile image, ImageEtc.Mode mode) throws IOException {
        Path dir = imageConfigurations();
        if (Files.isDirectory(dir)) {
            try (Stream<Path> old = Files.list(dir)) {
                for (Path p : old.toList()) {
                    Files.delete(p);
                }
            }
        }
        Files.createDirectories(dir);
        Set<String> userKeys = new HashSet<>();
        for (Path p : configFiles(etc())) {
            userKeys.add(configKey(p.getFileName().toString()));
        }
        for (Path p : configFiles(deploy())) {
            userKeys.add(configKey(p.getFileName().toString()));
        }
        for (Map.Entry<String, JarEntry> e : ImageEtc.configurations(image, mode).entrySet()) {
            if (userKeys.contains(e.getKey())) {
                continue;
            }
            String name = e.getValue().getName();
            try (InputStream in = image.getInputStream(e.getValue())) {
                Files.copy(in, dir.resolve(name.substring(name.lastIndexOf('/') + 1)));
            }
        }
    }

    /** The bridges' device bundles of the image, as files (bridge:plug and install take them from here). */
    Path bridges() {
        return data().resolve("bridges");
    }

    /**
     * Writes the image's bridge device bundles (bridges/*.jar in the jar) to data/bridges/, replacing
     * what an earlier start left there.
     *
     * @return the files, in name order
     */
    List<Path> writeBridges(JarFile image) throws IOException {
        Path dir = bridges();
        if (Files.isDirectory(dir)) {
            try (Stream<Path> old = Files.list(dir)) {
                for (Path p : old.filter(p -> p.getFileName().toString().endsWith(".jar")).toList()) {
                    Files.delete(p);
                }
            }
        }
        List<JarEntry> entries = image.stream()
                .filter(e -> e.getName().startsWith("bridges/") && e.getName().endsWith(".jar")
                        && e.getName().indexOf('/', "bridges/".length()) < 0)
                .sorted(Comparator.comparing(JarEntry::getName)).toList();
        List<Path> files = new ArrayList<>();
        if (entries.isEmpty()) {
            return files;
        }
        Files.createDirectories(dir);
        for (JarEntry e : entries) {
            Path file = dir.resolve(e.getName().substring("bridges/".length()));
            try (InputStream in = image.getInputStream(e)) {
                Files.copy(in, file);
            }
            files.add(file);
        }
        return files;
    }

    /**
     * Gogo's home: the shell runs GOSH_HOME/etc/gosh_profile at start. The home itself when the
     * user has an etc/gosh_profile, else data/gosh with the image's profile.
     */
    Path goshHome(JarFile image) throws IOException {
        if (Files.isRegularFile(etc().resolve("gosh_profile"))) {
            return root;
        }
        Path gosh = data().resolve("gosh");
        Files.createDirectories(gosh.resolve("etc"));
        JarEntry e = image.getJarEntry("etc/gosh_profile");
        if (e != null) {
            try (InputStream in = image.getInputStream(e)) {
                Files.copy(in, gosh.resolve("etc/gosh_profile"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
        return gosh;
    }

    /** FileInstall's felix.fileinstall.dir: image defaults, the user's etc/ (if any), deploy/. */
    String fileInstallDirs() {
        List<String> dirs = new ArrayList<>();
        dirs.add(imageConfigurations().toString());
        if (Files.isDirectory(etc())) {
            dirs.add(etc().toString());
        }
        dirs.add(deploy().toString());
        return String.join(",", dirs);
    }

    /** The configuration files FileInstall will apply at start, in every watched directory. */
    List<Path> configFilesAtStart() throws IOException {
        List<Path> all = new ArrayList<>();
        all.addAll(configFiles(imageConfigurations()));
        all.addAll(configFiles(etc()));
        all.addAll(configFiles(deploy()));
        return all;
    }

    /** The configurations (PIDs, factoryPID-name) those files make: two files may make one. */
    Set<String> configurationsAtStart() throws IOException {
        Set<String> keys = new HashSet<>();
        for (Path p : configFilesAtStart()) {
            keys.add(configKey(p.getFileName().toString()));
        }
        return keys;
    }

    static List<Path> configFiles(Path dir) throws IOException {
        List<Path> files = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return files;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                if (Files.isRegularFile(p) && isConfigFile(p)) {
                    files.add(p);
                }
            }
        }
        files.sort(Comparator.naturalOrder());
        return files;
    }

    @Override
    public void close() {
        try {
            lock.release();
            lockChannel.close();
        } catch (IOException e) {
            // released by the OS at exit anyway
        }
    }
}
