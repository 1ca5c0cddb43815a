package io.portcullis.store;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checkpoints the serving gateway's embedded SQLite WAL on a thread of its own (#20 item 3: the
 * tail latency of a durable answer). SQLite otherwise checkpoints inside the commit that takes the
 * WAL past 1,000 pages: that commit, which is the audit writer's and which every answer waits for,
 * then also copies the WAL into the database file and flushes it a second time. With this, the
 * writers' automatic checkpoint is only a safety net ({@link Store#WAL_AUTOCHECKPOINT_PAGES}: it
 * bounds the WAL if this thread ever stops), and a PASSIVE checkpoint runs every {@code
 * intervalMillis} on a pooled connection of its own. A PASSIVE checkpoint takes no lock a writer
 * waits for: commits go on appending to the WAL while it copies, and the WAL starts over from its
 * beginning at the next commit after a checkpoint that copied everything. Durability is SQLite's
 * (synchronous=FULL: each commit is flushed when it returns); a crash during a checkpoint leaves
 * the WAL to be replayed at the next open, as with SQLite's own checkpoints.
 */
final class WalCheckpointer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WalCheckpointer.class);

    /** What one checkpoint found and did: frames in the WAL, frames copied into the database, whether it was busy. */
    record Result(boolean busy, int walFrames, int checkpointed) {
    }

    private final Store store;
    private final ScheduledExecutorService timer;
    private volatile boolean failing;
    private final AtomicLong done = new AtomicLong();
    private volatile Result last;

    private WalCheckpointer(Store store, ScheduledExecutorService timer) {
        this.store = store;
        this.timer = timer;
    }

    /** Starts checkpointing {@code store} every {@code intervalMillis} (its first one after the same delay). */
    static WalCheckpointer start(Store store, long intervalMillis) {
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
                r -> Thread.ofPlatform().daemon().name("wal-checkpoint").unstarted(r));
        WalCheckpointer c = new WalCheckpointer(store, timer);
        timer.scheduleWithFixedDelay(c::tick, intervalMillis, intervalMillis, TimeUnit.MILLISECONDS);
        return c;
    }

    private void tick() {
        try {
            last = checkpoint();
            done.incrementAndGet();
            if (failing) {
                failing = false;
                LOG.info("WAL checkpoints work again");
            }
        } catch (SQLException | RuntimeException e) {
            // never thrown out of the timer (that would end it); the writers' own checkpoint bounds the WAL meanwhile
            if (!failing) {
                failing = true;
                LOG.warn("WAL checkpoint failed ({}); SQLite checkpoints in the commits again once the WAL reaches {} pages",
                        store.describe(e), Store.WAL_AUTOCHECKPOINT_PAGES);
            }
        }
    }

    /** How many timed checkpoints have completed. */
    long completed() {
        return done.get();
    }

    /** What the last timed checkpoint found and did, or null before the first. */
    Result last() {
        return last;
    }

    /** One PASSIVE checkpoint now, on a pooled connection. */
    Result checkpoint() throws SQLException {
        try (Connection c = store.connection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("PRAGMA wal_checkpoint(PASSIVE)")) {
            if (!rs.next()) {
                throw new SQLException("PRAGMA wal_checkpoint returned no row");
            }
            return new Result(rs.getInt(1) != 0, rs.getInt(2), rs.getInt(3));
        }
    }

    /** Whether the timer has ended (after {@link #close()}). */
    boolean stopped() {
        return timer.isTerminated();
    }

    /** Stops the timer; a checkpoint in progress finishes first (waits up to 10 s for it). */
    @Override
    public void close() {
        timer.shutdown();
        try {
            timer.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
