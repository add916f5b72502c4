package org.vnicteam.appliance.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;
import org.osgi.framework.wiring.FrameworkWiring;

/**
 * The vnicteam appliance: starts Apache Felix with the bundles and the default configuration
 * embedded in this jar, then either gives the Gogo console, runs a script of console commands, or
 * runs headless. See docs/appliance.md.
 *
 * <pre>
 * java -jar vnicteam.jar [--real] [--home DIR] [--script FILE | --daemon]
 * java -jar vnicteam.jar --export-etc DIR
 * </pre>
 *
 * Exit codes: 0 done (console closed, script succeeded, framework stopped); 1 a script line
 * failed; 2 bad command line or unreadable script; 3 the image could not start.
 */
public final class Main {

    static final int EXIT_OK = 0;
    static final int EXIT_SCRIPT_FAILED = 1;
    static final int EXIT_USAGE = 2;
    static final int EXIT_START_FAILED = 3;

    private static final String USAGE = String.join("\n",
            "usage: java -jar vnicteam.jar [--real] [--home DIR] [--script FILE | --daemon]",
            "       java -jar vnicteam.jar --export-etc DIR",
            "",
            "  (no option)      start the appliance and give the Gogo console (g!); Ctrl-D stops it",
            "                   (embedded mode: the simulated fabric, Ethernet segment and server hosts)",
            "  --real           real mode (root): the same bundles, the fabric still simulated, but the",
            "                   bridges' Ethernet ports are Linux interfaces ethA and ethB (pcap) and the",
            "                   server's VLANs 1 and 2 are TAP interfaces vlan1 (198.18.1.1/24) and vlan2",
            "                   (198.18.2.1/24) in the appliance's network namespace (etc/real/)",
            "  --script FILE    run the console commands in FILE (one per line, # comments), print",
            "                   each line and its result, stop; exit 0 when every line succeeded,",
            "                   1 at the first failing line (echoed on stderr)",
            "  --daemon         no console: run until stopped (SIGTERM, or `stop 0` elsewhere)",
            "  --home DIR       the appliance home (default: the working directory): DIR/etc holds",
            "                   your configuration, DIR/deploy is watched for bundles and .cfg/.config",
            "                   files, DIR/data holds state (framework cache, Web Console password)",
            "  --export-etc DIR write the image's default configuration files into DIR and exit: those",
            "                   of both modes in DIR, each mode's own in DIR/embedded and DIR/real",
            "",
            "Framework and system properties: -Dkey=value before -jar overrides etc/framework.properties.");

    /** -Dvnicteam.trace=true: the time each bundle takes to start, on stderr. */
    private static final boolean TRACE = Boolean.getBoolean("vnicteam.trace");

    private static final int WEB_GROUP = 5;


    private final PrintStream out = System.out;
    private final PrintStream err = System.err;

    private Main() {
    }

    public static void main(String[] args) {
        int code;
        try {
            code = new Main().run(args);
        } catch (UsageException e) {
            System.err.println("vnicteam: " + e.getMessage());
            System.err.println(USAGE);
            code = EXIT_USAGE;
        }
        System.out.flush();
        System.err.flush();
        // bundles may leave non-daemon threads behind; the framework is stopped at this point
        Runtime.getRuntime().halt(code);
    }

    private int run(String[] args) throws UsageException {
        trace("main");
        Options options = Options.parse(args);
        if (options.help) {
            out.println(USAGE);
            return EXIT_OK;
        }
        try (JarFile image = openImage()) {
            if (options.exportEtc != null) {
                return exportEtc(image, options.exportEtc);
            }
            Path script = null;
            if (options.script != null) {
                script = Path.of(options.script).toAbsolutePath();
                if (!Files.isReadable(script)) {
                    throw new UsageException("cannot read script " + script);
                }
            }
            return start(image, options, script);
        } catch (IOException e) {
            err.println("vnicteam: " + e.getMessage());
            return EXIT_START_FAILED;
        }
    }

