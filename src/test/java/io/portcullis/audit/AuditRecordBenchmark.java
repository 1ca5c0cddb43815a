package io.portcullis.audit;

import io.portcullis.catalog.ToolEntry;
import io.portcullis.call.CallContext;
import io.portcullis.call.Origin;
import io.portcullis.protocol.Json;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import tools.jackson.databind.node.ObjectNode;

/**
 * The CPU part of one audit record, without the store (figures in docs/performance.md "Audit"):
 * {@code encode} is what the calling thread does in {@code AuditLog.append} (canonical JSON and the
 * search columns), {@code link} what the single writer does per record before the insert (the
 * body with seq and prev, its SHA-256), {@code verifyDigest} what verify does per stored record on
 * its workers (SHA-256 of the body, its head parsed).
 *
 * <pre>mvn -B -Pjmh test-compile exec:exec -Djmh.args="AuditRecordBenchmark -wi 5 -w 1 -i 10 -r 1 -f 1"</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 10, time = 1)
@Fork(1)
public class AuditRecordBenchmark {
    private ObjectNode rec;
    private String encoded;
    private Columns columns;
    private StoredRow.Raw stored;
    private final MessageDigest sha = Canonical.digest();
    private long seq;

    @Setup
    public void setUp() {
        CallRecords records = new CallRecords("node-1", io.portcullis.redact.Sanitizer.forRecords(List.of(), 2048));
        ToolEntry tool = AuditFixture.tool("demo__search_tickets", true);
        ObjectNode args = Json.object().put("query", "status of ticket 42").put("project", "acme-web").put("limit", 20);
        args.putArray("labels").add("bug").add("login");
        CallContext call = AuditFixture.call("dev", "alice@example.com", tool, args,
                new Origin("claude-desktop", "0.9.3", "127.0.0.1:51000", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", null));
        call.params().putObject("_meta").putObject("io.portcullis/userRequest").put("id", "req-42")
                .put("text", "Which login tickets are still open?");
        rec = records.outcome(call, AuditFixture.text("[{\"id\":100,\"title\":\"Login page times out\"}]"), null, null);
        encoded = Canonical.encode(rec);
        columns = Columns.of(rec);
        String body = Canonical.body("node-1/dev", 7, AuditTables.ZERO, encoded, columns);
        stored = new StoredRow.Raw(7, columns, Canonical.sha256(body), body.getBytes(StandardCharsets.UTF_8));
    }

    @Benchmark
    public Object encode() {
        return Map.entry(Canonical.encode(rec), Columns.of(rec));
    }

    @Benchmark
    public String link() {
        String body = Canonical.body("node-1/dev", ++seq, AuditTables.ZERO, encoded, columns);
        return HexFormat.of().formatHex(sha.digest(body.getBytes(StandardCharsets.UTF_8)));
    }

    @Benchmark
    public StoredRow verifyDigest() {
        return StoredRow.digest(stored);
    }
}
