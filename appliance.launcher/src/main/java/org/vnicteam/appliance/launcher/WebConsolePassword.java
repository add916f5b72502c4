package org.vnicteam.appliance.launcher;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;

/**
 * The Web Console password, never the Web Console's default: taken from configuration when there
 * is one, else generated at the first start of a home, printed once, and kept as a salted hash
 * (the Web Console's own {@code {sha-256}salt-iterations-hash} form) in data/webconsole.password.
 */
final class WebConsolePassword {

    static final String PROPERTY = "felix.webconsole.password";
    static final String USER_PROPERTY = "felix.webconsole.username";
    static final String PID = "org.apache.felix.webconsole.internal.servlet.OsgiManager";

    private static final String ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    private static final int ITERATIONS = 1000;

    private final String user;
    private final String source;
    private final String generated;

    private WebConsolePassword(String user, String source, String generated) {
        this.user = user;
        this.source = source;
        this.generated = generated;
    }

    static WebConsolePassword resolve(Home home, Map<String, String> framework) throws IOException {
        String user = framework.getOrDefault(USER_PROPERTY, "admin");
        if (framework.containsKey(PROPERTY)) {
            return new WebConsolePassword(user, "password from " + PROPERTY, null);
        }
        for (Path dir : new Path[] { home.etc(), home.deploy() }) {
            for (String ext : new String[] { ".cfg", ".config" }) {
                Path file = dir.resolve(PID + ext);
                if (Files.isRegularFile(file)) {
                    return new WebConsolePassword(user, "credentials from " + file, null);
                }
            }
        }
        Path stored = home.data().resolve("webconsole.password");
        if (Files.isRegularFile(stored)) {
            String hash = Files.readString(stored, StandardCharsets.UTF_8).trim();
            if (hash.startsWith("{")) {
                framework.put(PROPERTY, hash);
                return new WebConsolePassword(user, "password generated at the first start (reset: delete "
                        + home.root().relativize(stored) + ")", null);
            }
        }
        String password = generate(16);
        String hash = hash(password);
        Files.deleteIfExists(stored);
        Files.createFile(stored);
        try {
            Files.setPosixFilePermissions(stored, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: the hash alone is still not the password
        }
        Files.writeString(stored, hash + "\n", StandardCharsets.UTF_8);
        framework.put(PROPERTY, hash);
        return new WebConsolePassword(user, null, password);
    }

    /** For the banner: user and password (shown once, when generated) or where it comes from. */
    String describe() {
        if (generated != null) {
            return "user " + user + ", password " + generated
                    + "\n  (generated now and shown only this once; data/webconsole.password keeps its hash)";
        }
        return source.startsWith("credentials") ? source : "user " + user + ", " + source;
    }

    static String generate(int length) {
        SecureRandom random = new SecureRandom();
        StringBuilder sb = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            sb.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return sb.toString();
    }

    /** The Web Console's hashed form: {sha-256}SALT-1000-BASE64(SHA-256^1000(SALT + password)). */
    static String hash(String password) {
        byte[] saltBytes = new byte[8];
        new SecureRandom().nextBytes(saltBytes);
        String salt = HexFormat.of().formatHex(saltBytes);
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] bytes = (salt + password).getBytes(StandardCharsets.UTF_8);
            for (int i = 0; i < ITERATIONS; i++) {
                md.reset();
                bytes = md.digest(bytes);
            }
            return "{sha-256}" + salt + "-" + ITERATIONS + "-" + Base64.getEncoder().encodeToString(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