    private int start(JarFile image, Options options, Path script) throws IOException {
        Home home = Home.open(Path.of(options.home == null ? "" : options.home).toAbsolutePath());
        try {
            Settings settings = Settings.load(image, home);
            settings.applySystemProperties();
            settings.configureJavaLogging(image);
            if (script != null || options.daemon) {
                // no interactive shell; gogo.jline still registers its commands (echo, grep, each ...)
                settings.framework().merge("gosh.args", "--nointeractive", (a, b) -> b + " " + a);
                // gogo.jline builds a terminal even then: a dumb one, without a warning about it
                System.setProperty("org.jline.terminal.dumb", "true");
                System.setProperty("org.jline.terminal.provider", "dumb");
            }
            home.composeDefaultConfiguration(image, options.mode());
            WebConsolePassword password = WebConsolePassword.resolve(home, settings.framework());
            settings.framework().put("felix.fileinstall.dir", home.fileInstallDirs());
            settings.framework().putIfAbsent("gosh.home", home.goshHome(image).toString());

            trace("settings and home ready");
            Framework framework = newFramework(settings.framework());
            framework.init();
            trace("framework initialised");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> stopQuietly(framework), "vnicteam-shutdown"));
            List<Bundle> bundles = install(framework.getBundleContext(), image, home);
            trace(bundles.size() + " bundles installed");
            framework.start();
            // one resolve pass for all bundles (cheaper than one per start); what cannot resolve is
            // reported when its start fails
            framework.adapt(FrameworkWiring.class).resolveBundles(null);
            trace("framework started, bundles resolved");

