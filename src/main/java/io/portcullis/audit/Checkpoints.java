package io.portcullis.audit;

import io.portcullis.protocol.Json;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Signed checkpoints (C4.2). A checkpoint is a canonical JSON body naming the head (seq and hash)
 * of every chain the node sees in the store, its own number and the hash of the node's previous
 * checkpoint, signed with the node's Ed25519 key. Checkpoints tie the nodes' chains together: a
 * record rewritten after a checkpoint covered it no longer matches the signed head, and a chain
 * cut short no longer reaches it.
 */
final class Checkpoints {
    /** The last checkpoint a node wrote: its number and hash (0 and zeros before the first). */
    record Last(long seq, String hash) {}

    private final String node;
    private final KeyPair key;
    private final String keyId;

    Checkpoints(String node, KeyPair key) {
        this.node = node;
        this.key = key;
        this.keyId = SigningKeys.fingerprint(key.getPublic());
    }

    static Last last(Connection c, String node) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT seq, hash FROM audit_checkpoints WHERE node = ? ORDER BY seq DESC LIMIT 1")) {
            ps.setString(1, node);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? new Last(rs.getLong(1), rs.getString(2)) : new Last(0, AuditTables.ZERO);
            }
        }
    }

    /** Writes the next checkpoint over every chain's head, inside the caller's transaction. */
    Last write(Connection c, Last previous) throws SQLException {
        return write(c, previous, Map.of());
    }

    /** As {@link #write(Connection, Last)}, with extra signed fields (a key rotation's, {@link KeyRotation}). */
    Last write(Connection c, Last previous, Map<String, String> extra) throws SQLException {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        ObjectNode body = Json.object();
        ArrayNode heads = body.putArray("heads");
        for (Map.Entry<String, AuditTables.Head> h : AuditTables.heads(c)) {
            heads.addObject().put("chain", h.getKey()).put("seq", h.getValue().seq()).put("hash", h.getValue().hash());
        }
        long seq = previous.seq() + 1;
        body.put("key", keyId).put("node", node).put("prev", previous.hash()).put("seq", seq).put("time", now.toString());
        extra.forEach(body::put);
        String text = Canonical.encode(body);
        String hash = Canonical.sha256(text);
        String sig = Base64.getEncoder().encodeToString(SigningKeys.sign(key.getPrivate(), text.getBytes(StandardCharsets.UTF_8)));
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO audit_checkpoints (node, seq, ts, key_id, hash, body, signature) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, node);
            ps.setLong(2, seq);
            ps.setLong(3, Columns.micros(now));
            ps.setString(4, keyId);
            ps.setString(5, hash);
            ps.setString(6, text);
            ps.setString(7, sig);
            ps.executeUpdate();
        }
        return new Last(seq, hash);
    }

    /**
     * Retention (C4.2): removes this node's oldest checkpoints that vouch only for records retention
     * already removed (every head they sign is at or before its chain's anchor, so verify has nothing
     * left to check them against), keeping at least the newest one, and moves the node's checkpoint
     * anchor to the last one removed. Runs in the retention job's transaction, after the records'
     * anchors moved.
     *
     * @return the node's checkpoint anchor after this (null when it never had one), and how many were removed
     */
    static Pruned prune(Connection c, String node, Map<String, AuditTables.Head> recordAnchors, long micros) throws SQLException {
        AuditTables.Head anchor = AuditTables.checkpointAnchors(c).get(node);
        AuditTables.Head through = null;
        try (PreparedStatement ps = c.prepareStatement("SELECT seq, hash, body FROM audit_checkpoints WHERE node = ? AND seq < "
                + "(SELECT MAX(seq) FROM audit_checkpoints WHERE node = ?) ORDER BY seq")) {
            ps.setString(1, node);
            ps.setString(2, node);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next() && onlyPruned(rs.getString(3), recordAnchors)) {
                    through = new AuditTables.Head(rs.getLong(1), rs.getString(2));
                }
            }
        }
        if (through == null) {
            return new Pruned(anchor, 0);
        }
        int deleted;
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM audit_checkpoints WHERE node = ? AND seq <= ?")) {
            ps.setString(1, node);
            ps.setLong(2, through.seq());
            deleted = ps.executeUpdate();
        }
        AuditTables.checkpointAnchor(c, node, through, micros);
        return new Pruned(through, deleted);
    }

    /** The checkpoint anchor after a retention run, and the number of checkpoints it removed. */
    record Pruned(AuditTables.Head anchor, int deleted) {}

    private static boolean onlyPruned(String body, Map<String, AuditTables.Head> recordAnchors) {
        for (var h : Json.parse(body).path("heads")) {
            AuditTables.Head a = recordAnchors.get(h.path("chain").asString());
            if (a == null || h.path("seq").asLong(Long.MAX_VALUE) > a.seq()) {
                return false;
            }
        }
        return true;
    }

    /** One stored checkpoint row, as verify reads it. */
    record Row(String node, long seq, String keyId, String hash, String body, String signature) {}

    static List<Row> all(Connection c) throws SQLException {
        List<Row> out = new java.util.ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT node, seq, key_id, hash, body, signature FROM audit_checkpoints ORDER BY node, seq");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new Row(rs.getString(1), rs.getLong(2), rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6)));
            }
        }
        return out;
    }
}
