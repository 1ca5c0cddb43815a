package io.portcullis.egress;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The {@code pseudonymize} action (#13 item 3): {@code [PSEUDO:<class>:<12 hex>]}, an HMAC-SHA256
 * of the value keyed by a secret of this gateway and bound to a scope (the conversation, the
 * principal, or everything), so a model can still tell two values apart and the same value is
 * the same token within the scope, but nobody without the key can test a guess. The key is 32
 * random bytes in a file ({@code egress.pseudonymize.key_file}, by default
 * {@code <data_dir>/egress-pseudonym.key}, made on first use, owner-only).
 */
public final class Pseudonyms {
    /** How far a token is stable. */
    public enum Scope { SESSION, PRINCIPAL, GLOBAL }

    private final Path keyFile;
    private final Scope scope;
    private volatile byte[] key;

    public Pseudonyms(Path keyFile, Scope scope) {
        this.keyFile = keyFile;
        this.scope = scope;
    }

    public Scope scope() {
        return scope;
    }

    public Path keyFile() {
        return keyFile;
    }

    /** The token of {@code value} of class {@code classId} within the scope named by {@code scopeKey}. */
    public String token(String classId, String scopeKey, String value) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key(), "HmacSHA256"));
            mac.update((scope == Scope.GLOBAL ? "" : scopeKey).getBytes(StandardCharsets.UTF_8));
            mac.update((byte) 0);
            mac.update(value.getBytes(StandardCharsets.UTF_8));
            return "[PSEUDO:" + classId + ":" + HexFormat.of().formatHex(mac.doFinal(), 0, 6) + "]";
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
        }
    }

    private byte[] key() {
        byte[] k = key;
        if (k != null) {
            return k;
        }
        synchronized (this) {
            if (key == null) {
                key = loadOrCreate();
            }
            return key;
        }
    }

    private byte[] loadOrCreate() {
        try {
            if (Files.exists(keyFile)) {
                byte[] k = HexFormat.of().parseHex(Files.readString(keyFile).trim());
                if (k.length < 16) {
                    throw new IllegalStateException("the pseudonym key " + keyFile + " is shorter than 16 bytes");
                }
                return k;
            }
            Files.createDirectories(keyFile.toAbsolutePath().getParent());
            byte[] k = new byte[32];
            new SecureRandom().nextBytes(k);
            Path tmp = keyFile.resolveSibling(keyFile.getFileName() + ".tmp");
            Files.writeString(tmp, HexFormat.of().formatHex(k), StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING);
            try {
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system: the data directory's own permissions protect it
            }
            Files.move(tmp, keyFile, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            return k;
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalStateException("cannot read or create the pseudonym key " + keyFile + ": " + e.getMessage(), e);
        }
    }
}
