package io.portcullis.credentials;

import io.portcullis.store.Store;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * #16 items 1, 2: the per-user grants of {@code user_oauth} upstreams in the store (table
 * {@code user_grants}, SQL that SQLite and PostgreSQL both run). A row is keyed by the verified
 * caller (issuer + subject), the upstream and the scope; its tokens are only ever stored sealed by
 * the {@link Vault} (envelope encryption), next to the id of the KEK that wrapped its data key and
 * the fingerprint (first 12 hex digits of SHA-256) of the access token, which is all that lists show.
 */
public final class GrantStore {
    /** Append-only migrations of the component {@code user_grants}: never edit or reorder, only add. */
    static final List<String> MIGRATIONS = List.of(
            "CREATE TABLE user_grants (issuer VARCHAR(512) NOT NULL, subject VARCHAR(512) NOT NULL, upstream VARCHAR(128) NOT NULL, "
                    + "scope VARCHAR(512) NOT NULL, kek_id VARCHAR(32) NOT NULL, wrapped_key TEXT NOT NULL, sealed TEXT NOT NULL, "
                    + "fingerprint VARCHAR(32) NOT NULL, expires_at BIGINT, created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL, "
                    + "PRIMARY KEY (issuer, subject, upstream, scope))");

    /** Who a grant is for. */
    public record Key(String issuer, String subject, String upstream, String scope) {
        /** The record name bound into its encryption (AAD): a sealed value moved to another row does not open. */
        String record() {
            return "user_grants|" + issuer.length() + ":" + issuer + "|" + subject.length() + ":" + subject + "|" + upstream + "|" + scope;
        }
    }

    /** One stored grant: its facts and its sealed tokens. */
    public record Row(Key key, Vault.Sealed sealed, String fingerprint, Instant expiresAt, Instant created, Instant updated) {}

    private final Store store;

    private GrantStore(Store store) {
        this.store = store;
    }

    public static GrantStore open(Store store) {
        store.migrate("user_grants", MIGRATIONS);
        return new GrantStore(store);
    }

    /** Stores (or replaces) the grant of {@code key}. */
    public void put(Key key, Vault.Sealed s, String fingerprint, Instant expiresAt, Instant now) throws SQLException {
        store.inTransaction(c -> {
            // writer first: on SQLite a transaction that reads, then writes, fails at once (SQLITE_BUSY) when
            // another connection (the audit writer, another consent) wrote in between (UserOAuthFaultsIT)
            store.beginWrite(c);
            Instant created = now;
            Row old = get(c, key);
            if (old != null) {
                created = old.created();
            }
            delete(c, key);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO user_grants (issuer, subject, upstream, scope, kek_id, "
                    + "wrapped_key, sealed, fingerprint, expires_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                ps.setString(1, key.issuer());
                ps.setString(2, key.subject());
                ps.setString(3, key.upstream());
                ps.setString(4, key.scope());
                ps.setString(5, s.kekId());
                ps.setString(6, Base64.getEncoder().encodeToString(s.wrapped()));
                ps.setString(7, Base64.getEncoder().encodeToString(s.sealed()));
                ps.setString(8, fingerprint);
                if (expiresAt == null) {
                    ps.setNull(9, Types.BIGINT);
                } else {
                    ps.setLong(9, expiresAt.toEpochMilli());
                }
                ps.setLong(10, created.toEpochMilli());
                ps.setLong(11, now.toEpochMilli());
                ps.executeUpdate();
            }
            return null;
        });
    }

    /** The grant of {@code key}, or null. */
    public Row get(Key key) throws SQLException {
        try (Connection c = store.connection()) {
            return get(c, key);
        }
    }

    private static Row get(Connection c, Key key) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(SELECT + " WHERE issuer = ? AND subject = ? AND upstream = ? AND scope = ?")) {
            ps.setString(1, key.issuer());
            ps.setString(2, key.subject());
            ps.setString(3, key.upstream());
            ps.setString(4, key.scope());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? row(rs) : null;
            }
        }
    }

    /** Every grant, optionally only of {@code subject} and/or {@code upstream} (null: any). */
    public List<Row> list(String subject, String upstream) throws SQLException {
        try (Connection c = store.connection();
             PreparedStatement ps = c.prepareStatement(SELECT + " WHERE (? IS NULL OR subject = ?) AND (? IS NULL OR upstream = ?) "
                     + "ORDER BY subject, upstream, issuer, scope")) {
            ps.setString(1, subject);
            ps.setString(2, subject);
            ps.setString(3, upstream);
            ps.setString(4, upstream);
            List<Row> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(row(rs));
                }
            }
            return out;
        }
    }

    /** Deletes the grants of {@code subject} (any issuer when {@code issuer} is null) to {@code upstream} (any when null); returns how many. */
    public int revoke(String subject, String issuer, String upstream) throws SQLException {
        try (Connection c = store.connection();
             PreparedStatement ps = c.prepareStatement("DELETE FROM user_grants WHERE subject = ? AND (? IS NULL OR issuer = ?) "
                     + "AND (? IS NULL OR upstream = ?)")) {
            ps.setString(1, subject);
            ps.setString(2, issuer);
            ps.setString(3, issuer);
            ps.setString(4, upstream);
            ps.setString(5, upstream);
            return ps.executeUpdate();
        }
    }

    /** Deletes exactly the grant of {@code key}. */
    public void delete(Key key) throws SQLException {
        try (Connection c = store.connection()) {
            delete(c, key);
        }
    }

    /** Replaces the wrapped data key of a row (KEK rotation) if it is still the one read. */
    void rewrapped(Row row, Vault.Sealed fresh) throws SQLException {
        try (Connection c = store.connection();
             PreparedStatement ps = c.prepareStatement("UPDATE user_grants SET kek_id = ?, wrapped_key = ? WHERE issuer = ? "
                     + "AND subject = ? AND upstream = ? AND scope = ? AND kek_id = ? AND sealed = ?")) {
            ps.setString(1, fresh.kekId());
            ps.setString(2, Base64.getEncoder().encodeToString(fresh.wrapped()));
            ps.setString(3, row.key().issuer());
            ps.setString(4, row.key().subject());
            ps.setString(5, row.key().upstream());
            ps.setString(6, row.key().scope());
            ps.setString(7, row.sealed().kekId());
            ps.setString(8, Base64.getEncoder().encodeToString(row.sealed().sealed()));
            ps.executeUpdate();
        }
    }

    private static void delete(Connection c, Key key) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM user_grants WHERE issuer = ? AND subject = ? AND upstream = ? AND scope = ?")) {
            ps.setString(1, key.issuer());
            ps.setString(2, key.subject());
            ps.setString(3, key.upstream());
            ps.setString(4, key.scope());
            ps.executeUpdate();
        }
    }

    private static final String SELECT = "SELECT issuer, subject, upstream, scope, kek_id, wrapped_key, sealed, fingerprint, expires_at, "
            + "created_at, updated_at FROM user_grants";

    private static Row row(ResultSet rs) throws SQLException {
        long exp = rs.getLong(9);
        Instant expires = rs.wasNull() ? null : Instant.ofEpochMilli(exp);
        return new Row(new Key(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4)),
                new Vault.Sealed(rs.getString(5), Base64.getDecoder().decode(rs.getString(6)), Base64.getDecoder().decode(rs.getString(7))),
                rs.getString(8), expires, Instant.ofEpochMilli(rs.getLong(10)), Instant.ofEpochMilli(rs.getLong(11)));
    }
}
