package io.portcullis.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.audit.AuditFixture.Kind;
import io.portcullis.call.CallContext;
import io.portcullis.call.GatewayException;
import io.portcullis.call.Origin;
import io.portcullis.protocol.Json;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** C4.1, C4.2: what the audit stages write, when, and that they fail closed. */
class AuditStagesTest {
    @TempDir
    Path dir;
    AuditFixture f;

    @BeforeEach
    void open() throws Exception {
        f = new AuditFixture(Kind.SQLITE, dir);
    }

    @AfterEach
    void close() throws Exception {
        f.close();
    }

    @Test
    void intentIsDurableBeforeTheUpstreamIsCalled() throws Exception {
        AtomicReference<String> seenByUpstream = new AtomicReference<>();
        CallContext call = AuditFixture.call("dev", "alice", AuditFixture.tool("crm__delete", false), Json.object().put("id", 7), Origin.NONE);
        f.run(call, c -> {
            // the terminal handler stands for the upstream: the intent must already be in the store, read on another connection
            seenByUpstream.set(f.one("SELECT kind FROM audit_records WHERE call_id = '" + c.callId() + "'"));
            return AuditFixture.text("deleted");
        });
        assertThat(seenByUpstream.get()).isEqualTo("intent");
        assertThat(f.one("SELECT COUNT(*) FROM audit_records WHERE call_id = '" + call.callId() + "'")).isEqualTo("2");
    }

