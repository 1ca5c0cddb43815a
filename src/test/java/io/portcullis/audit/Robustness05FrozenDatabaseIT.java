package io.portcullis.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.audit.AuditFixture.Kind;
import io.portcullis.catalog.ToolEntry;
import io.portcullis.call.CallContext;
import io.portcullis.call.GatewayException;
import io.portcullis.call.Origin;
import io.portcullis.protocol.Json;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.node.ObjectNode;

/**
 * #21 item 5: the audit record says what the client got. Real PostgreSQL is frozen for the
 * gateway's audit writer by a test session holding {@code LOCK TABLE audit_records IN ACCESS
 * EXCLUSIVE MODE} in the gateway's schema while calls run (read-only calls, and state-changing
 * calls that need an intent first); the lock is released once calls have been refused for it.
 * Every call's answer is then checked against its record: no record says "allowed" for a client
 * that was refused, and the late records of refused calls record the refusal (control audit).
 */
class Robustness05FrozenDatabaseIT {
    @TempDir
    Path dir;
    AuditFixture f;

    @AfterEach
    void close() throws Exception {
        if (f != null) {
            f.close();
        }
    }

    @Test
    void item5_aLateRecordOfARefusedCallRecordsTheRefusal() throws Exception {
        f = new AuditFixture(Kind.POSTGRES, dir, c -> new AuditConfig(c.signingKey(), c.generateKey(), c.trustedKeys(), "test-node",
                c.dataDir(), 1_000_000, Duration.ofHours(1), c.maskFields(), c.maxValueChars(), Map.of(), c.defaultRetention(),
                c.pruneInterval(), Duration.ofMillis(400), c.adminTokenEnv(), c.adminTokenFile()));
        f.calls("dev", 1); // the chain exists
        ToolEntry read = AuditFixture.tool("demo__search", true);
        ToolEntry write = AuditFixture.tool("demo__create", false);
        Map<String, String> answered = new ConcurrentHashMap<>(); // call id -> what the client got
        AtomicInteger refused = new AtomicInteger();
        java.util.concurrent.Semaphore refusals = new java.util.concurrent.Semaphore(0);
        int calls = 120;
        try (Connection lock = DriverManager.getConnection(AuditFixture.PG_BASE + "&currentSchema=" + f.schema);
             ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            lock.setAutoCommit(false);
            try (Statement st = lock.createStatement()) {
                st.execute("LOCK TABLE audit_records IN ACCESS EXCLUSIVE MODE");
            }
            List<Future<?>> running = new ArrayList<>();
            for (int i = 0; i < calls; i++) {
                ToolEntry t = i % 2 == 0 ? read : write;
                ObjectNode args = Json.object().put("query", "frozen-" + i);
                running.add(clients.submit(() -> {
                    CallContext call = AuditFixture.call("dev", "alice", t, args, Origin.NONE);
                    try {
                        f.run(call, c -> AuditFixture.text("ok"));
                        answered.put(call.callId(), "allowed");
                    } catch (GatewayException e) {
                        answered.put(call.callId(), "refused:" + e.control());
                        refused.incrementAndGet();
                        refusals.release();
                    }
                    return null;
                }));
            }
            // hold the database frozen until calls have been refused for it (bounded), then thaw it
            refusals.tryAcquire(calls / 4, 60, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(refused.get()).as("calls refused while the database was frozen").isGreaterThanOrEqualTo(calls / 4);
            lock.commit(); // releases the lock
            for (Future<?> r : running) {
                r.get();
            }
        }
        assertThat(answered).hasSize(calls);
        assertThat(answered.values()).allMatch(v -> v.equals("allowed") || v.equals("refused:audit"));

        // the late records land once the database thaws: wait (bounded) until the writer is idle
        io.portcullis.testing.Eventually.eventually(Duration.ofSeconds(60), "every allowed call has its record",
                () -> outcomes().keySet().containsAll(allowedCalls(answered)));
        f.log.checkpoint(); // runs on the writer thread after everything queued before it
        Map<String, String> recorded = outcomes();
        for (var e : answered.entrySet()) {
            String got = e.getValue();
            String rec = recorded.get(e.getKey());
            if (got.equals("allowed")) {
                assertThat(rec).as("record of allowed call %s", e.getKey()).isEqualTo("allowed");
            } else {
                // refused: either no record (the write failed) or a record of the refusal, never "allowed"
                assertThat(rec).as("record of refused call %s", e.getKey()).isIn(null, "refused:audit");
            }
        }
        assertThat(recorded.values()).as("late records of refused calls").contains("refused:audit");
        assertThat(f.verify().problems()).isEmpty();
    }

    private static List<String> allowedCalls(Map<String, String> answered) {
        return answered.entrySet().stream().filter(e -> e.getValue().equals("allowed")).map(Map.Entry::getKey).toList();
    }

    /** call id -> the outcome its call record states ("allowed" or "refused:control"). */
    private Map<String, String> outcomes() {
        Map<String, String> out = new ConcurrentHashMap<>();
        for (ObjectNode r : f.log.query().search(new AuditQuery.Filter(null, null, null, null, null, null, "call", Integer.MAX_VALUE))) {
            String outcome = r.path("decision").path("outcome").asString();
            out.put(r.path("call_id").asString(), outcome.equals("allowed") ? outcome
                    : outcome + ":" + r.path("decision").path("control").asString());
        }
        return out;
    }
}