            BundleContext context = framework.getBundleContext();
            List<String> failures = Collections.synchronizedList(new ArrayList<>());
            Map<Integer, List<Bundle>> groups = new HashMap<>();
            for (Bundle b : bundles) {
                groups.computeIfAbsent(startGroup(b.getSymbolicName()), k -> new ArrayList<>()).add(b);
            }
            startAll(groups.remove(0), failures); // Config Admin and FileInstall first ...
            new ConfigWait(context, home).await(); // ... so every component starts with its configuration
            trace("configuration applied");
            startAll(groups.remove(1), failures);
            startAll(groups.remove(2), failures);
            // Jetty takes longest to start: HTTP and the Web Console start beside the rest, off the
            // console's path; the banner says where they will listen, a failure is reported when known
            List<Bundle> web = groups.remove(WEB_GROUP);
            Thread webStart = new Thread(() -> {
                startAll(web, failures);
                trace("HTTP and Web Console started");
                if (httpEndpoint(context) == null) {
                    err.println("vnicteam: HTTP is not listening on " + httpAddress(context)
                            + " (see the messages above; port and host: etc/framework.properties)");
                }
                if (script == null) {
                    // start-up leaves ~100 MB of garbage in a heap sized for the machine; one full
                    // collection once things settled gives it back (idle RSS ~165 -> ~110 MB)
                    try {
                        Thread.sleep(1_000);
                    } catch (InterruptedException e) {
                        return;
                    }
                    System.gc();
                    trace("start-up garbage collected");
                }
            }, "vnicteam-http-start");
            webStart.setDaemon(true);
            webStart.start();
            startAll(groups.remove(3), failures);
            printBanner(context, home, bundles, password, options.mode());
            startAll(groups.remove(4), failures); // the console: its prompt says "ready"
            trace("console started");
            if (script != null) {
                webStart.join(15_000);
                int code = new ScriptRunner(context, out, err).run(script);
                stopQuietly(framework);
                return code;
            }
            FrameworkEvent event = framework.waitForStop(0);
            return event.getType() == FrameworkEvent.ERROR ? EXIT_START_FAILED : EXIT_OK;
        } catch (BundleException | RuntimeException e) {
            err.println("vnicteam: cannot start: " + e);
            return EXIT_START_FAILED;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return EXIT_START_FAILED;
        } finally {
            home.close();
        }
    }

    /**
     * Start order: 0 = Config Admin and FileInstall (the configuration is in place before any
     * component starts); 1 = SPI Fly (before slf4j's first use); 2 = libraries, logging, SCR,
     * Gogo runtime; 3 = everything else (vnicteam bundles, HTTP, Web Console, Gogo commands);
     * 4 = the Gogo shell, last, so that its prompt means "ready"; {@value #WEB_GROUP} = HTTP and the
     * Web Console, started on a thread of their own beside groups 3 and 4.
     */
    static int startGroup(String bsn) {
        if (bsn == null) {
            return 3;
        }
        switch (bsn) {
            case "org.apache.felix.configadmin":
            case "org.apache.felix.fileinstall":
                return 0;
            case "org.apache.aries.spifly.dynamic.bundle":
                return 1;
            case "slf4j.api":
            case "slf4j.simple":
            case "org.apache.felix.scr":
            case "org.apache.felix.gogo.runtime":
            case "org.apache.felix.metatype":
                return 2;
            case "org.apache.felix.gogo.jline":
                return 4;
            case "org.apache.felix.http.jetty12":
            case "org.apache.felix.webconsole":
            case "org.apache.felix.webconsole.plugins.ds":
                return WEB_GROUP;
            default:
                return 3;
        }
    }

    private void startAll(List<Bundle> group, List<String> failures) {
        if (group == null) {
            return;
        }
        for (Bundle b : group) {
            if (b.getHeaders().get(Constants.FRAGMENT_HOST) != null) {
                continue;
            }
            try {
                long t = System.nanoTime();
                // no context class loader while a bundle starts (the launcher's would leak into the
                // framework): JLine then finds its terminal providers with its own class loader, where
                // with any other it silently falls back to a dumb terminal
                Thread.currentThread().setContextClassLoader(null);
                b.start();
                if (TRACE) {
                    err.printf("vnicteam: %6.1f ms  start %s (at %.3f s)%n", (System.nanoTime() - t) / 1e6,
                            b.getSymbolicName(), secondsSinceJvmStart());
                }
            } catch (BundleException | RuntimeException e) {
                String message = b.getSymbolicName() + " " + b.getVersion() + " did not start: " + rootMessage(e);
                failures.add(message);
                err.println("vnicteam: " + message);
            } finally {
                Thread.currentThread().setContextClassLoader(null);
            }
        }
    }

    private void trace(String what) {
        if (TRACE) {
            err.printf("vnicteam: at %.3f s: %s%n", secondsSinceJvmStart(), what);
        }
    }

    private static String rootMessage(Throwable e) {
        StringBuilder sb = new StringBuilder(String.valueOf(e.getMessage()));
        for (Throwable c = e.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
            sb.append(" <- ").append(c);
        }
        return sb.toString();
    }

    private void printBanner(BundleContext context, Home home, List<Bundle> bundles, WebConsolePassword password,
            ImageEtc.Mode mode) {
        String version = Main.class.getPackage().getImplementationVersion();
        out.printf("vnicteam %s: %d bundles started in %.2f s; home %s%n", version == null ? "dev" : version,
                bundles.size(), secondsSinceJvmStart(), home.root());
        out.println("Mode: " + mode.folder() + " (" + mode.description() + ")");
        String root = context.getProperty("felix.webconsole.manager.root");
        out.println("Web Console: http://" + httpAddress(context) + (root == null ? "/system/console" : root) + "  "
                + password.describe());
        out.flush();
    }

    /** host:port HTTP is configured to listen on. */
    private static String httpAddress(BundleContext context) {
        String host = context.getProperty("org.apache.felix.http.host");
        String port = context.getProperty("org.osgi.service.http.port");
        return (host == null ? "0.0.0.0" : host) + ":" + (port == null ? "8080" : port);
    }

    private static String httpEndpoint(BundleContext context) {
        ServiceReference<?> ref = context.getServiceReference("org.osgi.service.servlet.runtime.HttpServiceRuntime");
        if (ref == null) {
            ref = context.getServiceReference("org.osgi.service.http.runtime.HttpServiceRuntime");
        }
        if (ref == null) {
            return null;
        }
        Object endpoint = ref.getProperty("osgi.http.endpoint");
        if (endpoint instanceof String[] a && a.length > 0) {
            return a[0];
        }
        if (endpoint instanceof Iterable<?> it && it.iterator().hasNext()) {
            return String.valueOf(it.iterator().next());
        }
        return endpoint == null ? null : endpoint.toString();
    }

    static double secondsSinceJvmStart() {
        return ProcessHandle.current().info().startInstant()
                .map(t -> (Instant.now().toEpochMilli() - t.toEpochMilli()) / 1000.0).orElse(Double.NaN);
    }

    private static Framework newFramework(Map<String, String> properties) {
        FrameworkFactory factory = ServiceLoader.load(FrameworkFactory.class, Main.class.getClassLoader())
                .findFirst().orElseThrow(() -> new IllegalStateException("no OSGi framework in the image"));
        return factory.newFramework(properties);
    }

    /**
     * Installs every bundles/*.jar of the image, in name order, then the bridges' device bundles
     * (bridges/*.jar) from the files {@link Home#writeBridges} wrote: their location is that file, so
     * that {@code install} (or {@code bridge:plug}) can bring one back after an {@code uninstall}.
     */
    private static List<Bundle> install(BundleContext context, JarFile image, Home home)
            throws IOException, BundleException {
        List<JarEntry> entries = image.stream()
                .filter(e -> e.getName().startsWith("bundles/") && e.getName().endsWith(".jar"))
                .sorted(Comparator.comparing(JarEntry::getName)).toList();
        if (entries.isEmpty()) {
            throw new IOException("the image holds no bundles (bundles/*.jar): was it built by Maven?");
        }
        List<Bundle> bundles = new ArrayList<>();
        // A jar: URL into the image is a location the framework can read again, so that a plain
        // `update ID` at the console works (an update from another URL works either way).
        String imageUri = Path.of(image.getName()).toUri().toString();
        for (JarEntry e : entries) {
            try (InputStream in = image.getInputStream(e)) {
                bundles.add(context.installBundle("jar:" + imageUri + "!/" + e.getName(), in));
            }
        }
        for (Path device : home.writeBridges(image)) {
            try (InputStream in = Files.newInputStream(device)) {
                bundles.add(context.installBundle(device.toUri().toString(), in));
            }
        }
        return bundles;
    }

    private static void stopQuietly(Framework framework) {
        try {
            if ((framework.getState() & (Bundle.ACTIVE | Bundle.STARTING)) != 0) {
                framework.stop();
            }
            framework.waitForStop(10_000);
        } catch (BundleException | InterruptedException | IllegalStateException e) {
            // stopping anyway
        }
    }

    private int exportEtc(JarFile image, String dir) throws IOException {
        List<Path> written = ImageEtc.export(image, Path.of(dir),
                file -> err.println("vnicteam: " + file + " exists, left as it is"));
        written.forEach(out::println);
        out.println(written.size() + " file(s) written; edit them and copy those you change into <home>/etc/ (those of"
                + " " + dir + "/embedded or /real for that mode)");
        return EXIT_OK;
    }

    /** This jar: the image. */
    static JarFile openImage() throws IOException {
        try {
            Path self = Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (!Files.isRegularFile(self)) {
                throw new IOException("not started from the image jar (" + self + "): run java -jar vnicteam.jar");
            }
            return new JarFile(self.toFile());
        } catch (java.net.URISyntaxException e) {
            throw new IOException(e);
        }
    }

    /** The command line. */
    record Options(String home, String script, boolean daemon, String exportEtc, boolean help, boolean real) {
        static Options parse(String[] args) throws UsageException {
            String home = null;
            String script = null;
            String exportEtc = null;
            boolean daemon = false;
            boolean help = false;
            boolean real = false;
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                switch (a) {
                    case "--home" -> home = value(args, ++i, a);
                    case "--script", "-s" -> script = value(args, ++i, a);
                    case "--daemon" -> daemon = true;
                    case "--real" -> real = true;
                    case "--export-etc" -> exportEtc = value(args, ++i, a);
                    case "--help", "-h" -> help = true;
                    default -> throw new UsageException("unknown argument '" + a + "'");
                }
            }
            if (script != null && daemon) {
                throw new UsageException("--script and --daemon exclude each other");
            }
            return new Options(home, script, daemon, exportEtc, help, real);
        }

        ImageEtc.Mode mode() {
            return real ? ImageEtc.Mode.REAL : ImageEtc.Mode.EMBEDDED;
        }

        private static String value(String[] args, int i, String option) throws UsageException {
            if (i >= args.length || args[i].startsWith("--")) {
                throw new UsageException(option + " needs a value");
            }
            return args[i];
        }
    }

    static final class UsageException extends Exception {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }
}
