package io.portcullis.audit;

import io.portcullis.store.Store;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The audit log's tables, in SQL that SQLite and PostgreSQL both run. A record's row is
 * {@code (chain, seq)} plus the searchable {@link Columns}, its SHA-256 and its canonical body;
 * nothing is ever updated in place: rows are inserted, and retention deletes a chain's oldest
 * rows while leaving an anchor.
 */
final class AuditTables {
    static final String ZERO = "0".repeat(64);

    /** Append-only migrations of the component {@code audit}: never edit or reorder, only add. */
    static final List<String> MIGRATIONS = List.of(
            "CREATE TABLE audit_records (chain VARCHAR(160) NOT NULL, seq BIGINT NOT NULL, ts BIGINT NOT NULL, "
                    + "kind VARCHAR(16) NOT NULL, env VARCHAR(64) NOT NULL, call_id VARCHAR(64), subject VARCHAR(256), "
                    + "tool VARCHAR(256), decision VARCHAR(16), trace_id VARCHAR(64), request_id VARCHAR(256), "
                    + "hash CHAR(64) NOT NULL, body TEXT NOT NULL, PRIMARY KEY (chain, seq))",
            // few indexes, each one paid on every append: time ranges, one request's chain (partial:
            // only records that carry one), and the principal; the other filters scan a time range
            "CREATE INDEX audit_records_ts ON audit_records (ts)",
            "CREATE INDEX audit_records_trace ON audit_records (trace_id) WHERE trace_id IS NOT NULL",
            "CREATE INDEX audit_records_request ON audit_records (request_id) WHERE request_id IS NOT NULL",
            "CREATE INDEX audit_records_subject ON audit_records (subject, ts)",
            "CREATE TABLE audit_chains (chain VARCHAR(160) PRIMARY KEY, node VARCHAR(64) NOT NULL, env VARCHAR(64) NOT NULL)",
            "CREATE TABLE audit_anchors (chain VARCHAR(160) PRIMARY KEY, seq BIGINT NOT NULL, hash CHAR(64) NOT NULL, ts BIGINT NOT NULL)",
            "CREATE TABLE audit_checkpoints (node VARCHAR(64) NOT NULL, seq BIGINT NOT NULL, ts BIGINT NOT NULL, "
                    + "key_id CHAR(64) NOT NULL, hash CHAR(64) NOT NULL, body TEXT NOT NULL, signature VARCHAR(200) NOT NULL, "
                    + "PRIMARY KEY (node, seq))",
            // where a node's checkpoint sequence starts after retention removed its oldest checkpoints
            "CREATE TABLE audit_checkpoint_anchors (node VARCHAR(64) PRIMARY KEY, seq BIGINT NOT NULL, hash CHAR(64) NOT NULL, "
                    + "ts BIGINT NOT NULL)");

    static final String INSERT = "INSERT INTO audit_records (chain, seq, ts, kind, env, call_id, subject, tool, decision, "
            + "trace_id, request_id, hash, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

    /** The last record of a chain (or its anchor, or the genesis before the first record). */
    record Head(long seq, String hash) {
        static final Head GENESIS = new Head(0, ZERO);
    }

    private AuditTables() {}

    static void migrate(Store store) {
        store.migrate("audit", MIGRATIONS);
    }

    static void insert(PreparedStatement ps, String chain, long seq, Columns c, String hash, String body) throws SQLException {
        ps.setString(1, chain);
        ps.setLong(2, seq);
        ps.setLong(3, c.micros());
        ps.setString(4, c.kind());
        ps.setString(5, c.env());
        ps.setString(6, c.callId());
        ps.setString(7, c.subject());
        ps.setString(8, c.tool());
        ps.setString(9, c.decision());
        ps.setString(10, c.traceId());
        ps.setString(11, c.requestId());
        ps.setString(12, hash);
        ps.setString(13, body);
        ps.addBatch();
    }

    static Head head(Connection c, String chain) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT seq, hash FROM audit_records WHERE chain = ? ORDER BY seq DESC LIMIT 1")) {
            ps.setString(1, chain);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    return new Head(rs.getLong(1), rs.getString(2));
                }
            }
        }
        Head anchor = anchors(c).get(chain);
        return anchor == null ? Head.GENESIS : anchor;
    }

    static void registerChain(Connection c, String chain, String node, String env) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO audit_chains (chain, node, env) VALUES (?, ?, ?) ON CONFLICT (chain) DO NOTHING")) {
            ps.setString(1, chain);
            ps.setString(2, node);
            ps.setString(3, env);
            ps.executeUpdate();
        }
    }

    /** Every registered chain with its environment, in name order (cheap: for checkpoints and retention). */
    static Map<String, String> chains(Connection c) throws SQLException {
        Map<String, String> out = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT chain, env FROM audit_chains ORDER BY chain");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.put(rs.getString(1), rs.getString(2));
            }
        }
        return out;
    }

    /**
     * Every chain that has records or is registered: verify also checks records whose chain was
     * never registered (inserted behind the gateway's back). Scans the records' key.
     */
    static Map<String, String> allChains(Connection c) throws SQLException {
        Map<String, String> out = chains(c);
        try (PreparedStatement ps = c.prepareStatement("SELECT DISTINCT chain FROM audit_records");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.putIfAbsent(rs.getString(1), "?");
            }
        }
        return out;
    }

    /** Per chain, where retention cut it: the last removed record's seq and hash. */
    static Map<String, Head> anchors(Connection c) throws SQLException {
        return readAnchors(c, "audit_anchors", "chain");
    }

    static void anchor(Connection c, String chain, Head h, long micros) throws SQLException {
        putAnchor(c, "audit_anchors", "chain", chain, h, micros);
    }

    /** Per node, the last checkpoint retention removed: its seq and hash (the node's sequence continues after it). */
    static Map<String, Head> checkpointAnchors(Connection c) throws SQLException {
        return readAnchors(c, "audit_checkpoint_anchors", "node");
    }

    static void checkpointAnchor(Connection c, String node, Head h, long micros) throws SQLException {
        putAnchor(c, "audit_checkpoint_anchors", "node", node, h, micros);
    }

    /** Reads a (key, seq, hash) anchor table; {@code table} and {@code key} are this class's constants, never input. */
    private static Map<String, Head> readAnchors(Connection c, String table, String key) throws SQLException {
        Map<String, Head> out = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT " + key + ", seq, hash FROM " + table);
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.put(rs.getString(1), new Head(rs.getLong(2), rs.getString(3)));
            }
        }
        return out;
    }

    private static void putAnchor(Connection c, String table, String key, String value, Head h, long micros) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + table + " (" + key + ", seq, hash, ts) VALUES (?, ?, ?, ?) "
                + "ON CONFLICT (" + key + ") DO UPDATE SET seq = excluded.seq, hash = excluded.hash, ts = excluded.ts")) {
            ps.setString(1, value);
            ps.setLong(2, h.seq());
            ps.setString(3, h.hash());
            ps.setLong(4, micros);
            ps.executeUpdate();
        }
    }

    /** The heads of every chain, for a checkpoint. */
    static List<Map.Entry<String, Head>> heads(Connection c) throws SQLException {
        List<Map.Entry<String, Head>> out = new ArrayList<>();
        for (String chain : chains(c).keySet()) {
            Head h = head(c, chain);
            if (h.seq() > 0) {
                out.add(Map.entry(chain, h));
            }
        }
        return out;
    }
}
