package io.portcullis.approval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.approval.ApprovalRequest.Status;
import io.portcullis.identity.Principal;
import io.portcullis.protocol.Json;
import io.portcullis.store.Store;
import io.portcullis.store.StoreConfig;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The store's guarantees on both dialects (embedded SQLite, and the real PostgreSQL on 127.0.0.1
 * in a schema of its own, dropped afterwards): a decision is recorded once per approver, quorum
 * counts distinct approvers, and an approval is consumed by exactly one of many racing retries.
 */
class ApprovalStoreTest {
    private static final String PG = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";

    @TempDir
    Path dir;

    interface Body {
        void run(ApprovalStore s) throws Exception;
    }

    void on(String dialect, Body body) throws Exception {
        if (dialect.equals("sqlite")) {
            try (Store store = Store.open(new StoreConfig(null, dir, 4))) {
                body.run(new ApprovalStore(store));
            }
            return;
        }
        String schema = "approvals_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection c = DriverManager.getConnection(PG); Statement st = c.createStatement()) {
            st.execute("CREATE SCHEMA " + schema);
        }
        try (Store store = Store.open(new StoreConfig(PG + "&currentSchema=" + schema, dir, 8))) {
            body.run(new ApprovalStore(store));
        } finally {
            try (Connection c = DriverManager.getConnection(PG); Statement st = c.createStatement()) {
                st.execute("DROP SCHEMA " + schema + " CASCADE");
            }
        }
    }

    static Principal user(String subject, String... roles) {
        return new Principal(subject, Principal.Kind.USER, subject, List.of(roles), "client", "prod", "jwt", "jti-" + subject,
                null, "https://idp.example", subject + "@example.com", List.of("mcp"));
    }

    static ApprovalRequest request(int quorum, Instant now) {
        var args = Json.object().put("project", "x");
        return new ApprovalRequest("apr_" + UUID.randomUUID().toString().replace("-", ""), Status.PENDING,
                user("alice", "engineering"), "session-1", new ApprovalRequest.UserRequest("u1", "delete x"), null,
                "demo__delete_project", "prod", args, ArgumentDigest.hash(args), List.of("rule-a"), List.of("approver"), quorum,
                Duration.ofHours(1), "because", now, now.plus(Duration.ofHours(1)), List.of(), null, null);
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgres"})
    void quorumCountsDistinctApproversAndTheRecordKeepsThePrincipal(String dialect) throws Exception {
        on(dialect, s -> {
            Instant now = Instant.now();
            ApprovalRequest r = request(2, now);
            s.insert(r);
            assertThat(s.vote(r.id(), user("bob", "approver"), true, "one", now)).isTrue();
            assertThatThrownBy(() -> s.vote(r.id(), user("bob", "approver"), true, "again", now)).isInstanceOf(SQLException.class);
            assertThat(s.find(r.id()).orElseThrow().status()).isEqualTo(Status.PENDING);
            assertThat(s.vote(r.id(), user("carol", "approver"), true, "two", now)).isTrue();
            ApprovalRequest after = s.find(r.id()).orElseThrow();
            assertThat(after.status()).isEqualTo(Status.APPROVED);
            assertThat(after.votes()).extracting(v -> v.approver().subject()).containsExactly("bob", "carol");
            assertThat(after.votes().getFirst().approver().email()).isEqualTo("bob@example.com");
            assertThat(after.requester()).isEqualTo(r.requester());
            assertThat(after.userRequest().text()).isEqualTo("delete x");
            assertThat(s.vote(r.id(), user("dave", "approver"), false, "late", now)).isFalse();
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgres"})
    void anApprovalIsConsumedByExactlyOneOfManyRacingRetries(String dialect) throws Exception {
        on(dialect, s -> {
            Instant now = Instant.now();
            ApprovalRequest r = request(1, now);
            s.insert(r);
            s.vote(r.id(), user("bob", "approver"), true, "ok", now);
            int racers = 8;
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Boolean>> results = new ArrayList<>();
            try (ExecutorService pool = Executors.newFixedThreadPool(racers)) {
                for (int i = 0; i < racers; i++) {
                    String call = "call-" + i;
                    results.add(pool.submit(() -> {
                        go.await();
                        return s.consume(r.id(), call, Instant.now());
                    }));
                }
                go.countDown();
                int won = 0;
                for (Future<Boolean> f : results) {
                    won += f.get() ? 1 : 0;
                }
                assertThat(won).isEqualTo(1);
            }
            assertThat(s.find(r.id()).orElseThrow().status()).isEqualTo(Status.USED);
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgres"})
    void aRequestPastItsTimeExpiresAndCannotBeDecided(String dialect) throws Exception {
        on(dialect, s -> {
            Instant then = Instant.now().minus(Duration.ofHours(2));
            ApprovalRequest r = request(1, then);
            s.insert(r);
            assertThat(s.vote(r.id(), user("bob", "approver"), true, "too late", Instant.now())).isFalse();
            ApprovalRequest fresh = request(1, Instant.now());
            s.insert(fresh);
            assertThat(s.expire(Instant.now())).containsExactly(r.id()); // only what this call expired: each expiry is recorded once
            assertThat(s.expire(Instant.now())).isEmpty();
            assertThat(s.find(r.id()).orElseThrow().status()).isEqualTo(Status.EXPIRED);
            assertThat(s.find(fresh.id()).orElseThrow().status()).isEqualTo(Status.PENDING);
            assertThat(s.live(r.requester(), r.tool(), r.environment(), r.argumentsHash(), Instant.now()))
                    .extracting(ApprovalRequest::id).containsExactly(fresh.id());
        });
    }
}
