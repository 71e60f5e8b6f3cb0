package dev.ordo.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The admin bearer token. Compared in constant time: both sides are hashed first, so neither the
 * content nor the length of the real token leaks through timing. Never logged.
 */
public final class AdminToken {

    static final int MIN_LENGTH = 16;

    private final byte[] digest;
    private final Origin origin;

    public enum Origin {
        CONFIGURED,
        GENERATED,
        STORED
    }

    private AdminToken(String token, Origin origin) {
        this.digest = sha256(token);
        this.origin = origin;
    }

    public Origin origin() {
        return origin;
    }

    public boolean matches(String presented) {
        return presented != null && MessageDigest.isEqual(digest, sha256(presented));
    }

    /**
     * The configured token; without one, under {@code prod} a refusal to start, otherwise the token
     * stored in the data directory, or a new random one stored there for the next start.
     */
    static Resolved resolve(String configured, boolean production, Path dataDir) {
        // A secret file or env line often ends in a line break: stripped, as kept no presented token could match.
        configured = configured == null ? null : configured.strip();
        if (configured != null && !configured.isBlank()) {
            if (configured.length() < MIN_LENGTH) {
                throw new IllegalStateException(
                        "ordo.security.admin-token must be at least " + MIN_LENGTH + " characters long");
            }
            return new Resolved(new AdminToken(configured, Origin.CONFIGURED), null);
        }
        if (production) {
            throw new IllegalStateException("the prod profile needs an admin token: set ordo.security.admin-token"
                    + " (environment ORDO_SECURITY_ADMIN_TOKEN), at least " + MIN_LENGTH + " characters");
        }
        Path file = dataDir.resolve("admin-token");
        try {
            if (Files.isReadable(file)) {
                String stored = Files.readString(file, StandardCharsets.UTF_8).strip();
                if (stored.length() >= MIN_LENGTH) {
                    // Shown once, when generated: console output is often kept like a log.
                    return new Resolved(new AdminToken(stored, Origin.STORED), null);
                }
            }
            byte[] random = new byte[32];
            new SecureRandom().nextBytes(random);
            String generated = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
            Files.createDirectories(dataDir);
            // Created private, then written: never readable by others, not even for a moment.
            Files.deleteIfExists(file);
            try {
                Files.createFile(
                        file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException notPosix) {
                Files.createFile(file); // the directory's own permissions apply
            }
            Files.writeString(file, generated + "\n", StandardCharsets.UTF_8);
            return new Resolved(new AdminToken(generated, Origin.GENERATED), generated);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or store the admin token in " + file, e);
        }
    }

    /** The token and, when Ordo has just generated it, its text to show once at start. */
    record Resolved(AdminToken token, String textToShow) {}

    /** Cloned for each use: cheaper than looking the algorithm up among the providers every request. */
    private static final MessageDigest SHA_256 = newSha256();

    private static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] sha256(String value) {
        MessageDigest digest;
        try {
            digest = (MessageDigest) SHA_256.clone();
        } catch (CloneNotSupportedException e) {
            digest = newSha256();
        }
        return digest.digest(value.getBytes(StandardCharsets.UTF_8));
    }
}
