package io.portcullis.audit;

import io.portcullis.audit.AuditFixture.Kind;
import io.portcullis.catalog.ToolEntry;
import io.portcullis.protocol.Json;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Map;
import tools.jackson.databind.node.ObjectNode;

/** Temporary: CPU cost of each step of an append and of verify, per record. */
public final class AuditCostProbe {
    public static void main(String[] args) throws Exception {
        var mx = ManagementFactory.getThreadMXBean();
        try (AuditFixture f = new AuditFixture(Kind.SQLITE, AuditFixture.tempDir(), c -> AuditFixture.with(c, 1_000_000, Duration.ofHours(1), Map.of()))) {
            ToolEntry tool = AuditFixture.tool("demo__search_tickets", true);
            int n = 50_000;
            if (args.length > 0 && args[0].equals("noidx")) {
                f.sql("DROP INDEX audit_records_subject", "DROP INDEX audit_records_tool", "DROP INDEX audit_records_call", "DROP INDEX audit_records_request", "DROP INDEX audit_records_trace");
            }
            for (int round = 0; round < 3; round++) {
                long t = mx.getCurrentThreadCpuTime();
                ObjectNode[] recs = new ObjectNode[n];
                for (int i = 0; i < n; i++) recs[i] = AuditBench.record(f, tool, i);
                long tBuild = mx.getCurrentThreadCpuTime() - t;
                t = mx.getCurrentThreadCpuTime();
                String[] enc = new String[n];
                for (int i = 0; i < n; i++) enc[i] = Canonical.encode(recs[i]);
                long tEnc = mx.getCurrentThreadCpuTime() - t;
                t = mx.getCurrentThreadCpuTime();
                for (int i = 0; i < n; i++) Columns.of(recs[i]);
                long tCols = mx.getCurrentThreadCpuTime() - t;
                t = mx.getCurrentThreadCpuTime();
                for (int i = 0; i < n; i++) Canonical.sha256(enc[i]);
                long tSha = mx.getCurrentThreadCpuTime() - t;
                t = mx.getCurrentThreadCpuTime();
                for (int i = 0; i < n; i++) Json.parse(enc[i]);
                long tParse = mx.getCurrentThreadCpuTime() - t;
                Columns[] cols = new Columns[n];
                for (int i = 0; i < n; i++) cols[i] = Columns.of(recs[i]);
                long w0 = System.nanoTime();
                t = mx.getCurrentThreadCpuTime();
                try (var c = f.store.connection()) {
                    if (args.length > 1) { try (var st = c.createStatement()) { st.execute("PRAGMA cache_size=-65536"); } }
                    c.setAutoCommit(false);
                    String prev = AuditTables.ZERO;
                    for (int b = 0; b < n; b += 2048) {
                        try (var ps = c.prepareStatement(AuditTables.INSERT)) {
                            for (int i = b; i < Math.min(n, b + 2048); i++) {
                                String body = "{\"chain\":\"x\",\"prev\":\"" + prev + "\",\"rec\":" + enc[i] + ",\"seq\":" + (round * n + i + 1) + "}";
                                prev = Canonical.sha256(body);
                                AuditTables.insert(ps, "probe", round * n + i + 1, cols[i], prev, body);
                            }
                            ps.executeBatch();
                        }
                        c.commit();
                    }
                    c.setAutoCommit(true);
                }
                long tIns = mx.getCurrentThreadCpuTime() - t;
                long wIns = System.nanoTime() - w0;
                System.out.printf("writer: insert cpu %.1f us/record, wall %.1f us/record%n", tIns / 1e3 / n, wIns / 1e3 / n);
                System.out.printf("per record (us): build %.1f encode %.1f columns %.1f sha %.1f parse %.1f (len %d)%n",
                        tBuild / 1e3 / n, tEnc / 1e3 / n, tCols / 1e3 / n, tSha / 1e3 / n, tParse / 1e3 / n, enc[0].length());
            }
        }
    }
}
