package io.portcullis.identity;

import io.portcullis.store.Store;
import io.portcullis.store.StoreException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The durable identity state (C1.3): API keys (only their SHA-256 hashes) and revocations by
 * {@code jti} and by subject, in the gateway's {@link Store}, so that they survive a restart and
 * are shared by every node and by the CLI. The authenticators read an in-memory copy; a write
 * through this object refreshes it at once, and {@link #startRefresh} picks up writes made by
 * other processes (a version counter is polled, the tables are reloaded only when it moved).
 */
public final class IdentityStore implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(IdentityStore.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String KEY_MARK = "pcl_";
    private static final char[] PREFIX_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789".toCharArray();

    /** An API key as stored: everything but the key itself. */
    public record ApiKey(String prefix, String name, String role, List<String> environments, Instant created,
                         Instant expires, Instant revoked, String createdBy) {
        public boolean usableAt(Instant now) {
            return revoked == null && now.isBefore(expires);
        }
    }

    /** A new key: {@code secret} is shown once and never stored. */
    public record CreatedKey(ApiKey key, String secret) {}

    /** A revocation: by {@code jti} or by subject (tokens issued up to {@code revokedAt}). */
    public record Revocation(String kind, String value, String issuer, Instant revokedAt, String revokedBy, String reason) {}

    /** {@code subjects}: subject → issuer ("" for every issuer) → revocation instant; looked up by subject first, allocation-free. */
    private record State(long version, Map<String, ApiKey> keys, Map<String, byte[]> hashes, Set<String> jtis,
                         Map<String, Map<String, Instant>> subjects) {}

    private final Store store;
    private volatile State state = new State(-1, Map.of(), Map.of(), Set.of(), Map.of());
    private volatile Thread refresher;
    private static final long MISS_CHECK_NANOS = java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(200);
    private final java.util.concurrent.atomic.AtomicLong lastMissCheck =
            new java.util.concurrent.atomic.AtomicLong(System.nanoTime() - MISS_CHECK_NANOS);

    private IdentityStore(Store store) {
        this.store = store;
    }

    /**
     * Opens the identity tables in {@code store}, creating them on first use, and loads them.
     *
     * @throws StoreException when the store cannot be migrated or read
     */
    public static IdentityStore open(Store store) {
        store.migrate("identity", List.of(
                "CREATE TABLE identity_api_keys (prefix VARCHAR(32) PRIMARY KEY, hash VARCHAR(64) NOT NULL, "
                        + "name VARCHAR(200) NOT NULL, role VARCHAR(200) NOT NULL, environments VARCHAR(2000) NOT NULL, "
                        + "created_at BIGINT NOT NULL, expires_at BIGINT NOT NULL, revoked_at BIGINT, "
                        + "created_by VARCHAR(200), revoked_by VARCHAR(200))",
                "CREATE TABLE identity_revocations (kind VARCHAR(16) NOT NULL, value VARCHAR(512) NOT NULL, "
                        + "issuer VARCHAR(512) NOT NULL, revoked_at BIGINT NOT NULL, revoked_by VARCHAR(200), "
                        + "reason VARCHAR(1000), PRIMARY KEY (kind, value, issuer))",
                "CREATE TABLE identity_state (k VARCHAR(32) PRIMARY KEY, v BIGINT NOT NULL)",
                "INSERT INTO identity_state (k, v) VALUES ('version', 0)"));
        IdentityStore s = new IdentityStore(store);
        s.reload();
        return s;
    }

    /** Polls for writes of other processes every {@code interval} (a failed poll keeps the last state and logs). */
    public synchronized void startRefresh(Duration interval) {
        if (refresher != null) {
            return;
        }
        refresher = Thread.ofVirtual().name("identity-refresh").start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    Thread.sleep(interval.toMillis());
                    if (version() != state.version()) {
                        reload();
                    }
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException e) {
                    LOG.warn("identity: cannot refresh revocations and keys from the store: {}", e.getMessage());
                }
            }
        });
    }

    // ---- reads on the hot path: memory only ----

    /** Whether a token id was revoked. */
    public boolean jtiRevoked(String jti) {
        return jti != null && state.jtis().contains(jti);
    }

    /**
     * When tokens of this subject were last revoked (for any issuer, or for this one), or null.
     * Tokens issued at or before that instant are refused.
     */
    public Instant subjectRevokedAt(String issuer, String subject) {
        Map<String, Instant> m = state.subjects().get(subject);
        if (m == null) {
            return null;
        }
        Instant any = m.get("");
        Instant own = issuer == null ? null : m.get(issuer);
        return any == null ? own : own == null || any.isAfter(own) ? any : own;
    }

    /**
     * The key that {@code presented} stands for, or null when it is not a key of this store, the
     * prefix is unknown, or the secret does not match (compared in constant time).
     */
    public ApiKey verifyKey(String presented) {
        String prefix = prefixOf(presented);
        if (prefix == null) {
            return null;
        }
        State s = state;
        if (!s.keys().containsKey(prefix) && reloadOnMiss()) {
            s = state;
        }
        ApiKey k = s.keys().get(prefix);
        byte[] expected = s.hashes().get(prefix);
        if (k == null || expected == null) {
            return null;
        }
        return MessageDigest.isEqual(expected, sha256(presented)) ? k : null;
    }

    /**
     * A key this process has not seen may have been created a moment ago by another process (the CLI
     * beside a running gateway, another node): read the store's version once, and reload when it
     * moved, instead of refusing the new key until the next poll. At most once per
     * {@link #MISS_CHECK_NANOS}, so a flood of made-up keys costs at most a few queries a second.
     *
     * @return whether the state was reloaded
     */
    private boolean reloadOnMiss() {
        long now = System.nanoTime();
        long last = lastMissCheck.get();
        if (now - last < MISS_CHECK_NANOS || !lastMissCheck.compareAndSet(last, now)) {
            return false;
        }
        try {
            if (version() != state.version()) {
                reload();
                return true;
            }
        } catch (RuntimeException e) {
            LOG.warn("identity: cannot read the store to look up a new API key: {}", e.getMessage());
        }
        return false;
    }

    /** Whether a bearer token has the shape of one of our API keys. */
    public static boolean looksLikeKey(String token) {
        return token != null && token.startsWith(KEY_MARK);
    }

    // ---- writes (CLI, admin API) ----

    /**
     * Creates a key; the returned secret is the only copy there will ever be. The store keeps its
     * SHA-256: a key carries 256 random bits, so a fast hash is as strong as a slow one here and
     * keeps verification cheap on every call.
     */
    public CreatedKey createKey(String name, String role, List<String> environments, Instant expires, String createdBy) {
        String prefix = randomPrefix();
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        String key = KEY_MARK + prefix + "_" + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        Instant now = Instant.now();
        String n = name == null || name.isBlank() ? "apikey-" + prefix : name;
        write("INSERT INTO identity_api_keys (prefix, hash, name, role, environments, created_at, expires_at, created_by) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?)", prefix, HexFormat.of().formatHex(sha256(key)), n, role,
                String.join(",", environments), now.toEpochMilli(), expires.toEpochMilli(), createdBy);
        return new CreatedKey(new ApiKey(prefix, n, role, List.copyOf(environments), now, expires, null, createdBy), key);
    }

    /** Revokes a key by its prefix; false when there is no such key (or it was already revoked). */
    public boolean revokeKey(String prefix, String by) {
        return write("UPDATE identity_api_keys SET revoked_at = ?, revoked_by = ? WHERE prefix = ? AND revoked_at IS NULL",
                Instant.now().toEpochMilli(), by, prefix) > 0;
    }

    /** Revokes one token by its {@code jti}. */
    public Revocation revokeJti(String jti, String by, String reason) {
        return revoke("jti", jti, "", by, reason);
    }

    /** Revokes every token of {@code subject} issued until now; {@code issuer} null means any issuer. */
    public Revocation revokeSubject(String subject, String issuer, String by, String reason) {
        return revoke("subject", subject, issuer == null ? "" : issuer, by, reason);
    }

    public List<ApiKey> keys() {
        List<ApiKey> out = new ArrayList<>();
        query("SELECT prefix, name, role, environments, created_at, expires_at, revoked_at, created_by FROM identity_api_keys "
                + "ORDER BY created_at", rs -> out.add(key(rs)));
        return out;
    }

    public List<Revocation> revocations() {
        List<Revocation> out = new ArrayList<>();
        query("SELECT kind, value, issuer, revoked_at, revoked_by, reason FROM identity_revocations ORDER BY revoked_at",
                rs -> out.add(new Revocation(rs.getString(1), rs.getString(2), rs.getString(3).isEmpty() ? null : rs.getString(3),
                        Instant.ofEpochMilli(rs.getLong(4)), rs.getString(5), rs.getString(6))));
        return out;
    }

    private Revocation revoke(String kind, String value, String issuer, String by, String reason) {
        Instant now = Instant.now();
        try {
            store.inTransaction(c -> {
                // Delete + insert rather than an upsert: one statement set that both SQLite and
                // PostgreSQL run, and a repeated subject revocation moves its instant forward.
                exec(c, "DELETE FROM identity_revocations WHERE kind = ? AND value = ? AND issuer = ?", kind, value, issuer);
                exec(c, "INSERT INTO identity_revocations (kind, value, issuer, revoked_at, revoked_by, reason) VALUES (?, ?, ?, ?, ?, ?)",
                        kind, value, issuer, now.toEpochMilli(), by, reason);
                return exec(c, "UPDATE identity_state SET v = v + 1 WHERE k = 'version'");
            });
        } catch (SQLException e) {
            throw new StoreException("cannot record the revocation: " + e.getMessage(), e);
        }
        reload();
        return new Revocation(kind, value, issuer.isEmpty() ? null : issuer, now, by, reason);
    }

    private int write(String sql, Object... args) {
        int n;
        try {
            n = store.inTransaction(c -> {
                int changed = exec(c, sql, args);
                exec(c, "UPDATE identity_state SET v = v + 1 WHERE k = 'version'");
                return changed;
            });
        } catch (SQLException e) {
            throw new StoreException("identity store write failed: " + e.getMessage(), e);
        }
        reload();
        return n;
    }

    private static int exec(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            return ps.executeUpdate();
        }
    }

    // ---- loading ----

    private long version() {
        long[] v = {-1};
        query("SELECT v FROM identity_state WHERE k = 'version'", rs -> v[0] = rs.getLong(1));
        return v[0];
    }

    /** Reads everything again; synchronized so that a slow reload never overwrites a newer one. */
    private synchronized void reload() {
        long version = version();
        Map<String, ApiKey> keys = new HashMap<>();
        Map<String, byte[]> hashes = new HashMap<>();
        // Revoked and expired keys stay in memory too, so that a refusal can say which it was.
        query("SELECT prefix, name, role, environments, created_at, expires_at, revoked_at, created_by, hash FROM identity_api_keys", rs -> {
                    ApiKey k = key(rs);
                    keys.put(k.prefix(), k);
                    hashes.put(k.prefix(), HexFormat.of().parseHex(rs.getString(9)));
                });
        Set<String> jtis = new HashSet<>();
        Map<String, Map<String, Instant>> subjects = new HashMap<>();
        query("SELECT kind, value, issuer, revoked_at FROM identity_revocations", rs -> {
            if ("jti".equals(rs.getString(1))) {
                jtis.add(rs.getString(2));
            } else {
                subjects.computeIfAbsent(rs.getString(2), x -> new HashMap<>()).put(rs.getString(3), Instant.ofEpochMilli(rs.getLong(4)));
            }
        });
        Map<String, Map<String, Instant>> frozen = new HashMap<>();
        subjects.forEach((k, v) -> frozen.put(k, Map.copyOf(v)));
        state = new State(version, Map.copyOf(keys), Map.copyOf(hashes), Set.copyOf(jtis), Map.copyOf(frozen));
    }

    private static ApiKey key(ResultSet rs) throws SQLException {
        long revoked = rs.getLong(7);
        boolean wasRevoked = !rs.wasNull();
        return new ApiKey(rs.getString(1), rs.getString(2), rs.getString(3), Arrays.asList(rs.getString(4).split(",")),
                Instant.ofEpochMilli(rs.getLong(5)), Instant.ofEpochMilli(rs.getLong(6)),
                wasRevoked ? Instant.ofEpochMilli(revoked) : null, rs.getString(8));
    }

    private interface Row {
        void accept(ResultSet rs) throws SQLException;
    }

    private void query(String sql, Row row) {
        try (Connection c = store.connection(); PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                row.accept(rs);
            }
        } catch (SQLException e) {
            throw new StoreException("identity store read failed: " + e.getMessage(), e);
        }
    }

    private static String prefixOf(String key) {
        if (!looksLikeKey(key)) {
            return null;
        }
        int end = key.indexOf('_', KEY_MARK.length());
        return end < 0 ? null : key.substring(KEY_MARK.length(), end);
    }

    private static String randomPrefix() {
        char[] c = new char[8];
        for (int i = 0; i < c.length; i++) {
            c[i] = PREFIX_ALPHABET[RANDOM.nextInt(PREFIX_ALPHABET.length)];
        }
        return new String(c);
    }

    static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        Thread t = refresher;
        if (t != null) {
            t.interrupt();
        }
    }
}
