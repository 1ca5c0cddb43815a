package io.portcullis.audit;

import io.portcullis.protocol.Json;
import io.portcullis.store.Store;
import io.portcullis.store.StoreException;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import tools.jackson.databind.JsonNode;

/**
 * Verifies the whole audit log (C4.2): every chain record by record, and every checkpoint's
 * signature. For each chain it reports every record where the chain breaks (#11 item 3: not only
 * the first, up to {@link ChainScan#MAX_PROBLEMS}), and how:
 * <ul>
 *   <li>{@code modified}: a record's content no longer matches its hash, a search column no
 *       longer matches the hashed index, or a record was changed and re-hashed (the next record,
 *       or a signed checkpoint, no longer links to it);</li>
 *   <li>{@code deleted}: records are missing (a gap in the numbers, a chain shorter than a
 *       checkpoint signed, or a start removed without a retention anchor confirmed by a
 *       {@code prune} record);</li>
 *   <li>{@code inserted}: a record that does not belong (two records follow the same predecessor);</li>
 *   <li>{@code reordered}: records are stored out of their order;</li>
 *   <li>{@code checkpoint}: a checkpoint whose signature does not verify, signed by an unknown key,
 *       changed, or missing from its node's sequence.</li>
 * </ul>
 * Records after the last checkpoint are chained but not yet signed; the report says how many.
 * Hashing and parsing run on every core; linking runs in order.
 */
public final class Verifier {
    static final int PARALLELISM = Math.max(1, Runtime.getRuntime().availableProcessors());

    private final Store store;
    private final Map<String, PublicKey> keys;
    private Map<String, KeyRotation.Retired> retired = Map.of();
    /** Runs once the checkpoints are read and before the chains are: a test's way to change the file mid-read (#21 item 13). */
    private Runnable midRead = () -> {};

    /** A signed head: checkpoint {@code by} says record {@code seq} of the chain has {@code hash}. */
    record Claim(long seq, String hash, String by) {}

    /**
     * @param keys the public keys whose checkpoints are accepted, by fingerprint
     */
    public Verifier(Store store, Map<String, PublicKey> keys) {
        this.store = store;
        this.keys = Map.copyOf(keys);
    }

    /** For tests: {@code hook} runs in the middle of {@link #run}, between the checkpoints and the chains. */
    Verifier midRead(Runnable hook) {
        this.midRead = hook;
        return this;
    }

    /**
     * Checks everything in the store.
     *
     * @throws StoreException when the store cannot be read (that is not a verdict: nothing was checked)
     */
    public Report run() {
        long t0 = System.nanoTime();
        ExecutorService workers = Executors.newFixedThreadPool(PARALLELISM,
                r -> Thread.ofPlatform().name("audit-verify").daemon(true).unstarted(r));
        // no PRAGMA mmap_size (#21 item 13): a memory-mapped database file that shrinks or disappears under
        // verify (another process, a restore, an operator) raises SIGBUS in native code and kills the process;
        // read() per page turns the same event into an SQLException, which verify reports
        try {
            // one transaction: lets PostgreSQL stream with a cursor instead of loading every row
            return store.inTransaction(c -> read(c, workers, t0));
        } catch (SQLException e) {
            throw new StoreException("cannot read the audit log: " + e.getMessage(), e);
        } finally {
            workers.shutdownNow();
        }
    }

    /** Checks every checkpoint and chain, reading on {@code c} inside the one transaction of {@link #run}. */
    private Report read(Connection c, ExecutorService workers, long t0) throws SQLException {
        List<Problem> cpProblems = new ArrayList<>();
        Map<String, List<Claim>> claims = new HashMap<>();
        Map<String, AuditTables.Head> cpAnchors = AuditTables.checkpointAnchors(c);
        int checkpoints = checkpoints(c, cpAnchors, cpProblems, claims);
        Map<String, AuditTables.Head> anchors = AuditTables.anchors(c);
        midRead.run();
        List<ChainReport> chains = new ArrayList<>();
        Set<String> confirmed = new HashSet<>();
        long total = 0;
        for (String chain : AuditTables.allChains(c).keySet()) {
            ChainReport r = new ChainScan(c, workers, chain, anchors.get(chain), claims.getOrDefault(chain, List.of()), confirmed).run();
            total += r.records();
            chains.add(r);
        }
        cpAnchors.forEach((node, a) -> {
            if (!confirmed.contains(ChainScan.checkpointAnchor(node, a.seq(), a.hash()))) {
                cpProblems.add(new Problem(node, a.seq(), "checkpoint", "checkpoints 1.." + a.seq() + " of node " + node
                        + " were removed and an anchor set, but no prune record confirms that anchor (deleted outside retention)"));
            }
        });
        return new Report(chains, checkpoints, cpProblems, total, System.nanoTime() - t0);
    }

    private int checkpoints(Connection c, Map<String, AuditTables.Head> anchors, List<Problem> problems,
                            Map<String, List<Claim>> claims) throws SQLException {
        List<Checkpoints.Row> rows = Checkpoints.all(c);
        retired = KeyRotation.retired(rows, keys); // #11 item 18: keys the chain itself says were rotated out
        Map<String, AuditTables.Head> previous = new HashMap<>(anchors); // a node's sequence starts after its anchor
        for (Checkpoints.Row r : rows) {
            String name = "checkpoint " + r.node() + "#" + r.seq();
            AuditTables.Head before = previous.put(r.node(), new AuditTables.Head(r.seq(), r.hash()));
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

    private String checkpointProblem(Checkpoints.Row r, AuditTables.Head before) {
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
        PublicKey key = KeyRotation.key(r.keyId(), r.node(), r.seq(), keys, retired);
        if (key == null) {
            return "signed by an unknown key " + r.keyId() + " (forged, or add the node's public key to audit.trusted_keys; "
                    + "to change a node's key use portcullis audit rotate-key)";
        }
        byte[] sig;
        try {
            sig = Base64.getDecoder().decode(r.signature());
        } catch (IllegalArgumentException e) {
            return "its signature is not base64 (forged or modified)";
        }
        if (!SigningKeys.verify(key, r.body().getBytes(StandardCharsets.UTF_8), sig)) {
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

    /** The first break found in a chain, or a bad checkpoint ({@code chain} is then the node). */
    public record Problem(String chain, long seq, String kind, String message) {}

    /**
     * One chain's result.
     *
     * @param signedThrough the highest seq a valid checkpoint vouches for (records after it are chained but unsigned)
     */
    public record ChainReport(String chain, long records, long firstSeq, long lastSeq, Long anchorSeq, long signedThrough,
                              List<Problem> problems) {
        /** The first problem of the chain, or null when it is intact. */
        public Problem problem() {
            return problems.isEmpty() ? null : problems.getFirst();
        }
    }

    /** Everything verify found. */
    public record Report(List<ChainReport> chains, int checkpoints, List<Problem> checkpointProblems, long records, long nanos) {
        public boolean intact() {
            return checkpointProblems.isEmpty() && chains.stream().allMatch(c -> c.problem() == null);
        }

        /** Every problem of every chain, then the checkpoint problems. */
        public List<Problem> problems() {
            List<Problem> out = new ArrayList<>();
            chains.forEach(c -> out.addAll(c.problems()));
            out.addAll(checkpointProblems);
            return out;
        }

        public double recordsPerSecond() {
            return nanos == 0 ? 0 : records * 1e9 / nanos;
        }
    }
}
