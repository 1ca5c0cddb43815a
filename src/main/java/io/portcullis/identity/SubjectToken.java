package io.portcullis.identity;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * #16 item 1: the caller's verified bearer token, kept only in memory on its {@link Principal} so
 * that the gateway can exchange it for an upstream's token (RFC 8693). It never prints: its
 * {@link #toString()} (and so the principal's) shows a hash prefix only, and nothing stores it.
 */
public final class SubjectToken {
    private final String value;

    public SubjectToken(String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("empty token");
        }
        this.value = value;
    }

    /** The raw token: only for the token exchange request. */
    public String reveal() {
        return value;
    }

    /** The first 12 hex digits of the token's SHA-256: enough to correlate, useless to replay. */
    public String hashPrefix() {
        return hashPrefix(value);
    }

    /** The first 12 hex digits of a token's SHA-256. */
    public static String hashPrefix(String token) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SubjectToken t && MessageDigest.isEqual(t.value.getBytes(StandardCharsets.UTF_8),
                value.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }

    @Override
    public String toString() {
        return "SubjectToken[sha256:" + hashPrefix() + "]";
    }
}