    @Test
    void aCallIsNotAnsweredWhileItsRecordIsNotDurable() throws Exception {
        // another connection holds SQLite's write lock: the writer's commit waits, so must the call
        try (java.sql.Connection lock = java.sql.DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("portcullis.db"));
             java.sql.Statement st = lock.createStatement()) {
            st.execute("BEGIN EXCLUSIVE");
            CallContext call = AuditFixture.call("dev", "alice", AuditFixture.tool("crm__get", true), Json.object(), Origin.NONE);
            var answer = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try {
                    return f.run(call, c -> AuditFixture.text("x"));
                } catch (GatewayException e) {
                    throw new IllegalStateException(e);
                }
            });
            // #12 item 7: not "sleep, then not yet": wait until the writer is inside SQLite with the
            // record (blocked on the lock held here); from then on an answer would be one without a durable record
            io.portcullis.testing.Eventually.eventually(java.time.Duration.ofSeconds(10),
                    "the audit writer is committing into the locked database", AuditStagesTest::writerInSqlite);
            assertThat(answer).as("answered before its record was durable").isNotDone();
            st.execute("ROLLBACK");
            assertThat(answer.get(10, java.util.concurrent.TimeUnit.SECONDS).path("content").isArray()).isTrue();
            assertThat(f.one("SELECT kind FROM audit_records WHERE call_id = '" + call.callId() + "'")).isEqualTo("call");
        }
    }

    @Test
    void readOnlyCallWritesNoIntent() throws Exception {
        CallContext call = AuditFixture.call("dev", "alice", AuditFixture.tool("crm__get", true), Json.object(), Origin.NONE);
        f.run(call, c -> {
            assertThat(f.one("SELECT COUNT(*) FROM audit_records WHERE call_id = '" + c.callId() + "'")).isEqualTo("0");
            return AuditFixture.text("x");
        });
        assertThat(f.one("SELECT kind FROM audit_records WHERE call_id = '" + call.callId() + "'")).isEqualTo("call");
    }

    @Test
    void aBrokenStoreRefusesTheCallAndTheUpstreamIsNeverCalled() throws Exception {
        f.sql("DROP TABLE audit_records");
        AtomicBoolean called = new AtomicBoolean();
        CallContext call = AuditFixture.call("dev", "alice", AuditFixture.tool("crm__delete", false), Json.object(), Origin.NONE);
        assertThatThrownBy(() -> f.run(call, c -> {
            called.set(true);
            return AuditFixture.text("x");
        })).isInstanceOfSatisfying(GatewayException.Refused.class, e -> assertThat(e.control()).isEqualTo("audit"));
        assertThat(called).isFalse();
    }

    @Test
    void aBrokenStoreRefusesEvenAReadOnlyResult() throws Exception {
        f.sql("DROP TABLE audit_records");
        CallContext call = AuditFixture.call("dev", "alice", AuditFixture.tool("crm__get", true), Json.object(), Origin.NONE);
        assertThatThrownBy(() -> f.run(call, c -> AuditFixture.text("secret result")))
                .isInstanceOfSatisfying(GatewayException.Refused.class, e -> assertThat(e.control()).isEqualTo("audit"));
    }

    @Test
    void recordHoldsPrincipalClientTraceUserRequestAndResultMetadata() throws Exception {
        ObjectNode args = Json.object().put("q", "x");
        CallContext call = AuditFixture.call("dev", "alice", AuditFixture.tool("crm__get", true), args,
                new Origin("claude-desktop", "1.2", "127.0.0.1:5000", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", "k=v"));
        ObjectNode meta = call.params().putObject("_meta");
        meta.putObject("io.portcullis/userRequest").put("id", "req-42").put("text", "find the invoice, my token is eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.abc");
        call.trail().ruleIds(java.util.List.of("allow-readers"));
        call.trail().approvalId("ap-1");
        call.trail().redaction("email x2");
        f.run(call, c -> {
            ObjectNode r = AuditFixture.text("result");
            r.putArray("content").addObject().put("type", "image").put("mimeType", "image/png").put("data", "AAAA");
            r.put("isError", true);
            return r;
        });
        JsonNode rec = f.log.query().trace("req-42").getFirst();
        assertThat(rec.path("principal").path("subject").asString()).isEqualTo("alice");
        assertThat(rec.path("principal").path("token_id").asString()).isEqualTo("jti-1");
        assertThat(rec.path("principal").path("roles").toString()).isEqualTo("[\"dev\"]");
        assertThat(rec.path("principal").path("issuer").asString()).isEqualTo("https://idp.example");
        assertThat(rec.path("principal").path("email").asString()).isEqualTo("alice@example.com");
        assertThat(rec.path("principal").path("scopes").toString()).isEqualTo("[\"mcp:tools\"]");
        assertThat(rec.path("principal").path("auth_method").asString()).isEqualTo("jwt");
        assertThat(rec.path("principal").path("expires_at").asString()).isEqualTo("2030-01-01T00:00:00Z");
        assertThat(rec.path("client").path("name").asString()).isEqualTo("claude-desktop");
        assertThat(rec.path("client").path("address").asString()).isEqualTo("127.0.0.1:5000");
        assertThat(rec.path("session").asString()).isEqualTo("s-1");
        assertThat(rec.path("request").path("trace_id").asString()).isEqualTo("0af7651916cd43dd8448eb211c80319c");
        assertThat(rec.path("request").path("source").asString()).isEqualTo("http");
        assertThat(rec.path("request").path("tracestate").asString()).isEqualTo("k=v");
        assertThat(rec.path("request").path("user_request_text").asString()).isEqualTo("find the invoice, my token is [masked:jwt]");
        assertThat(rec.path("decision").path("rule_ids").toString()).isEqualTo("[\"allow-readers\"]");
        assertThat(rec.path("decision").path("approval_ids").toString()).isEqualTo("[\"ap-1\"]");
        assertThat(rec.path("result").path("is_error").asBoolean()).isTrue();
        assertThat(rec.path("result").path("content_types").toString()).isEqualTo("[\"image\"]");
        assertThat(rec.path("result").path("mime_types").toString()).isEqualTo("[\"image/png\"]");
        assertThat(rec.path("result").path("redactions").toString()).isEqualTo("[\"email x2\"]");
        assertThat(rec.path("tool").path("upstream").asString()).isEqualTo("up");
        assertThat(f.log.query().trace("0af7651916cd43dd8448eb211c80319c")).hasSize(1);
    }

    /**
     * #11 item 8 (C4.1): the audit copy masks the values of the key names the issue found kept
     * (pwd, pass, auth, creds, key, session), passwords in URLs, and secrets quoted in notes (an
     * allowlist refusal's note stored an AWS key): the corpus's secrets appear nowhere in the record.
     */
    @Test
    void item8_issueKeyNamesUrlPasswordsAndNotesAreSanitized() throws Exception {
        ObjectNode args = Json.object().put("pwd", "pw-1").put("pass", "pw-2").put("auth", "pw-3").put("creds", "pw-4")
                .put("key", "pw-5").put("session", "pw-6").put("dsn", "postgres://app:S3cr3tPassw0rd@db.internal:5432/prod");
        java.util.List<String> secrets = io.portcullis.redact.Corpus.secrets();
        var corpus = args.putArray("corpus");
        io.portcullis.redact.Corpus.texts().forEach(corpus::add);
        CallContext call = AuditFixture.call("dev", "alice", AuditFixture.tool("crm__get", true), args, Origin.NONE);
        call.trail().note("argument constraint: /account AKIAIOSFODNN7EXAMPLE is not in the allowlist");
        f.run(call, c -> AuditFixture.text("ok"));
        String rec = f.one("SELECT body FROM audit_records WHERE call_id = '" + call.callId() + "'");
        assertThat(rec).doesNotContain("pw-1", "pw-2", "pw-3", "pw-4", "pw-5", "pw-6", "S3cr3tPassw0rd", "AKIAIOSFODNN7EXAMPLE");
        for (String secret : secrets) {
            assertThat(rec).doesNotContain(secret);
        }
        assertThat(rec).contains("[masked:aws-access-key-id]");
    }

    @Test
    void metaTraceparentWinsOverTheHttpHeader() throws Exception {
        CallContext call = AuditFixture.call("dev", "bob", AuditFixture.tool("crm__get", true), Json.object(),
                Origin.http("127.0.0.1:1", "00-11111111111111111111111111111111-2222222222222222-01", null));
        call.params().putObject("_meta").put("traceparent", "00-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-bbbbbbbbbbbbbbbb-01");
        f.run(call, c -> AuditFixture.text("x"));
        assertThat(f.log.query().trace("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")).singleElement()
                .satisfies(r -> assertThat(r.path("request").path("source").asString()).isEqualTo("meta"));
        assertThat(f.log.query().trace("11111111111111111111111111111111")).isEmpty();
    }

    /** Whether the audit writer thread is running SQLite code (its commit waits on the busy lock). */
    static boolean writerInSqlite() {
        return Thread.getAllStackTraces().entrySet().stream()
                .filter(e -> e.getKey().getName().equals("audit-writer"))
                .anyMatch(e -> java.util.Arrays.stream(e.getValue()).anyMatch(f -> f.getClassName().startsWith("org.sqlite.")));
    }
}
