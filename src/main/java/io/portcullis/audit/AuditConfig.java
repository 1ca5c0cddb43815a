package io.portcullis.audit;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The audit log's settings: the {@code audit:} section of the config (C4.1, C4.2). Immutable;
 * built by {@link AuditConfigReader} or {@link #defaults}.
 *
 * @param signingKey         the Ed25519 private key (PKCS#8 PEM) that signs checkpoints
 * @param generateKey        whether a missing key file may be created (true only for the default
 *                           location in the data directory; a configured key must exist)
 * @param trustedKeys        public keys (X.509 PEM) of other nodes whose checkpoints verify accepts
 * @param nodeId             this node's id, or null: generated once and kept in the data directory
 * @param dataDir            the data directory (node id file, default key)
 * @param checkpointEvery    a signed checkpoint after this many records ...
 * @param checkpointInterval ... or after this long, whichever comes first (when there is anything new)
 * @param maskFields         argument keys masked in records besides the built-in secret names
 * @param maxValueChars      longer strings in arguments are cut to this many characters (with their hash)
 * @param retention          how long records are kept, per environment
 * @param defaultRetention   how long records of other environments are kept; null keeps them forever
 * @param pruneInterval      how often the gateway prunes by retention
 * @param writeTimeout       a call waits this long for its record to be durable, then is refused
 * @param adminTokenEnv      environment variable holding the admin API's bearer token, or null
 * @param adminTokenFile     file holding the admin API's bearer token, or null
 */
public record AuditConfig(
        Path signingKey,
        boolean generateKey,
        List<Path> trustedKeys,
        String nodeId,
        Path dataDir,
        int checkpointEvery,
        Duration checkpointInterval,
        List<String> maskFields,
        int maxValueChars,
        Map<String, Duration> retention,
        Duration defaultRetention,
        Duration pruneInterval,
        Duration writeTimeout,
        String adminTokenEnv,
        Path adminTokenFile) {

    public static final String DEFAULT_KEY_FILE = "audit-signing-key.pem";

    public AuditConfig {
        trustedKeys = List.copyOf(trustedKeys);
        maskFields = List.copyOf(maskFields);
        retention = Map.copyOf(retention);
    }

    /** The settings when the config has no {@code audit:} section. */
    public static AuditConfig defaults(Path dataDir) {
        return new AuditConfig(dataDir.resolve(DEFAULT_KEY_FILE), true, List.of(), null, dataDir, 1000,
                Duration.ofSeconds(10), List.of(), 2048, Map.of(), null, Duration.ofHours(1), Duration.ofSeconds(10),
                null, null);
    }

    /** How long records of {@code environment} are kept; empty means forever. */
    public Optional<Duration> retentionOf(String environment) {
        return Optional.ofNullable(retention.getOrDefault(environment, defaultRetention));
    }
}
