package io.portcullis.ingress;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * #19 item 1: the secret every node of one cluster shares, from which the keys that make a
 * node's tokens good on every other node are derived: the key that seals legacy session ids
 * ({@link SessionSeal}) and the key that signs 2026-07-28 {@code requestState}s ({@link RequestStates}).
 *
 * <p>Where it comes from: {@code PORTCULLIS_CLUSTER_KEY_FILE} (a file, e.g. a mounted Kubernetes
 * Secret) or {@code PORTCULLIS_CLUSTER_KEY} (the value itself); at least 32 bytes of secret
 * (e.g. {@code openssl rand -base64 48}). Without either, the node makes a random one at start:
 * right for one node, and a cluster of such nodes cannot continue each other's sessions (each
 * says "Session not found" to the others' ids), so the start log says so. A variable that is set
 * but unusable (missing file, too short) stops the start: a cluster must not half-work.
 */
public final class ClusterKey {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterKey.class);
    public static final String FILE_VARIABLE = "PORTCULLIS_CLUSTER_KEY_FILE";
    public static final String VARIABLE = "PORTCULLIS_CLUSTER_KEY";
    static final int MIN_BYTES = 32;
    private static volatile ClusterKey current;

    private final byte[] secret;
    private final boolean shared;

    ClusterKey(byte[] secret, boolean shared) {
        if (secret.length < MIN_BYTES) {
            throw new IllegalArgumentException("the cluster key must be at least " + MIN_BYTES + " bytes");
        }
        this.secret = secret.clone();
        this.shared = shared;
    }

    /** A key of these bytes (tests; nodes read theirs with {@link #current()}). */
    public static ClusterKey of(byte[] secret) {
        return new ClusterKey(secret, true);
    }

    /** A random key: a cluster of one node. */
    static ClusterKey random() {
        byte[] k = new byte[32];
        new SecureRandom().nextBytes(k);
        return new ClusterKey(k, false);
    }

    /**
     * This process's key, read once from the environment.
     *
     * @throws IllegalStateException naming the variable when it is set but unusable
     */
    public static ClusterKey current() {
        ClusterKey k = current;
        if (k == null) {
            synchronized (ClusterKey.class) {
                if (current == null) {
                    current = load(System.getenv());
                }
                k = current;
            }
        }
        return k;
    }

    static ClusterKey load(Map<String, String> env) {
        String file = env.get(FILE_VARIABLE);
        String value = env.get(VARIABLE);
        byte[] secret;
        if (file != null && !file.isBlank()) {
            try {
                secret = Files.readString(Path.of(file.trim())).trim().getBytes(StandardCharsets.UTF_8);
            } catch (IOException | RuntimeException e) {
                throw new IllegalStateException("cannot read the cluster key: " + FILE_VARIABLE + "=" + file + " (" + e.getMessage() + ")");
            }
        } else if (value != null && !value.isBlank()) {
            secret = value.trim().getBytes(StandardCharsets.UTF_8);
        } else {
            LOG.info("no cluster key ({} or {}): this node's session ids and requestStates are good on this node only", FILE_VARIABLE, VARIABLE);
            return random();
        }
        if (secret.length < MIN_BYTES) {
            throw new IllegalStateException("the cluster key (" + (file != null && !file.isBlank() ? FILE_VARIABLE : VARIABLE)
                    + ") is " + secret.length + " bytes; it must be at least " + MIN_BYTES + " (e.g. openssl rand -base64 48)");
        }
        return new ClusterKey(secret, true);
    }

    /** Whether the key came from the operator (shared by the cluster) rather than made at start. */
    public boolean shared() {
        return shared;
    }

    /** A 32-byte key for one purpose: HMAC-SHA256 of the secret over the purpose's label (distinct labels, independent keys). */
    byte[] derive(String label) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return mac.doFinal(label.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
        }
    }
}
