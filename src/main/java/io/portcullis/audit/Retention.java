package io.portcullis.audit;

import io.portcullis.protocol.Json;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.node.ObjectNode;

/**
 * Retention per environment (C4.2). Records are deleted only from the start of a chain, so what
 * remains is still one unbroken chain: the anchor keeps the seq and hash of the last deleted
 * record, and verification starts from it. The pruning is itself recorded: a {@code prune} record
 * naming the anchor is appended to the same chain in the same transaction, and verify accepts an
 * anchor only when such a record confirms it. A node's checkpoints that only vouch for removed
 * records are removed with them (the newest one always stays), leaving a checkpoint anchor that
 * the same prune records name.
 */
final class Retention {
    private Retention() {}

    static AuditWriter.Job job(AuditConfig config, String node, Instant now, List<String> report) {
        return (c, w) -> {
            Map<String, AuditTables.Head> anchors = AuditTables.anchors(c);
            List<Pruned> pruned = new ArrayList<>();
            for (Map.Entry<String, String> chain : AuditTables.chains(c).entrySet()) {
                if (!chain.getKey().startsWith(node + "/")) {
                    continue; // each node prunes only its own chains: no cross-node writes
                }
                Optional<Duration> keep = config.retentionOf(chain.getValue());
                if (keep.isPresent()) {
                    Pruned p = prune(c, w, chain.getKey(), chain.getValue(), now, keep.get(), anchors.get(chain.getKey()), report);
                    if (p != null) {
                        pruned.add(p);
                    }
                }
            }
            if (pruned.isEmpty()) {
                return;
            }
            // the node's checkpoints that only vouch for removed records go too; the prune records
            // name where its checkpoint sequence now starts, so verify can tell this from a deletion
            Checkpoints.Pruned cp = Checkpoints.prune(c, node, AuditTables.anchors(c), Columns.micros(now));
            if (cp.deleted() > 0) {
                report.add(node + ": deleted " + cp.deleted() + " checkpoint(s) through #" + cp.anchor().seq()
                        + " (they only covered removed records); anchor kept");
            }
            for (Pruned p : pruned) {
                record(c, w, node, p, cp.anchor());
            }
        };
    }

    /** One chain's pruning, before its prune record is written. */
    private record Pruned(String chain, String env, AuditTables.Head head, long through, String hash, int deleted,
                          Instant cutoff, Duration keep) {}

    private static Pruned prune(Connection c, AuditWriter w, String chain, String env, Instant now, Duration keep,
                                AuditTables.Head anchor, List<String> report) throws SQLException {
        Instant cutoff = now.minus(keep);
        AuditTables.Head head = w.head(c, chain, env);
        Long firstKept = single(c, "SELECT MIN(seq) FROM audit_records WHERE chain = ? AND ts >= ?", chain, Columns.micros(cutoff));
        long through = firstKept == null ? head.seq() : firstKept - 1;
        if (through <= (anchor == null ? 0 : anchor.seq())) {
            return null;
        }
        String hash;
        try (PreparedStatement ps = c.prepareStatement("SELECT hash FROM audit_records WHERE chain = ? AND seq = ?")) {
            ps.setString(1, chain);
            ps.setLong(2, through);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    report.add(chain + ": record " + through + " is missing; not pruned (run verify)");
                    return null;
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
        AuditTables.anchor(c, chain, new AuditTables.Head(through, hash), Columns.micros(now));
        report.add(chain + ": deleted " + deleted + " record(s) through seq " + through + " (older than " + keep + "); anchor kept");
        return new Pruned(chain, env, head, through, hash, deleted, cutoff, keep);
    }

    /** Appends the {@code prune} record that confirms the chain's new anchor and the node's checkpoint anchor. */
    private static void record(Connection c, AuditWriter w, String node, Pruned p, AuditTables.Head checkpointAnchor)
            throws SQLException {
        ObjectNode rec = Json.object().put("kind", "prune").put("time", Instant.now().truncatedTo(ChronoUnit.MICROS).toString())
                .put("node", node).put("environment", p.env());
        ObjectNode prune = rec.putObject("prune").put("chain", p.chain()).put("through_seq", p.through()).put("anchor_hash", p.hash())
                .put("deleted", p.deleted()).put("cutoff", p.cutoff().truncatedTo(ChronoUnit.MICROS).toString())
                .put("retention", p.keep().toString());
        if (checkpointAnchor != null) {
            prune.putObject("checkpoints").put("node", node).put("through_seq", checkpointAnchor.seq())
                    .put("anchor_hash", checkpointAnchor.hash());
        }
        try (PreparedStatement ps = c.prepareStatement(AuditTables.INSERT)) {
            AuditWriter.Appended a = w.link(ps, p.chain(), p.head(), Canonical.encode(rec), Columns.of(rec));
            ps.executeBatch();
            w.advanced(p.chain(), new AuditTables.Head(a.seq(), a.hash()));
        }
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
