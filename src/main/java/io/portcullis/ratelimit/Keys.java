package io.portcullis.ratelimit;

import io.portcullis.protocol.Json;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import tools.jackson.databind.JsonNode;

/** Bucket keys: what a bucket counts, hashed (no subject or argument is written to Redis as it is). */
final class Keys {
    private Keys() {}

    /** The first 128 bits of SHA-256, in hex. */
    static String hash(String s) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** The same arguments give the same text, whatever the order of their keys (the loop breaker's "same arguments"). */
    static String canonical(JsonNode args) {
        return args == null ? "{}" : Json.canonical(args);
    }
}
