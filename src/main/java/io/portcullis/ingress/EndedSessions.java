package io.portcullis.ingress;

import io.portcullis.store.Store;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * #19 item 1 (ended sessions): the legacy sessions a client ended with DELETE, in the store every
 * node shares (table {@code ended_sessions}). A sealed session id stays authentic forever, so a
 * session ended on node A must be refused on node B: B checks this list before it adopts an id it
 * does not hold, and every node polls it every {@link #POLL} to end the copies it holds. Ids are
 * kept as their SHA-256 (an id is long and a bearer of the session), for {@link Sessions#ENDED_KEPT}.
 */
public final class EndedSessions {
    static final Duration POLL = Duration.ofSeconds(1);
    /** How far back a poll looks beyond its last one: the nodes' clocks may differ a little. */
    static final Duration SKEW = Duration.ofSeconds(10);

    private final Store store;

    /** @throws io.portcullis.store.StoreException when the table cannot be created */
    public EndedSessions(Store store) {
        this.store = store;
        store.migrate("ended_sessions", List.of("CREATE TABLE IF NOT EXISTS ended_sessions (id_hash VARCHAR(64) PRIMARY KEY, "
                + "ended_at BIGINT NOT NULL)", "CREATE INDEX IF NOT EXISTS ended_sessions_at ON ended_sessions (ended_at)"));
    }

    static String hash(String id) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(id.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Records that the session of {@code id} ended (idempotent), and forgets endings older than {@link Sessions#ENDED_KEPT}. */
    void ended(String id, Instant now) throws SQLException {
        String h = hash(id);
        store.inTransaction(c -> {
            store.beginWrite(c);
            try (PreparedStatement del = c.prepareStatement("DELETE FROM ended_sessions WHERE id_hash = ? OR ended_at < ?");
                 PreparedStatement ins = c.prepareStatement("INSERT INTO ended_sessions (id_hash, ended_at) VALUES (?, ?)")) {
                del.setString(1, h);
                del.setLong(2, now.minus(Sessions.ENDED_KEPT).toEpochMilli());
                del.executeUpdate();
                ins.setString(1, h);
                ins.setLong(2, now.toEpochMilli());
                return ins.executeUpdate();
            }
        });
    }

    /** Whether the session of {@code id} was ended on any node. */
    boolean isEnded(String id) throws SQLException {
        try (Connection c = store.connection();
             PreparedStatement ps = c.prepareStatement("SELECT 1 FROM ended_sessions WHERE id_hash = ?")) {
            ps.setString(1, hash(id));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** The hashes of the sessions ended at or after {@code since} (by the ending node's clock). */
    Set<String> endedSince(Instant since) throws SQLException {
        Set<String> out = new HashSet<>();
        try (Connection c = store.connection();
             PreparedStatement ps = c.prepareStatement("SELECT id_hash FROM ended_sessions WHERE ended_at >= ?")) {
            ps.setLong(1, since.toEpochMilli());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }

    /** What a failure of the store is called in a refusal. */
    String describe(Throwable e) {
        return store.describe(e);
    }
}
