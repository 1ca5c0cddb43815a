package io.portcullis.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.audit.AuditFixture.Kind;
import io.portcullis.call.CallContext;
import io.portcullis.call.GatewayException;
import io.portcullis.call.Origin;
import io.portcullis.call.WithRecord;
import io.portcullis.protocol.Json;
import io.portcullis.testing.Eventually;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * #13 item 4, session 9: work a call attaches to its outcome record ({@link WithRecord}) commits in
 * the record's batch transaction, on the real store. One call's work that the store rejects (a
 * NOT NULL row here) is rolled back alone: the other calls of the same batch keep their records and
 * their rows, and the rejected call records what its work says it gets instead. A batch whose
 * commit fails refuses every call in it (control {@code audit}) and tells each work.
 */
class BatchWorkTest {
    @TempDir
    Path dir;
    AuditFixture f;

    @AfterEach
    void close() throws Exception {
        threads.shutdownNow();
        if (f != null) {
            f.close();
        }
    }

    /** Writes (key, value) into a real table; a null value is a row the store rejects. */
    static final class SideRow implements WithRecord {
        final String key;
        final String value;
        final AtomicInteger committed = new AtomicInteger();
        final AtomicInteger failed = new AtomicInteger();

        SideRow(String key, String value) {
            this.key = key;
            this.value = value;
        }

        @Override
        public String order() {
            return key;
        }

        @Override
        public void write(Connection c) throws SQLException {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO side (k, v) VALUES (?, ?)")) {
                ps.setString(1, key);
                ps.setString(2, value);
                ps.executeUpdate();
            }
        }

        @Override
        public void committed() {
            committed.incrementAndGet();
        }

        @Override
        public void failed() {
            failed.incrementAndGet();
        }

        @Override
        public GatewayException.Refused rejected(Exception cause) {
            return new GatewayException.Refused("side", "the side row of " + key + " could not be recorded");
        }
    }

    /** One thread per call (the common pool of a 2-core machine would run them one after another). */
    private final java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newFixedThreadPool(3);

    private CompletableFuture<Object> call(SideRow work, CallContext call) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return f.run(call, c -> {
                    c.trail().withRecord(work); // as the conversation stage does, inside the outcome stage
                    return AuditFixture.text("ok " + work.key);
                });
            } catch (GatewayException e) {
                return e;
            }
        }, threads);
    }

    @Test
    void item4_oneRejectedWorkLosesNoOtherCallsRecordOfItsBatch() throws Exception {
        f = new AuditFixture(Kind.SQLITE, dir);
        f.sql("CREATE TABLE side (k VARCHAR(64) PRIMARY KEY, v VARCHAR(64) NOT NULL)");
        AtomicInteger commits = new AtomicInteger();
        f.log.stats().onCommit(n -> commits.incrementAndGet());
        CountDownLatch busy = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<Void> job = f.log.writer().run((c, w) -> {
            busy.countDown();
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertThat(busy.await(30, TimeUnit.SECONDS)).isTrue();
        List<SideRow> works = List.of(new SideRow("a", "1"), new SideRow("bad", null), new SideRow("c", "3"));
        List<CallContext> calls = new ArrayList<>();
        List<CompletableFuture<Object>> answers = new ArrayList<>();
        for (SideRow w : works) {
            CallContext c = AuditFixture.call("dev", "alice", AuditFixture.tool("demo__search", true), Json.object(), Origin.NONE);
            calls.add(c);
            answers.add(call(w, c));
        }
        // the three records wait behind the job: they go in one batch
        Eventually.eventually(Duration.ofSeconds(30), "three records queued", () -> f.log.stats().queueDepth() == 3);
        release.countDown();
        job.get(30, TimeUnit.SECONDS);

        assertThat(answers.get(0).get(30, TimeUnit.SECONDS)).isNotInstanceOf(GatewayException.class);
        assertThat(answers.get(2).get(30, TimeUnit.SECONDS)).isNotInstanceOf(GatewayException.class);
        assertThat(answers.get(1).get(30, TimeUnit.SECONDS)).isInstanceOfSatisfying(GatewayException.Refused.class,
                r -> assertThat(r.control()).isEqualTo("side"));
        assertThat(f.one("SELECT COUNT(*) FROM side")).isEqualTo("2");
        assertThat(f.one("SELECT v FROM side WHERE k = 'c'")).isEqualTo("3");
        for (CallContext c : calls) {
            assertThat(f.one("SELECT COUNT(*) FROM audit_records WHERE call_id = '" + c.callId() + "'")).isEqualTo("1");
        }
        assertThat(f.one("SELECT body FROM audit_records WHERE call_id = '" + calls.get(1).callId() + "'"))
                .contains("\"control\":\"side\"", "\"outcome\":\"refused\"");
        assertThat(f.one("SELECT body FROM audit_records WHERE call_id = '" + calls.get(0).callId() + "'"))
                .contains("\"outcome\":\"allowed\"");
        assertThat(works.get(0).committed).hasValue(1);
        assertThat(works.get(2).committed).hasValue(1);
        assertThat(works.get(1).committed).hasValue(0);
        assertThat(works.get(1).failed).hasValue(1);
        // one batch for the three (rows and records together), one for the rejected call's own record
        assertThat(commits).hasValue(2);
        assertThat(f.verify().intact()).isTrue();
    }

    @Test
    void item4_failClosed_aBatchThatCannotCommitRefusesTheCallNamingAuditAndKeepsNoRow() throws Exception {
        f = new AuditFixture(Kind.SQLITE, dir);
        f.sql("CREATE TABLE side (k VARCHAR(64) PRIMARY KEY, v VARCHAR(64) NOT NULL)",
                "CREATE TRIGGER no_records BEFORE INSERT ON audit_records BEGIN SELECT RAISE(ABORT, 'the disk is on fire'); END");
        SideRow work = new SideRow("a", "1");
        CallContext c = AuditFixture.call("dev", "alice", AuditFixture.tool("demo__search", true), Json.object(), Origin.NONE);
        Object answer = call(work, c).get(60, TimeUnit.SECONDS);
        assertThat(answer).isInstanceOfSatisfying(GatewayException.Refused.class, r -> assertThat(r.control()).isEqualTo("audit"));
        assertThat(f.one("SELECT COUNT(*) FROM side")).as("the row did not outlive its record's failed commit").isEqualTo("0");
        assertThat(work.committed).hasValue(0);
        assertThat(work.failed.get()).isPositive();
    }
}
