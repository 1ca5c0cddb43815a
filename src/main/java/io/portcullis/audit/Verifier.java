package io.portcullis.audit;

import io.portcullis.protocol.Json;
import io.portcullis.store.Store;
import java.security.PublicKey;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import tools.jackson.databind.JsonNode;

/**
 * Verifies the whole audit log (C4.2): every chain record by record, and every checkpoint's
 * signature. For each chain it reports the FIRST record where the chain breaks, and how:
 * <ul>
 *   <li>{@code modified}: a record's content no longer matches its hash, a search column no
 *       longer matches its content, or a record was changed and re-hashed (the next record, or a
 *       signed checkpoint, no longer links to it);</li>
 *   <li>{@code deleted}: records are missing (a gap in the numbers, a chain shorter than a
 *       checkpoint signed, or a start removed without a retention anchor confirmed by a
 *       {@code prune} record);</li>
 *   <li>{@code inserted}: a record that does not belong (two records follow the same predecessor);</li>
 *   <li>{@code reordered}: records are stored out of their order;</li>
 *   <li>{@code checkpoint}: a checkpoint whose signature does not verify, signed by an unknown key,
 *       changed, or missing from its node's sequence.</li>
 * </ul>
 * Records after the last checkpoint are chained but not yet signed; the report says how many.
 */
public final class Verifier {
    private final Store store;
    private final Map<String, PublicKey> keys;

    /** A signed head: checkpoint {@code by} says record {@code seq} of the chain has {@code hash}. */
    private record Claim(long seq, String hash, String by) {}

    /** One record row as read, hashed and parsed. */
    record Row(long position, String storedHash, String hash, JsonNode body, Columns stored, String error) {
        long seq() {
            return body.path("seq").asLong(-1);
        }

        String prev() {
            return body.path("prev").asString("");
        }
    }

    public Verifier(Store store, Map<String, PublicKey> keys) {
        this.store = store;
        this.keys = Map.copyOf(keys);
    }

    /**
     * Checks everything in the store.
     *
     * @throws java.sql.SQLException wrapped in a {@link io.portcullis.store.StoreException} when the store cannot be read
     */
    public Report run() {
        long t0 = System.nanoTime();
        try (Connection c = store.connection()) {
            c.setAutoCommit(false); // lets PostgreSQL stream with a cursor instead of loading every row
            List<Problem> cpProblems = new ArrayList<>();
            Map<String, List<Claim>> claims = new HashMap<>();
            int checkpoints = checkpoints(c, cpProblems, claims);
            Map<String, AuditTables.Head> anchors = AuditTables.anchors(c);
            List<ChainReport> chains = new ArrayList<>();
            long total = 0;
            for (String chain : AuditTables.chains(c).keySet()) {
                ChainScan scan = new ChainScan(c, chain, anchors.get(chain), claims.getOrDefault(chain, List.of()));
                ChainReport r = scan.run();
                total += r.records();
                chains.add(r);
            }
            c.commit();
            return new Report(chains, checkpoints, cpProblems, total, System.nanoTime() - t0);
        } catch (SQLException e) {
            throw new io.portcullis.store.StoreException("cannot read the audit log: " + e.getMessage(), e);
        }
    }

    private int checkpoints(Connection c, List<Problem> problems, Map<String, List<Claim>> claims) throws SQLException {
        List<Checkpoints.Row> rows = Checkpoints.all(c);
        Map<String, Checkpoints.Row> previous = new HashMap<>();
        for (Checkpoints.Row r : rows) {
            String name = "checkpoint " + r.node() + "#" + r.seq();
            Checkpoints.Row before = previous.put(r.node(), r);
            String bad = checkpointProblem(r, before);
            if (bad != null) {
                problems.add(new Problem(r.node(), r.seq(), "checkpoint", name + ": " + bad));
                continue;
            }
            for (JsonNode h : Json.parse(r.body()).path("heads")) {
                claims.computeIfAbsent(h.path("chain").asString(), k -> new ArrayList<>())
                        .add(new Claim(h.path("seq").asLong(), h.path("hash").asString(), name));
            }
        }
        return rows.size();
    }

