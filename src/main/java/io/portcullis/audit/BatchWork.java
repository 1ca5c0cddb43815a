package io.portcullis.audit;

import io.portcullis.call.WithRecord;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The work that calls attach to their outcome records ({@link WithRecord}; #13 item 4, session 9:
 * the conversation memory's rows), run by the audit writer inside the batch's transaction, before
 * the records are inserted, sorted by {@link WithRecord#order} (on PostgreSQL every node then locks
 * conversation rows in one order: no deadlock between nodes).
 *
 * <p>One bad work must not lose the other calls' records of the batch. First every work runs
 * without savepoints (nothing added on the normal path); if one throws, the writer rolls the
 * transaction back and runs the batch again "guarded": each work under its own savepoint, and a
 * work that throws is rolled back to it alone and rejected ({@link Rejected}): its record is not
 * written (unless its caller had already refused the call, then the refusal's record is), and its
 * caller records the outcome its work's {@link WithRecord#rejected} gives.
 */
final class BatchWork {
    private BatchWork() {}

    /** A call's work was rejected by the store alone: its record was not written, the call decides again. */
    static final class Rejected extends Exception {
        Rejected(Exception cause) {
            super("the store rejected the work committed with this call's record: " + cause, cause);
        }
    }

    /**
     * Runs the works of {@code batch}; false when one failed unguarded (the caller rolls back and runs
     * the batch again with {@code guarded}). Guarded, the rejected works go into {@code rejected}.
     */
    static boolean run(Connection tx, List<AuditWriter.Pending> batch, boolean guarded,
                       Map<AuditWriter.Pending, Exception> rejected) throws SQLException {
        List<AuditWriter.Pending> with = new ArrayList<>();
        for (AuditWriter.Pending p : batch) {
            if (p.work() != null) {
                with.add(p);
            }
        }
        if (with.isEmpty()) {
            return true;
        }
        with.sort(Comparator.comparing(p -> p.work().order()));
        for (AuditWriter.Pending p : with) {
            if (!guarded) {
                try {
                    p.work().write(tx);
                } catch (SQLException | RuntimeException e) {
                    return false;
                }
                continue;
            }
            Savepoint sp = tx.setSavepoint();
            try {
                p.work().write(tx);
                tx.releaseSavepoint(sp);
            } catch (SQLException | RuntimeException e) {
                tx.rollback(sp); // if this fails too, the whole batch fails (its calls refused by audit)
                rejected.put(p, e);
            }
        }
        return true;
    }

    /** The record to insert now: none for a rejected work's call that still waits (it records again), else its current one. */
    static AuditWriter.Encoded toWrite(AuditWriter.Pending p, Map<AuditWriter.Pending, Exception> rejected) {
        if (rejected.containsKey(p) && p.state().get() != AuditWriter.Pending.ABANDONED) {
            return null;
        }
        return p.current();
    }

    /** After the commit: each work learns its fate, before any future completes (the next call sees the rows). */
    static void after(List<AuditWriter.Pending> batch, Map<AuditWriter.Pending, Exception> rejected) {
        for (AuditWriter.Pending p : batch) {
            if (p.work() == null) {
                continue;
            }
            try {
                if (rejected.containsKey(p)) {
                    p.work().failed();
                } else {
                    p.work().committed();
                }
            } catch (RuntimeException e) {
                failed(p); // a view that could not follow forgets (and is read again), never diverges
            }
        }
    }

    /** The batch was not committed: every work forgets what it meant to write. */
    static void failed(List<AuditWriter.Pending> batch) {
        batch.forEach(BatchWork::failed);
    }

    private static void failed(AuditWriter.Pending p) {
        if (p.work() != null) {
            try {
                p.work().failed();
            } catch (RuntimeException ignored) {
                // nothing more to undo
            }
        }
    }

    /** The call's future: rejected (its record not written) or landed. */
    static void complete(AuditWriter.Pending p, AuditWriter.Appended landed, Map<AuditWriter.Pending, Exception> rejected) {
        Exception why = rejected.get(p);
        if (why != null && landed == null) {
            p.done().completeExceptionally(new Rejected(why));
        } else {
            p.done().complete(landed);
        }
    }
}
