package io.portcullis.audit;

import io.portcullis.protocol.Json;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.node.ObjectNode;

/**
 * Retention per environment (C4.2). Records are deleted only from the start of a chain, so what
 * remains is still one unbroken chain: the anchor keeps the seq and hash of the last deleted
 * record, and verification starts from it. The pruning is itself recorded: a {@code prune} record
 * naming the anchor is appended to the same chain in the same transaction, and verify accepts an
 * anchor only when such a record confirms it.
 */
final class Retention {
    private Retention() {}

    static AuditWriter.Job job(AuditConfig config, String node, Instant now, List<String> report) {
        return (c, w) -> {
            Map<String, AuditTables.Head> anchors = AuditTables.anchors(c);
            for (Map.Entry<String, String> chain : AuditTables.chains(c).entrySet()) {
                if (!chain.getKey().startsWith(node + "/")) {
                    continue; // each node prunes only its own chains: no cross-node writes
                }
                Optional<Duration> keep = config.retentionOf(chain.getValue());
                if (keep.isPresent()) {
                    prune(c, w, chain.getKey(), chain.getValue(), now, keep.get(), anchors.get(chain.getKey()), node, report);
                }
            }
        };
    }

    private static void prune(Connection c, AuditWriter w, String chain, String env, Instant now, Duration keep,
                              AuditTables.Head anchor, String node, List<String> report) throws SQLException {
        Instant cutoff = now.minus(keep);
        AuditTables.Head head = w.head(c, chain, env);
        Long firstKept = single(c, "SELECT MIN(seq) FROM audit_records WHERE chain = ? AND ts >= ?", chain, Columns.micros(cutoff));
        long through = firstKept == null ? head.seq() : firstKept - 1;
        if (through <= (anchor == null ? 0 : anchor.seq())) {
            return;
        }
        String hash;
        try (PreparedStatement ps = c.prepareStatement("SELECT hash FROM audit_records WHERE chain = ? AND seq = ?")) {
            ps.setString(1, chain);
            ps.setLong(2, through);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    report.add(chain + ": record " + through + " is missing; not pruned (run verify)");
                    return;
                }
                hash = rs.getString(1);
            }
        }
        int deleted;
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM audit_records WHERE chain = ? AND seq <= ?")) {
            ps.setString(1, chain);
            ps.setLong(2, through);
            deleted = ps.executeUpdate();
        }
        AuditTables.Head newAnchor = new AuditTables.Head(through, hash);
        AuditTables.anchor(c, chain, newAnchor, Columns.micros(now));
        ObjectNode rec = Json.object().put("kind", "prune").put("time", Instant.now().truncatedTo(ChronoUnit.MICROS).toString())
                .put("node", node).put("environment", env);
        rec.putObject("prune").put("chain", chain).put("through_seq", through).put("anchor_hash", hash)
                .put("deleted", deleted).put("cutoff", cutoff.truncatedTo(ChronoUnit.MICROS).toString())
                .put("retention", keep.toString());
        try (PreparedStatement ps = c.prepareStatement(AuditTables.INSERT)) {
            AuditWriter.Appended a = w.link(ps, chain, head, Canonical.encode(rec), Columns.of(rec));
            ps.executeBatch();
            w.advanced(chain, new AuditTables.Head(a.seq(), a.hash()));
        }
        report.add(chain + ": deleted " + deleted + " record(s) through seq " + through + " (older than " + keep + "); anchor kept");
    }

    private static Long single(Connection c, String sql, String chain, long micros) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, chain);
            ps.setLong(2, micros);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    long v = rs.getLong(1);
                    return rs.wasNull() ? null : v;
                }
                return null;
            }
        }
    }
}