    private String checkpointProblem(Checkpoints.Row r, Checkpoints.Row before) {
        if (!Canonical.sha256(r.body()).equals(r.hash())) {
            return "its content does not match its hash (modified)";
        }
        JsonNode body;
        try {
            body = Json.parse(r.body());
        } catch (RuntimeException e) {
            return "it is not valid JSON (modified)";
        }
        if (!r.node().equals(body.path("node").asString()) || r.seq() != body.path("seq").asLong(-1)
                || !r.keyId().equals(body.path("key").asString())) {
            return "its stored node, number or key differ from its content (modified)";
        }
        PublicKey key = keys.get(r.keyId());
        if (key == null) {
            return "signed by an unknown key " + r.keyId() + " (forged, or add the node's public key to audit.trusted_keys)";
        }
        byte[] sig;
        try {
            sig = Base64.getDecoder().decode(r.signature());
        } catch (IllegalArgumentException e) {
            return "its signature is not base64 (forged or modified)";
        }
        if (!SigningKeys.verify(key, r.body().getBytes(java.nio.charset.StandardCharsets.UTF_8), sig)) {
            return "its signature does not verify (forged or modified)";
        }
        long expected = before == null ? 1 : before.seq() + 1;
        String prev = before == null ? AuditTables.ZERO : before.hash();
        if (r.seq() != expected) {
            return "checkpoints " + expected + ".." + (r.seq() - 1) + " of node " + r.node() + " are missing (deleted)";
        }
        if (!prev.equals(body.path("prev").asString())) {
            return "it does not link to the node's previous checkpoint (a checkpoint was replaced)";
        }
        return null;
    }

    /** Walks one chain in stored order and stops at the first break. */
    private static final class ChainScan {
        private final Connection c;
        private final String chain;
        private final AuditTables.Head anchor;
        private final Map<Long, Claim> claims = new HashMap<>();
        private long maxClaim;

        ChainScan(Connection c, String chain, AuditTables.Head anchor, List<Claim> claimList) {
            this.c = c;
            this.chain = chain;
            this.anchor = anchor;
            for (Claim cl : claimList) {
                if (anchor == null || cl.seq() > anchor.seq()) {
                    Claim old = claims.get(cl.seq());
                    if (old == null || !old.hash().equals(cl.hash())) {
                        claims.put(cl.seq(), old == null ? cl : new Claim(cl.seq(), "conflict", old.by() + " and " + cl.by()));
                    }
                    maxClaim = Math.max(maxClaim, cl.seq());
                }
            }
        }

