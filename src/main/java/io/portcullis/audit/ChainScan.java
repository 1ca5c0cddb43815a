package io.portcullis.audit;

import io.portcullis.audit.Verifier.Claim;
import io.portcullis.audit.Verifier.Problem;
import io.portcullis.protocol.Json;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import tools.jackson.databind.JsonNode;

/**
 * Verifies one chain: reads its rows in stored order, hashes and parses them on the verify
 * workers, links them here in order, and reports every break, saying what kind it is: after a
 * break the scan restarts at the next record (#11 item 3), so a record that cannot be read or a
 * column that does not match does not hide tampering further on.
 */
final class ChainScan {
    private static final int CHUNK = 2048;
    /** A chain with more problems than this is not worth reading further: it is reported as such. */
    static final int MAX_PROBLEMS = 1000;

    private final Connection c;
    private final ExecutorService workers;
    private final String chain;
    private final AuditTables.Head anchor;
    private final Map<Long, Claim> claims = new HashMap<>();
    /** The claimed seqs in order: checked against the records as they stream by, without boxing. */
    private final long[] claimSeqs;
    private int nextClaim;
    /** Position minus seq of the records since the last restart: 0 unless a break renumbered what follows. */
    private long shift;
    /** Seqs reported as stored later than their place: skipped (not linked again) when they come by. */
    private final java.util.Set<Long> owed = new java.util.HashSet<>();
    private boolean lastRowClaimed;
    private long maxClaim;

    /** Checkpoint anchors that prune records of the chains scanned so far confirm ({@link #checkpointAnchor}). */
    private final Set<String> confirmedCheckpointAnchors;

    ChainScan(Connection c, ExecutorService workers, String chain, AuditTables.Head anchor, List<Claim> claimList,
              Set<String> confirmedCheckpointAnchors) {
        this.c = c;
        this.confirmedCheckpointAnchors = confirmedCheckpointAnchors;
        this.workers = workers;
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
        claimSeqs = claims.keySet().stream().mapToLong(Long::longValue).sorted().toArray();
    }

    /** The claim on {@code seq}, or null; seqs must be asked in increasing order. */
    private Claim claimAt(long seq) {
        while (nextClaim < claimSeqs.length && claimSeqs[nextClaim] < seq) {
            nextClaim++;
        }
        return nextClaim < claimSeqs.length && claimSeqs[nextClaim] == seq ? claims.get(seq) : null;
    }

    Verifier.ChainReport run() throws SQLException {
        long expected = anchor == null ? 1 : anchor.seq() + 1;
        String prevHash = anchor == null ? AuditTables.ZERO : anchor.hash();
        StoredRow prevRow = null;
        boolean anchorConfirmed = anchor == null;
        long count = 0;
        long first = -1;
        long signedThrough = anchor == null ? 0 : anchor.seq();
        List<Problem> problems = new ArrayList<>();
        boolean resync = false;
        try (PreparedStatement ps = c.prepareStatement(StoredRow.SELECT + " WHERE chain = ? ORDER BY seq")) {
            ps.setFetchSize(CHUNK);
            ps.setString(1, chain);
            try (ResultSet rs = ps.executeQuery()) {
                Deque<Future<List<StoredRow>>> inFlight = new ArrayDeque<>();
                boolean more = true;
                while (problems.size() < MAX_PROBLEMS) {
                    while (more && inFlight.size() < 2 * Verifier.PARALLELISM) {
                        List<StoredRow.Raw> chunk = new ArrayList<>(CHUNK);
                        while (chunk.size() < CHUNK && (more = rs.next())) {
                            chunk.add(StoredRow.raw(rs));
                        }
                        if (!chunk.isEmpty()) {
                            inFlight.add(workers.submit(() -> chunk.stream().map(StoredRow::digest).toList()));
                        }
                    }
                    if (inFlight.isEmpty()) {
                        break;
                    }
                    for (StoredRow r : join(inFlight.poll())) {
                        count++;
                        if (first < 0) {
                            first = r.position();
                        }
                        if (r.index() != null && r.seq() < expected && owed.remove(r.seq())) {
                            // a record already reported as stored out of order: checked on its own, not linked
                            Problem own = start(r);
                            if (own != null) {
                                problems.add(own);
                            }
                            continue;
                        }
                        Problem problem = resync ? start(r) : check(r, prevRow, expected, prevHash);
                        resync = false;
                        if (problem != null) {
                            // #11 item 3: report it and go on; the next record is checked as a new start,
                            // so one break does not hide a later one (nor is it reported once per record after it)
                            problems.add(problem);
                            if (problems.size() >= MAX_PROBLEMS) {
                                problems.add(new Problem(chain, p(r), "stopped", "more than " + MAX_PROBLEMS
                                        + " problems in this chain: verify stopped checking it here"));
                                break;
                            }
                            resync = true;
                            if (r.index() != null) {
                                expected = Math.max(expected, r.seq() + 1);
                            }
                            prevHash = r.storedHash();
                            prevRow = r.error() == null ? r : prevRow;
                            continue;
                        }
                        if ("prune".equals(r.index().columns().kind()) && confirms(r)) {
                            anchorConfirmed = true;
                        }
                        if (lastRowClaimed) {
                            signedThrough = r.seq();
                        }
                        expected = r.seq() + 1;
                        prevHash = r.hash();
                        prevRow = r;
                    }
                }
                inFlight.forEach(f -> f.cancel(true));
            }
        }
        long last = expected - 1;
        if (!anchorConfirmed) {
            problems.add(new Problem(chain, anchor.seq(), "deleted", "records up to seq " + anchor.seq()
                    + " were removed and an anchor set, but no prune record confirms that anchor (deleted outside retention)"));
        }
        if (maxClaim > last) {
            problems.add(new Problem(chain, last + 1, "deleted", "records " + (last + 1) + ".." + maxClaim + " are missing: "
                    + claims.get(maxClaim).by() + " signed the chain up to seq " + maxClaim + " (deleted)"));
        }
        return new Verifier.ChainReport(chain, count, first, last, anchor == null ? null : anchor.seq(), signedThrough,
                List.copyOf(problems));
    }

