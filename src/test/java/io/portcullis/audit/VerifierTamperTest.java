package io.portcullis.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.audit.AuditFixture.Kind;
import io.portcullis.protocol.Json;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import tools.jackson.databind.node.ObjectNode;

/**
 * C4.2: verify finds modification, deletion, insertion and reordering done directly in the
 * database (SQLite and PostgreSQL), names the first bad record and how it is bad, and finds
 * forged checkpoints. Every test first proves the log verified before it was tampered with.
 */
class VerifierTamperTest {
    static final String CHAIN = "test-node/dev";

    @TempDir
    Path dir;
    AuditFixture f;

    AuditFixture open(Kind kind) throws Exception {
        f = new AuditFixture(kind, dir, c -> AuditFixture.with(c, 1_000_000, Duration.ofHours(1), Map.of("dev", Duration.ofDays(7))));
        f.calls("dev", 20);
        assertThat(f.verify().intact()).as("before tampering").isTrue();
        return f;
    }

    @AfterEach
    void close() throws Exception {
        if (f != null) {
            f.close();
        }
    }

    private Verifier.Problem onlyProblem() throws Exception {
        Verifier.Report r = f.verify();
        assertThat(r.intact()).isFalse();
        assertThat(r.problems()).hasSize(1);
        return r.problems().getFirst();
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void intactLogVerifiesAndBodiesAreCanonical(Kind kind) throws Exception {
        open(kind);
        f.log.checkpoint();
        Verifier.Report r = f.verify();
        assertThat(r.intact()).isTrue();
        assertThat(r.records()).isEqualTo(20);
        assertThat(r.chains()).singleElement().satisfies(c -> {
            assertThat(c.chain()).isEqualTo(CHAIN);
            assertThat(c.signedThrough()).isEqualTo(20);
        });
        String body = f.one("SELECT body FROM audit_records WHERE seq = 7");
        assertThat(Canonical.encode(Json.parse(body))).isEqualTo(body);
        assertThat(Canonical.sha256(body)).isEqualTo(f.one("SELECT hash FROM audit_records WHERE seq = 7"));
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void modifiedContentIsNamed(Kind kind) throws Exception {
        open(kind);
        f.sql("UPDATE audit_records SET body = REPLACE(body, '\"q5\"', '\"q5-changed\"') WHERE seq = 6");
        Verifier.Problem p = onlyProblem();
        assertThat(p.kind()).isEqualTo("modified");
        assertThat(p.chain()).isEqualTo(CHAIN);
        assertThat(p.seq()).isEqualTo(6);
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void modifiedAndRehashedRecordIsNamed(Kind kind) throws Exception {
        open(kind);
        ObjectNode body = (ObjectNode) Json.parse(f.one("SELECT body FROM audit_records WHERE seq = 6"));
        ((ObjectNode) body.get("record").get("arguments")).put("query", "something else");
        rewrite(6, body);
        Verifier.Problem p = onlyProblem();
        assertThat(p.kind()).isEqualTo("modified");
        assertThat(p.seq()).isEqualTo(6);
        assertThat(p.message()).contains("re-hashed");
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void changedSearchColumnIsNamed(Kind kind) throws Exception {
        open(kind);
        f.sql("UPDATE audit_records SET subject = 'mallory' WHERE seq = 9");
        Verifier.Problem p = onlyProblem();
        assertThat(p.kind()).isEqualTo("modified");
        assertThat(p.seq()).isEqualTo(9);
        assertThat(p.message()).contains("search columns");
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void deletedRecordIsNamed(Kind kind) throws Exception {
        open(kind);
        f.sql("DELETE FROM audit_records WHERE seq = 6");
        Verifier.Problem p = onlyProblem();
        assertThat(p.kind()).isEqualTo("deleted");
        assertThat(p.seq()).isEqualTo(6);
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void insertedRecordIsNamed(Kind kind) throws Exception {
        open(kind);
        // make room at seq 6, then insert a forged record that links correctly to record 5 and has a valid hash
        f.sql("UPDATE audit_records SET seq = seq + 1000000 WHERE seq >= 6",
                "UPDATE audit_records SET seq = seq - 999999 WHERE seq >= 1000000");
        ObjectNode body = (ObjectNode) Json.parse(f.one("SELECT body FROM audit_records WHERE seq = 5"));
        ((ObjectNode) body.get("record").get("arguments")).put("query", "forged");
        body.put("prev", f.one("SELECT hash FROM audit_records WHERE seq = 5"));
        ((ObjectNode) body.get("index")).put("seq", 6);
        insert(6, body);
        Verifier.Problem p = onlyProblem();
        assertThat(p.kind()).isEqualTo("inserted");
        assertThat(p.seq()).isEqualTo(6);
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void reorderedRecordsAreNamed(Kind kind) throws Exception {
        open(kind);
        f.sql("UPDATE audit_records SET seq = -6 WHERE seq = 6",
                "UPDATE audit_records SET seq = 6 WHERE seq = 7",
                "UPDATE audit_records SET seq = 7 WHERE seq = -6");
        Verifier.Problem p = onlyProblem();
        assertThat(p.kind()).isEqualTo("reordered");
        assertThat(p.seq()).isEqualTo(6);
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void deletedTailIsFoundThroughTheCheckpoint(Kind kind) throws Exception {
        open(kind);
        f.log.checkpoint();
        f.sql("DELETE FROM audit_records WHERE seq >= 18");
        Verifier.Problem p = onlyProblem();
        assertThat(p.kind()).isEqualTo("deleted");
        assertThat(p.seq()).isEqualTo(18);
        assertThat(p.message()).contains("checkpoint test-node#1");
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void rewrittenChainIsFoundThroughTheCheckpoint(Kind kind) throws Exception {
        open(kind);
        f.log.checkpoint();
        // the attacker changes record 6 and re-hashes every record after it, so every link holds again
        String prev = f.one("SELECT hash FROM audit_records WHERE seq = 5");
        for (int seq = 6; seq <= 20; seq++) {
            ObjectNode body = (ObjectNode) Json.parse(f.one("SELECT body FROM audit_records WHERE seq = " + seq));
            if (seq == 6) {
                ((ObjectNode) body.get("record").get("arguments")).put("query", "rewritten");
            }
            body.put("prev", prev);
            prev = rewrite(seq, body);
        }
        Verifier.Problem p = onlyProblem();
        assertThat(p.kind()).isEqualTo("modified");
        assertThat(p.message()).contains("checkpoint test-node#1").contains("rewritten");
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void forgedCheckpointIsFound(Kind kind) throws Exception {
        open(kind);
        f.log.checkpoint();
        f.calls("dev", 3);
        f.log.checkpoint();
        assertThat(f.verify().intact()).isTrue();
        // the attacker rewrites checkpoint 2's head to match other content and fixes its stored hash, but cannot sign
        String body = f.one("SELECT body FROM audit_checkpoints WHERE seq = 2");
        String forged = body.replace(f.one("SELECT hash FROM audit_records WHERE seq = 23"), "a".repeat(64));
        f.sql("UPDATE audit_checkpoints SET body = '" + forged + "', hash = '" + Canonical.sha256(forged) + "' WHERE seq = 2");
        Verifier.Problem p = onlyProblem();
        assertThat(p.kind()).isEqualTo("checkpoint");
        assertThat(p.message()).contains("test-node#2").contains("signature does not verify");
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void checkpointSignedByAnotherKeyIsFound(Kind kind) throws Exception {
        open(kind);
        f.log.checkpoint();
        var other = SigningKeys.generate(dir.resolve("mallory.pem"));
        try (Connection c = f.store.connection()) {
            c.setAutoCommit(false);
            new Checkpoints("test-node", other).write(c, Checkpoints.last(c, "test-node"));
            c.commit();
        }
        Verifier.Problem p = onlyProblem();
        assertThat(p.kind()).isEqualTo("checkpoint");
        assertThat(p.message()).contains("unknown key");
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void retentionPruningKeepsVerifyGreenAndIsRecorded(Kind kind) throws Exception {
        open(kind);
        f.log.checkpoint();
        assertThat(f.log.prune(Instant.now().plus(Duration.ofDays(8)))).singleElement().asString().contains("deleted 20");
        f.calls("dev", 5);
        f.log.checkpoint();
        Verifier.Report r = f.verify();
        assertThat(r.intact()).as(r.problems().toString()).isTrue();
        assertThat(r.chains().getFirst().anchorSeq()).isEqualTo(20);
        assertThat(r.records()).isEqualTo(6);
        assertThat(f.one("SELECT kind FROM audit_records WHERE seq = 21")).isEqualTo("prune");
        // pruning again moves the anchor forward and stays verifiable; checkpoint #1 vouched only for
        // records now removed, so it goes too (#2, the newest, stays), and the prune record names it
        assertThat(f.one("SELECT COUNT(*) FROM audit_checkpoints")).isEqualTo("2");
        assertThat(f.log.prune(Instant.now().plus(Duration.ofDays(8))))
                .anySatisfy(l -> assertThat(l).contains("deleted 6 record(s)"))
                .anySatisfy(l -> assertThat(l).contains("deleted 1 checkpoint(s) through #1"));
        assertThat(f.one("SELECT MIN(seq) FROM audit_checkpoints")).isEqualTo("2");
        assertThat(f.one("SELECT seq FROM audit_checkpoint_anchors")).isEqualTo("1");
        assertThat(Json.parse(f.one("SELECT body FROM audit_records WHERE seq = 27")).path("record").path("prune")
                .path("checkpoints").path("through_seq").asLong()).isEqualTo(1);
        r = f.verify();
        assertThat(r.intact()).as(r.problems().toString()).isTrue();
        assertThat(r.checkpoints()).isEqualTo(1);
        // and the log goes on: new records, a new checkpoint linked to #2, another prune
        f.calls("dev", 3);
        f.log.checkpoint();
        assertThat(f.log.prune(Instant.now().plus(Duration.ofDays(8)))).anySatisfy(l -> assertThat(l).contains("through #2"));
        f.calls("dev", 2);
        f.log.checkpoint();
        r = f.verify();
        assertThat(r.intact()).as(r.problems().toString()).isTrue();
        assertThat(r.checkpoints()).isEqualTo(2);
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void checkpointsThatAlsoVouchForKeptRecordsAreKept(Kind kind) throws Exception {
        open(kind);
        f.calls("prod", 3); // no retention for prod: its records stay, so do the checkpoints that sign them
        f.log.checkpoint();
        f.log.checkpoint();
        assertThat(f.log.prune(Instant.now().plus(Duration.ofDays(8)))).singleElement().asString().contains("deleted 20");
        assertThat(f.one("SELECT COUNT(*) FROM audit_checkpoints")).isEqualTo("2");
        assertThat(f.one("SELECT COUNT(*) FROM audit_checkpoint_anchors")).isEqualTo("0");
        assertThat(f.verify().intact()).isTrue();
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void removingTheFirstCheckpointsWithAForgedAnchorIsFound(Kind kind) throws Exception {
        open(kind);
        f.log.checkpoint();
        f.calls("dev", 1);
        f.log.checkpoint();
        assertThat(f.verify().intact()).isTrue();
        String hash1 = f.one("SELECT hash FROM audit_checkpoints WHERE seq = 1");
        f.sql("DELETE FROM audit_checkpoints WHERE seq = 1",
                "INSERT INTO audit_checkpoint_anchors (node, seq, hash, ts) VALUES ('test-node', 1, '" + hash1 + "', 0)");
        Verifier.Problem p = onlyProblem();
        assertThat(p.kind()).isEqualTo("checkpoint");
        assertThat(p.message()).contains("no prune record confirms");
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void deletingTheStartWithAForgedAnchorIsFound(Kind kind) throws Exception {
        open(kind);
        String hash4 = f.one("SELECT hash FROM audit_records WHERE seq = 4");
        f.sql("DELETE FROM audit_records WHERE seq <= 4",
                "INSERT INTO audit_anchors (chain, seq, hash, ts) VALUES ('" + CHAIN + "', 4, '" + hash4 + "', 0)");
        Verifier.Problem p = onlyProblem();
        assertThat(p.kind()).isEqualTo("deleted");
        assertThat(p.message()).contains("no prune record");
    }

    /** Stores {@code body} (canonical) with its new hash at {@code seq}; returns the hash. */
    private String rewrite(long seq, ObjectNode body) throws Exception {
        String text = Canonical.encode(body);
        String hash = Canonical.sha256(text);
        try (Connection c = f.store.connection();
             PreparedStatement ps = c.prepareStatement("UPDATE audit_records SET body = ?, hash = ? WHERE chain = ? AND seq = ?")) {
            ps.setString(1, text);
            ps.setString(2, hash);
            ps.setString(3, CHAIN);
            ps.setLong(4, seq);
            ps.executeUpdate();
        }
        return hash;
    }

    private void insert(long seq, ObjectNode body) throws Exception {
        String text = Canonical.encode(body);
        try (Connection c = f.store.connection(); PreparedStatement ps = c.prepareStatement(AuditTables.INSERT)) {
            AuditTables.insert(ps, CHAIN, seq, Columns.of(body.get("record")), Canonical.sha256(text), text);
            ps.executeBatch();
        }
    }
}