        ChainReport run() throws SQLException {
            long expected = anchor == null ? 1 : anchor.seq() + 1;
            String prevHash = anchor == null ? AuditTables.ZERO : anchor.hash();
            Row prevRow = null;
            boolean anchorConfirmed = anchor == null;
            long count = 0;
            long first = -1;
            long signedThrough = anchor == null ? 0 : anchor.seq();
            Problem problem = null;
            try (PreparedStatement ps = c.prepareStatement("SELECT seq, ts, kind, env, call_id, subject, tool, decision, "
                    + "trace_id, request_id, hash, body FROM audit_records WHERE chain = ? ORDER BY seq")) {
                ps.setFetchSize(2000);
                ps.setString(1, chain);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        Row r = read(rs);
                        count++;
                        if (first < 0) {
                            first = r.position();
                        }
                        problem = check(r, prevRow, expected, prevHash);
                        if (problem != null) {
                            break;
                        }
                        JsonNode prune = r.body().path("rec").path("prune");
                        if (anchor != null && prune.path("through_seq").asLong(-1) == anchor.seq()
                                && anchor.hash().equals(prune.path("anchor_hash").asString()) && chain.equals(prune.path("chain").asString())) {
                            anchorConfirmed = true;
                        }
                        if (claims.containsKey(r.seq())) {
                            signedThrough = r.seq();
                        }
                        expected = r.seq() + 1;
                        prevHash = r.hash();
                        prevRow = r;
                    }
                }
            }
            long last = expected - 1;
            if (problem == null && !anchorConfirmed) {
                problem = new Problem(chain, anchor.seq(), "deleted", "records up to seq " + anchor.seq()
                        + " were removed and an anchor set, but no prune record confirms that anchor (deleted outside retention)");
            }
            if (problem == null && maxClaim > last) {
                Claim cl = claims.get(maxClaim);
                problem = new Problem(chain, last + 1, "deleted", "records " + (last + 1) + ".." + maxClaim
                        + " are missing: " + cl.by() + " signed the chain up to seq " + maxClaim + " (deleted)");
            }
            return new ChainReport(chain, count, first, last, anchor == null ? null : anchor.seq(), signedThrough, problem);
        }

        private Problem check(Row r, Row prevRow, long expected, String prevHash) throws SQLException {
            long p = r.position();
            if (r.error() != null) {
                return new Problem(chain, p, "modified", "record at position " + p + " is not a valid record: " + r.error());
            }
            if (!r.hash().equals(r.storedHash())) {
                return new Problem(chain, p, "modified", "record " + p + " was modified: its content does not match its hash");
            }
            long s = r.seq();
            if (!chain.equals(r.body().path("chain").asString())) {
                return new Problem(chain, p, "inserted", "record at position " + p + " belongs to chain "
                        + r.body().path("chain").asString() + " (inserted)");
            }
            if (s > expected) {
                if (existsLater(p, expected)) {
                    return new Problem(chain, p, "reordered", "record " + s + " is stored at position " + p
                            + ", before record " + expected + " (reordered)");
                }
                return new Problem(chain, expected, "deleted", (s - expected == 1 ? "record " + expected + " is"
                        : "records " + expected + ".." + (s - 1) + " are") + " missing (deleted); the next record present is " + s);
            }
            if (s < expected) {
                if (prevRow != null && s == prevRow.seq() && r.prev().equals(prevRow.prev())) {
                    return new Problem(chain, prevRow.position(), "inserted", "record at position " + prevRow.position()
                            + " was inserted: it and the record after it both claim to follow record " + (s - 1));
                }
                return new Problem(chain, p, "reordered", "record " + s + " is stored at position " + p
                        + ", after record " + (expected - 1) + " (reordered)");
            }
            if (!r.prev().equals(prevHash)) {
                if (prevRow != null && r.prev().equals(prevRow.prev())) {
                    return new Problem(chain, prevRow.position(), "inserted", "record at position " + prevRow.position()
                            + " was inserted: it and the record after it both follow record " + (s - 2));
                }
                if (prevRow == null) {
                    return new Problem(chain, s, "modified", "record " + s + " does not link to "
                            + (anchor == null ? "the start of the chain" : "the retention anchor at seq " + anchor.seq()) + " (modified)");
                }
                return new Problem(chain, prevRow.seq(), "modified", "record " + prevRow.seq()
                        + " was modified and re-hashed: record " + s + " no longer links to it");
            }
            if (p != s) {
                return new Problem(chain, p, "modified", "record " + s + " is stored at position " + p + " (renumbered)");
            }
            Columns derived;
            try {
                derived = Columns.of(r.body().path("rec"));
            } catch (RuntimeException e) {
                return new Problem(chain, p, "modified", "record " + p + " has no valid time or kind: " + e.getMessage());
            }
            if (!derived.equals(r.stored())) {
                return new Problem(chain, p, "modified", "record " + p + ": its search columns no longer match its content "
                        + "(stored " + r.stored() + ", content says " + derived + ")");
            }
            Claim cl = claims.get(s);
            if (cl != null && !cl.hash().equals(r.hash())) {
                return new Problem(chain, s, "modified", "record " + s + " differs from the one " + cl.by()
                        + " signed: the chain was rewritten at or before seq " + s);
            }
            return null;
        }

        private boolean existsLater(long position, long seq) throws SQLException {
            try (PreparedStatement ps = c.prepareStatement("SELECT body FROM audit_records WHERE chain = ? AND seq > ? ORDER BY seq")) {
                ps.setString(1, chain);
                ps.setLong(2, position);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        try {
                            if (Json.parse(rs.getString(1)).path("seq").asLong(-1) == seq) {
                                return true;
                            }
                        } catch (RuntimeException ignored) {
                            // a broken body is not the one we look for
                        }
                    }
                }
            }
            return false;
        }
    }

    static Row read(ResultSet rs) throws SQLException {
        long position = rs.getLong(1);
        Columns stored = new Columns(rs.getLong(2), rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6),
                rs.getString(7), rs.getString(8), rs.getString(9), rs.getString(10));
        String storedHash = rs.getString(11);
        String body = rs.getString(12);
        String hash = Canonical.sha256(body);
        try {
            JsonNode node = Json.parse(body);
            if (!node.isObject() || !node.path("rec").isObject()) {
                return new Row(position, storedHash, hash, Json.object(), stored, "not a record object");
            }
            return new Row(position, storedHash, hash, node, stored, null);
        } catch (RuntimeException e) {
            return new Row(position, storedHash, hash, Json.object(), stored, "not valid JSON");
        }
    }

    /** The first break found in a verified thing. */
    public record Problem(String chain, long seq, String kind, String message) {}

    /**
     * One chain's result.
     *
     * @param signedThrough the highest seq a valid checkpoint vouches for (records after it are chained but unsigned)
     */
    public record ChainReport(String chain, long records, long firstSeq, long lastSeq, Long anchorSeq, long signedThrough,
                              Problem problem) {}

    /** Everything verify found. */
    public record Report(List<ChainReport> chains, int checkpoints, List<Problem> checkpointProblems, long records, long nanos) {
        public boolean intact() {
            return checkpointProblems.isEmpty() && chains.stream().allMatch(c -> c.problem() == null);
        }

        /** The first problem of every chain, then the checkpoint problems. */
        public List<Problem> problems() {
            List<Problem> out = new ArrayList<>();
            chains.stream().map(ChainReport::problem).filter(Objects::nonNull).forEach(out::add);
            out.addAll(checkpointProblems);
            return out;
        }

        public double recordsPerSecond() {
            return nanos == 0 ? 0 : records * 1e9 / nanos;
        }
    }
}