    /**
     * Whether a prune record names this chain's anchor (the anchor is legitimate retention); also
     * notes the checkpoint anchor it names, for the node that wrote this chain.
     */
    private boolean confirms(StoredRow r) {
        JsonNode prune = Json.parse(r.body()).path("record").path("prune");
        JsonNode cp = prune.path("checkpoints");
        String node = cp.path("node").asString();
        if (cp.isObject() && chain.startsWith(node + "/")) {
            confirmedCheckpointAnchors.add(checkpointAnchor(node, cp.path("through_seq").asLong(-1), cp.path("anchor_hash").asString()));
        }
        return anchor != null && prune.path("through_seq").asLong(-1) == anchor.seq() && anchor.hash().equals(prune.path("anchor_hash").asString())
                && chain.equals(prune.path("chain").asString());
    }

    static String checkpointAnchor(String node, long seq, String hash) {
        return node + "#" + seq + "#" + hash;
    }

    private static long p(StoredRow r) {
        return r.position();
    }

    /**
     * The checks of a record that restarts the scan after a problem: it must be itself intact
     * (content matches its hash, readable, in this chain, its columns match, what a checkpoint
     * signed); how it links to the broken part before it was already reported.
     */
    private Problem start(StoredRow r) {
        long p = r.position();
        if (!r.hash().equals(r.storedHash())) {
            return new Problem(chain, p, "modified", "record " + p + " was modified: its content does not match its hash");
        }
        if (r.error() != null) {
            return new Problem(chain, p, "modified", "record at position " + p + " is not a valid record: " + r.error());
        }
        shift = p - r.seq(); // records after an insertion or deletion keep the numbering they were found with
        if (!chain.equals(r.chain())) {
            return new Problem(chain, p, "inserted", "record at position " + p + " belongs to chain " + r.chain() + " (inserted)");
        }
        if (!r.index().columns().equals(r.stored())) {
            return new Problem(chain, p, "modified", "record " + p + ": its search columns no longer match its content "
                    + "(stored " + r.stored() + ", hashed " + r.index().columns() + ")");
        }
        Claim cl = claimAt(r.seq());
        lastRowClaimed = cl != null;
        if (cl != null && !cl.hash().equals(r.hash())) {
            return new Problem(chain, r.seq(), "modified", "record " + r.seq() + " differs from the one " + cl.by()
                    + " signed: the chain was rewritten at or before seq " + r.seq());
        }
        return null;
    }

    private Problem check(StoredRow r, StoredRow prevRow, long expected, String prevHash) throws SQLException {
        long p = r.position();
        if (!r.hash().equals(r.storedHash())) {
            return new Problem(chain, p, "modified", "record " + p + " was modified: its content does not match its hash");
        }
        if (r.error() != null) {
            return new Problem(chain, p, "modified", "record at position " + p + " is not a valid record: " + r.error());
        }
        long s = r.seq();
        if (!chain.equals(r.chain())) {
            return new Problem(chain, p, "inserted", "record at position " + p + " belongs to chain " + r.chain() + " (inserted)");
        }
        if (s > expected) {
            if (existsLater(p, expected)) {
                owed.add(expected);
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
        if (p - s != shift) {
            return new Problem(chain, p, "modified", "record " + s + " is stored at position " + p + " (renumbered)");
        }
        if (!r.index().columns().equals(r.stored())) {
            return new Problem(chain, p, "modified", "record " + p + ": its search columns no longer match its content "
                    + "(stored " + r.stored() + ", hashed " + r.index().columns() + ")");
        }
        Claim cl = claimAt(s);
        lastRowClaimed = cl != null;
        if (cl != null && !cl.hash().equals(r.hash())) {
            return new Problem(chain, s, "modified", "record " + s + " differs from the one " + cl.by()
                    + " signed: the chain was rewritten at or before seq " + s);
        }
        return null;
    }

    /** Only on the error path: whether a record numbered {@code seq} is stored after {@code position}. */
    private boolean existsLater(long position, long seq) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(StoredRow.SELECT + " WHERE chain = ? AND seq > ? ORDER BY seq")) {
            ps.setString(1, chain);
            ps.setLong(2, position);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    StoredRow r = StoredRow.digest(StoredRow.raw(rs));
                    if (r.error() == null && r.seq() == seq) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    private static List<StoredRow> join(Future<List<StoredRow>> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("verify interrupted", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("verify failed: " + e.getCause(), e.getCause());
        }
    }
}
