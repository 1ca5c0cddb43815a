package io.portcullis.conversation;

import io.portcullis.store.Store;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Group commit for the conversation memory's writes where no audit outcome record carries them
 * (since #13 item 4 session 9 the tool and read chains commit them with the record, {@link RowsWithRecord};
 * this remains for a stage used without one). #20 item 3; the pattern of the audit
 * writer's, {@code io.portcullis.audit.AuditWriter}, without its thread). A caller queues its
 * write and takes the commit lock; whoever holds it takes every write queued so far (up to
 * {@link #MAX_BATCH}), runs them all in one transaction and completes their futures only after
 * the commit returned. While one batch commits (SQLite synchronous=FULL: its fsync), the writes
 * of other calls queue up and the next holder of the lock commits them together: one fsync for
 * many calls instead of one each.
 *
 * <p>Durability is unchanged (#13 item 4): {@link #write} returns only once its write is
 * committed. Fail closed: when a batch's commit fails, every write in it fails with that error,
 * and each caller ({@link ConversationMemory}) decides as before (its result is withheld, naming
 * the control {@code conversation}).
 */
final class GroupCommit {
    static final int MAX_BATCH = 512;

    /** One call's writes, run inside the batch's transaction. */
    @FunctionalInterface
    interface Write {
        void run(Connection c) throws SQLException;
    }

    private record Pending(String order, Write write, CompletableFuture<Void> done, Runnable committed, Runnable failed) {}

    private static final Runnable NOTHING = () -> {};

    private final Store store;
    private final ConcurrentLinkedQueue<Pending> queue = new ConcurrentLinkedQueue<>();
    /** Held by the caller that commits a batch; package-visible so a test can make calls queue up behind it. */
    final ReentrantLock lock = new ReentrantLock();
    private final AtomicLong commits = new AtomicLong();
    private final AtomicLong written = new AtomicLong();

    GroupCommit(Store store) {
        this.store = store;
    }

    /**
     * Runs {@code write} in a transaction shared with concurrent writes; returns once it is committed.
     * A batch runs its writes sorted by {@code order} (the hashed conversation key), so that two
     * nodes' batches on PostgreSQL lock the rows of different conversations in the same order.
     */
    void write(String order, Write write) throws SQLException {
        write(order, write, NOTHING, NOTHING);
    }

    /**
     * As {@link #write(String, Write)}; {@code committed} runs once the batch is committed, in the
     * batch's order, under the lock and before any caller returns; {@code failed} when it was not
     * (the in-memory view of {@link FactsCache} follows the store this way).
     */
    void write(String order, Write write, Runnable committed, Runnable failed) throws SQLException {
        Pending p = new Pending(order, write, new CompletableFuture<>(), committed, failed);
        queue.add(p);
        lock.lock();
        try {
            while (!p.done().isDone()) {
                commitBatch(); // p was queued before the lock was taken: it is in this batch or one soon after
            }
        } finally {
            lock.unlock();
        }
        try {
            p.done().get(); // already complete: this caller's batch was committed (or failed) under the lock
        } catch (ExecutionException e) {
            if (e.getCause() instanceof SQLException s) {
                throw s;
            }
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException("interrupted while the conversation memory was written", e);
        }
    }

    /** Commits one batch of what is queued; runs under {@link #lock}. */
    private void commitBatch() {
        List<Pending> batch = new ArrayList<>();
        Pending p;
        while (batch.size() < MAX_BATCH && (p = queue.poll()) != null) {
            batch.add(p);
        }
        if (batch.isEmpty()) {
            return;
        }
        batch.sort(java.util.Comparator.comparing(Pending::order));
        try {
            store.inTransaction(c -> {
                store.beginWrite(c);
                for (Pending each : batch) {
                    each.write().run(c);
                }
                return null;
            });
        } catch (SQLException | RuntimeException e) {
            batch.forEach(each -> {
                each.failed().run();
                each.done().completeExceptionally(e); // the whole batch fails closed
            });
            return;
        }
        commits.incrementAndGet();
        written.addAndGet(batch.size());
        batch.forEach(each -> {
            try {
                each.committed().run();
            } catch (RuntimeException e) {
                each.failed().run(); // a view that could not follow forgets (and is read again), never diverges
            }
        });
        batch.forEach(each -> each.done().complete(null));
    }

    /** Writes queued and not yet taken into a batch (tests await this instead of sleeping). */
    int queued() {
        return queue.size();
    }

    /** Batches committed so far. */
    long commits() {
        return commits.get();
    }

    /** Writes committed so far. */
    long written() {
        return written.get();
    }
}
