package io.portcullis.audit;

import io.portcullis.catalog.ToolEntry;
import io.portcullis.settings.ToolSettings;
import io.portcullis.identity.Principal;
import io.portcullis.call.CallContext;
import io.portcullis.call.CallHandler;
import io.portcullis.call.CallTrail;
import io.portcullis.call.GatewayException;
import io.portcullis.call.Origin;
import io.portcullis.pipeline.Pipeline;
import io.portcullis.call.Relay;
import io.portcullis.protocol.Json;
import io.portcullis.store.Store;
import io.portcullis.store.StoreConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.UnaryOperator;
import tools.jackson.databind.node.ObjectNode;

/**
 * An audit log on a real store for tests: embedded SQLite in a temp directory, or PostgreSQL on
 * 127.0.0.1:5432 (database {@code test}) in a fresh schema that {@link #close} drops.
 */
final class AuditFixture implements AutoCloseable {
    static final String PG_BASE = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";

    enum Kind { SQLITE, POSTGRES }

    final Kind kind;
    final Path dir;
    final String schema;
    final Store store;
    final AuditConfig config;
    AuditLog log;

    AuditFixture(Kind kind, Path dir, UnaryOperator<AuditConfig> tweak) throws Exception {
        this.kind = kind;
        this.dir = dir;
        String url = null;
        if (kind == Kind.POSTGRES) {
            schema = "audit_t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
            try (Connection c = DriverManager.getConnection(PG_BASE); Statement st = c.createStatement()) {
                st.execute("CREATE SCHEMA " + schema);
            }
            url = PG_BASE + "&currentSchema=" + schema;
        } else {
            schema = null;
        }
        store = Store.open(new StoreConfig(url, dir, 4));
        config = tweak.apply(AuditConfig.defaults(dir));
        log = AuditLog.open(store, config);
    }

    /** A second node's view: the same store and schema, another audit log (closed by its owner). */
    AuditFixture(AuditFixture shared, AuditLog other) {
        this.kind = shared.kind;
        this.dir = shared.dir;
        this.schema = null;
        this.store = shared.store;
        this.config = shared.config;
        this.log = other;
    }

    AuditFixture(Kind kind, Path dir) throws Exception {
        this(kind, dir, c -> c);
    }

    /** A config like the default one with a different checkpoint policy and retention. */
    static AuditConfig with(AuditConfig c, int every, Duration interval, Map<String, Duration> retention) {
        return new AuditConfig(c.signingKey(), c.generateKey(), c.trustedKeys(), "test-node", c.dataDir(), every, interval,
                c.maskFields(), c.maxValueChars(), retention, c.defaultRetention(), c.pruneInterval(), c.writeTimeout(),
                c.adminTokenEnv(), c.adminTokenFile());
    }

    static ToolEntry tool(String name, boolean readOnly) {
        ObjectNode def = Json.object().put("name", name);
        def.putObject("annotations").put("readOnlyHint", readOnly);
        io.portcullis.catalog.RiskClass risk = readOnly ? io.portcullis.catalog.RiskClass.READ_ONLY
                : io.portcullis.catalog.RiskClass.IRREVERSIBLE;
        return new ToolEntry(name, "up", name.replaceFirst("^.*__", ""), def, ToolSettings.DEFAULT, null, risk,
                "annotations", null, List.of(), List.of(), ToolEntry.ExportStatus.NOT_EXPORT, 1 << 20,
                io.portcullis.catalog.Oversize.TRUNCATE, io.portcullis.catalog.ArgumentCheck.compile(def, Map.of()));
    }

    static CallContext call(String env, String subject, ToolEntry tool, ObjectNode args, Origin origin) {
        ObjectNode params = Json.object().put("name", tool == null ? "nope" : tool.name());
        params.set("arguments", args);
        Principal p = new Principal(subject, Principal.Kind.USER, subject, List.of("dev"), "test-client", env, "jwt", "jti-1",
                Instant.parse("2030-01-01T00:00:00Z"), "https://idp.example", subject + "@example.com", List.of("mcp:tools"));
        CallTrail trail = new CallTrail();
        if (tool != null) {
            trail.tool(tool);
        }
        return new CallContext(UUID.randomUUID().toString(), p, env, "s-1", "2025-11-25", tool == null ? "nope" : tool.name(),
                params, tool, Relay.NONE, Instant.now(), trail, origin);
    }

    /** Runs one call through the audit stages around {@code terminal}. */
    ObjectNode run(CallContext call, CallHandler terminal) throws GatewayException {
        return new Pipeline(List.of(log.outcomeStage(), log.intentStage()), terminal).call(call);
    }

    /** Writes {@code n} ordinary read-only calls in {@code env}. */
    void calls(String env, int n) throws GatewayException {
        ToolEntry t = tool("demo__search", true);
        for (int i = 0; i < n; i++) {
            run(call(env, "alice", t, Json.object().put("query", "q" + i), Origin.NONE), c -> text("ok " + c.callId()));
        }
    }

    static ObjectNode text(String s) {
        ObjectNode r = Json.object();
        r.putArray("content").addObject().put("type", "text").put("text", s);
        return r;
    }

    Verifier.Report verify() throws IOException {
        return log.verify();
    }

    void sql(String... statements) throws SQLException {
        try (Connection c = store.connection(); Statement st = c.createStatement()) {
            for (String s : statements) {
                st.execute(s);
            }
        }
    }

    /** The first column of the first row of {@code query}, or null. */
    String one(String query) {
        try (Connection c = store.connection(); Statement st = c.createStatement(); var rs = st.executeQuery(query)) {
            return rs.next() ? rs.getString(1) : null;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() throws Exception {
        if (log != null) {
            log.close();
        }
        store.close();
        if (schema != null) {
            try (Connection c = DriverManager.getConnection(PG_BASE); Statement st = c.createStatement()) {
                st.execute("DROP SCHEMA " + schema + " CASCADE");
            }
        }
    }

    static Path tempDir() throws IOException {
        return Files.createTempDirectory("audit-test");
    }
}
