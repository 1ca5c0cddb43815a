package io.portcullis.audit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.SplittableRandom;

/**
 * #18 (session 10): what indexing a trace id on every audit record costs a commit on SQLite (WAL,
 * synchronous FULL), counted in bytes the commit writes to the WAL (deterministic: pages dirtied,
 * each a frame of page size + 24 bytes). The real schema ({@link AuditTables#MIGRATIONS}) and
 * insert ({@link AuditTables#INSERT}); each commit {@code B} records with a 1.2 KB body, a call id,
 * a subject of 64 and a tool of 3. Variants, alternating per round:
 * <ul>
 *   <li>{@code every}: every record has a random trace id (before: tracing on, a new trace per call,
 *       sampled or not, in the indexed column);</li>
 *   <li>{@code sampled}: one record in 100 has one (after: tracing at 1%, no client context);</li>
 *   <li>{@code none}: no record has one (tracing off, no client context).</li>
 * </ul>
 * The table already holds {@code preload} records of the same variant (the index is not empty: a
 * random key lands on a random leaf). Prints WAL bytes per commit (autocheckpoint off, the growth of
 * the -wal file over the measured commits). Not a test; run from the test classes:
 * {@code java -cp target/classes:target/test-classes:~/.m2/repository/org/xerial/sqlite-jdbc/3.54.1.0/sqlite-jdbc-3.54.1.0.jar
 * io.portcullis.audit.AuditWalBytes [commits] [B] [rounds] [preload]}
 */
public final class AuditWalBytes {
    private AuditWalBytes() {}

    public static void main(String[] args) throws Exception {
        int commits = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        int perBatch = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 2;
        int preload = args.length > 3 ? Integer.parseInt(args[3]) : 100_000;
        String[] variants = {"every", "sampled", "none"};
        for (int r = 0; r < rounds; r++) {
            for (String v : variants) {
                double[] out = run(v, commits, perBatch, preload, r);
                System.out.printf("round %d B=%d %-7s WAL bytes/commit %8.0f  pages/commit %5.2f%n", r, perBatch, v, out[0], out[1]);
            }
        }
    }

    /** {WAL bytes per commit, WAL frames (pages) per commit}. */
    private static double[] run(String variant, int commits, int perBatch, int preload, int round) throws Exception {
        Path dir = Path.of("target", "audit-wal", variant);
        Files.createDirectories(dir);
        for (String s : new String[] {"", "-wal", "-shm"}) {
            Files.deleteIfExists(dir.resolve("db" + s));
        }
        Path file = dir.resolve("db");
        SplittableRandom random = new SplittableRandom(42 + round);
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file + "?journal_mode=WAL&synchronous=FULL")) {
            int pageSize;
            try (Statement st = c.createStatement()) {
                for (String m : AuditTables.MIGRATIONS) {
                    st.execute(m);
                }
                st.execute("PRAGMA wal_autocheckpoint=0");
                var rs = st.executeQuery("PRAGMA page_size");
                rs.next();
                pageSize = rs.getInt(1);
            }
            String body = "x".repeat(1200);
            long[] seq = {0};
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement(AuditTables.INSERT)) {
                for (int i = 0; i < preload; i++) {
                    insert(ps, variant, random, ++seq[0], body);
                    if (i % 1000 == 999) {
                        ps.executeBatch();
                        c.commit();
                    }
                }
                ps.executeBatch();
                c.commit();
                try (Statement st = c.createStatement()) {
                    st.execute("PRAGMA wal_checkpoint(TRUNCATE)");
                }
                c.commit();
                long before = Files.size(dir.resolve("db-wal"));
                for (int i = 0; i < commits; i++) {
                    for (int b = 0; b < perBatch; b++) {
                        insert(ps, variant, random, ++seq[0], body);
                    }
                    ps.executeBatch();
                    c.commit();
                }
                long wal = Files.size(dir.resolve("db-wal")) - before;
                return new double[] {(double) wal / commits, (double) wal / (pageSize + 24) / commits};
            }
        } catch (SQLException e) {
            throw new IllegalStateException(variant + ": " + e.getMessage(), e);
        }
    }

    private static void insert(PreparedStatement ps, String variant, SplittableRandom random, long seq, String body) throws SQLException {
        boolean traced = variant.equals("every") || variant.equals("sampled") && random.nextInt(100) == 0;
        String trace = traced ? String.format("%016x%016x", random.nextLong(), random.nextLong()) : null;
        Columns col = new Columns(1_764_900_000_000_000L + seq * 1000, "call", "prod", String.format("c-%012d", seq),
                "subject-" + seq % 64, "srv__tool" + seq % 3, "allowed", trace, null);
        AuditTables.insert(ps, "node-1/prod", seq, col, String.format("%064x", seq), body);
    }
}
