package io.portcullis.conversation;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;

/**
 * #13 item 4, session 9 (cheaper rows): what the conversation rows add to an audit batch commit on
 * SQLite (WAL, synchronous FULL), per schema: "none" (audit rows only), "old" (rowid table + last_ms
 * index, statement prepared per call), "new" ({@code WITHOUT ROWID}, no last_ms index, one statement
 * per batch). Each commit: {@code B} calls, each an audit_records insert (the real table and indexes,
 * a 2 KB body) and its conversation upserts (its tool row and the calls row; 64 conversations, 3 tools,
 * rows already present: the steady state). Prints, per variant and round (variants alternate): WAL
 * bytes per commit (autocheckpoint off, -wal file growth) and wall time per commit (autocheckpoint on,
 * as served). Not a test; standalone (java.sql and sqlite-jdbc only):
 * {@code java -cp ~/.m2/.../sqlite-jdbc-*.jar src/test/java/io/portcullis/conversation/FactsWalBytes.java [commits] [B] [rounds] [conversations]}
 */
public final class FactsWalBytes {
    private FactsWalBytes() {}

    private static int conversations = 64;

    private static final String UPSERT = "INSERT INTO conversation_facts "
            + "(conv_key, kind, item, n, call_ids, first_ms, last_ms) VALUES (?, ?, ?, 1, ?, ?, ?) "
            + "ON CONFLICT (conv_key, kind, item) DO UPDATE SET n = conversation_facts.n + 1, "
            + "call_ids = CASE WHEN conversation_facts.n < 8 THEN conversation_facts.call_ids || ',' || excluded.call_ids "
            + "ELSE conversation_facts.call_ids END, last_ms = excluded.last_ms";
    private static final String COLUMNS = "(conv_key VARCHAR(64) NOT NULL, kind VARCHAR(8) NOT NULL, "
            + "item VARCHAR(256) NOT NULL, n BIGINT NOT NULL, call_ids VARCHAR(2000) NOT NULL, "
            + "first_ms BIGINT NOT NULL, last_ms BIGINT NOT NULL, PRIMARY KEY (conv_key, kind, item))";

    public static void main(String[] args) throws Exception {
        int commits = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int perBatch = args.length > 1 ? Integer.parseInt(args[1]) : 4;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        conversations = args.length > 3 ? Integer.parseInt(args[3]) : 64;
        String[] variants = {"none", "old", "new"};
        for (int r = 0; r < rounds; r++) {
            for (String v : variants) {
                double[] wal = run(v, commits, perBatch, false);
                double[] time = run(v, commits, perBatch, true);
                System.out.printf("round %d %-4s WAL bytes/commit %8.0f  commit p50 %6.3f ms  mean %6.3f ms%n", r, v, wal[0], time[1],
                        time[2]);
            }
        }
    }

    /** {WAL bytes per commit, p50 ms, mean ms}. */
    private static double[] run(String variant, int commits, int perBatch, boolean autocheckpoint) throws Exception {
        Path dir = Path.of("target", "facts-wal", variant);
        Files.createDirectories(dir);
        for (String s : new String[] {"", "-wal", "-shm"}) {
            Files.deleteIfExists(dir.resolve("db" + s));
        }
        Path file = dir.resolve("db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file + "?journal_mode=WAL&synchronous=FULL")) {
            try (Statement st = c.createStatement()) {
                st.execute("CREATE TABLE audit_records (chain VARCHAR(160) NOT NULL, seq BIGINT NOT NULL, ts BIGINT NOT NULL, "
                        + "kind VARCHAR(16) NOT NULL, env VARCHAR(64) NOT NULL, call_id VARCHAR(64), subject VARCHAR(256), "
                        + "tool VARCHAR(256), decision VARCHAR(16), trace_id VARCHAR(64), request_id VARCHAR(256), "
                        + "hash CHAR(64) NOT NULL, body TEXT NOT NULL, PRIMARY KEY (chain, seq))");
                st.execute("CREATE INDEX audit_records_ts ON audit_records (ts)");
                st.execute("CREATE INDEX audit_records_subject ON audit_records (subject, ts)");
                if (variant.equals("old")) {
                    st.execute("CREATE TABLE conversation_facts " + COLUMNS);
                    st.execute("CREATE INDEX conversation_facts_last ON conversation_facts (last_ms)");
                } else {
                    st.execute("CREATE TABLE conversation_facts " + COLUMNS + " WITHOUT ROWID");
                }
                st.execute("PRAGMA wal_autocheckpoint=" + (autocheckpoint ? 1000 : 0));
            }
            String body = "x".repeat(2048);
            long seq = 0;
            long[] nanos = new long[commits];
            int warm = commits / 5;
            long walBefore = 0;
            c.setAutoCommit(false);
            PreparedStatement shared = null;
            for (int i = 0; i < commits + warm; i++) {
                if (i == warm) {
                    try (Statement st = c.createStatement()) {
                        st.execute("PRAGMA wal_checkpoint(TRUNCATE)");
                    }
                    c.commit();
                    walBefore = Files.size(dir.resolve("db-wal"));
                }
                long t0 = System.nanoTime();
                try (PreparedStatement audit = c.prepareStatement("INSERT INTO audit_records (chain, seq, ts, kind, env, call_id, "
                        + "subject, tool, decision, hash, body) VALUES ('node-1', ?, ?, 'call', 'prod', ?, ?, ?, 'allow', ?, ?)")) {
                    for (int b = 0; b < perBatch; b++) {
                        long now = System.currentTimeMillis();
                        int call = i * perBatch + b;
                        String conv = String.format("%064x", call % conversations);
                        String tool = "srv__tool" + call % 3;
                        if (!variant.equals("none")) {
                            PreparedStatement ps = variant.equals("old") ? c.prepareStatement(UPSERT)
                                    : shared != null ? shared : (shared = c.prepareStatement(UPSERT));
                            add(ps, conv, "tool", tool, "c-" + call, now);
                            add(ps, conv, "calls", "", "c-" + call, now);
                            ps.executeBatch();
                            if (variant.equals("old")) {
                                ps.close();
                            }
                        }
                        audit.setLong(1, ++seq);
                        audit.setLong(2, now);
                        audit.setString(3, "c-" + call);
                        audit.setString(4, "subject-" + call % conversations);
                        audit.setString(5, tool);
                        audit.setString(6, String.format("%064x", seq));
                        audit.setString(7, body);
                        audit.executeUpdate();
                    }
                }
                c.commit();
                if (i >= warm) {
                    nanos[i - warm] = System.nanoTime() - t0;
                }
                if (variant.equals("new") && shared != null) {
                    shared.close(); // one statement per batch (the connection goes back to the pool after it)
                    shared = null;
                }
            }
            long wal = Files.size(dir.resolve("db-wal")) - walBefore;
            Arrays.sort(nanos);
            double mean = Arrays.stream(nanos).average().orElse(0) / 1e6;
            return new double[] {(double) wal / commits, nanos[commits / 2] / 1e6, mean};
        } catch (SQLException e) {
            throw new IllegalStateException(variant + ": " + e.getMessage(), e);
        }
    }

    private static void add(PreparedStatement ps, String conv, String kind, String item, String callId, long now) throws SQLException {
        ps.setString(1, conv);
        ps.setString(2, kind);
        ps.setString(3, item);
        ps.setString(4, callId);
        ps.setLong(5, now);
        ps.setLong(6, now);
        ps.addBatch();
    }
}
