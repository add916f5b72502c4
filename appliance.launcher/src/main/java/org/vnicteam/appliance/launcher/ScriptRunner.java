package org.vnicteam.appliance.launcher;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;

/**
 * Runs a file of Gogo commands in one session: prints each command (as {@code g! LINE}) and its
 * result as the console would, and stops at the first command that fails. Blank lines and lines
 * starting with {@code #} are skipped; a command spanning several lines (an open brace, bracket or
 * quote) is read on until Gogo's parser has it whole.
 *
 * <p>Gogo's API lives in the gogo.runtime bundle, not on the launcher's class path: it is used by
 * reflection through the interfaces that bundle exports.
 */
final class ScriptRunner {

    private static final String PROCESSOR = "org.apache.felix.service.command.CommandProcessor";
    private static final String SESSION = "org.apache.felix.service.command.CommandSession";
    private static final String PARSER = "org.apache.felix.gogo.runtime.Parser";
    private static final int INSPECT = 0;

    private final BundleContext context;
    private final PrintStream out;
    private final PrintStream err;

    ScriptRunner(BundleContext context, PrintStream out, PrintStream err) {
        this.context = context;
        this.out = out;
        this.err = err;
    }

    int run(Path script) throws IOException {
        List<String> lines = Files.readAllLines(script, StandardCharsets.UTF_8);
        ServiceReference<?> ref = context.getServiceReference(PROCESSOR);
        if (ref == null) {
            err.println("vnicteam: no Gogo command processor in the framework: cannot run " + script);
            return Main.EXIT_START_FAILED;
        }
        Object processor = context.getService(ref);
        Object session;
        Method execute;
        Method format;
        Method close;
        java.lang.reflect.Constructor<?> parser;
        try {
            ClassLoader gogo = processor.getClass().getClassLoader();
            Class<?> processorApi = Class.forName(PROCESSOR, false, gogo);
            Class<?> sessionApi = Class.forName(SESSION, false, gogo);
            session = processorApi
                    .getMethod("createSession", java.io.InputStream.class, java.io.OutputStream.class,
                            java.io.OutputStream.class)
                    .invoke(processor, System.in, out, err);
            execute = sessionApi.getMethod("execute", CharSequence.class);
            format = sessionApi.getMethod("format", Object.class, int.class);
            close = sessionApi.getMethod("close");
            parser = Class.forName(PARSER, false, gogo).getConstructor(CharSequence.class);
        } catch (ReflectiveOperationException e) {
            err.println("vnicteam: cannot open a Gogo session: " + e);
            return Main.EXIT_START_FAILED;
        }
        try {
            int i = 0;
            while (i < lines.size()) {
                String line = lines.get(i);
                int first = ++i; // 1-based number of the command's first line
                String trimmed = line.strip();
                if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                    continue;
                }
                StringBuilder command = new StringBuilder(line);
                while (incomplete(parser, command) && i < lines.size()) {
                    command.append('\n').append(lines.get(i++));
                }
                out.println("g! " + command.toString().replace("\n", "\n.. "));
                out.flush();
                try {
                    Object result = execute.invoke(session, command);
                    if (result != null) {
                        out.println(format.invoke(session, result, INSPECT));
                    }
                    out.flush();
                } catch (InvocationTargetException e) {
                    out.flush();
                    String where = script.getFileName() + ":" + first + (i > first ? "-" + i : "");
                    err.println("vnicteam: script failed at " + where + ": " + command);
                    err.println("  " + describe(e.getCause()));
                    err.flush();
                    return Main.EXIT_SCRIPT_FAILED;
                }
            }
            return Main.EXIT_OK;
        } catch (ReflectiveOperationException e) {
            err.println("vnicteam: Gogo session failed: " + e);
            return Main.EXIT_START_FAILED;
        } finally {
            try {
                close.invoke(session);
            } catch (ReflectiveOperationException e) {
                // closing anyway
            }
            context.ungetService(ref);
        }
    }

    /** Whether Gogo's parser wants more lines (it throws EOFError, a SyntaxError, for that). */
    private static boolean incomplete(java.lang.reflect.Constructor<?> parser, CharSequence program)
            throws ReflectiveOperationException {
        try {
            Object p = parser.newInstance(program);
            p.getClass().getMethod("program").invoke(p);
            return false;
        } catch (InvocationTargetException e) {
            // a syntax error that is not "incomplete" is reported when the command runs
            return e.getCause() != null
                    && e.getCause().getClass().getName().equals("org.apache.felix.gogo.runtime.EOFError");
        }
    }

    private static String describe(Throwable t) {
        if (t == null) {
            return "unknown error";
        }
        String name = t.getClass().getName();
        if (name.equals("org.apache.felix.gogo.runtime.CommandNotFoundException")) {
            return "command not found: " + t.getMessage().replaceFirst("^Command not found: ", "")
                    + " (`help` lists the commands)";
        }
        String message = t.getMessage();
        return t.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }
}
