package io.portcullis.conversation;

import io.portcullis.policy.SessionFacts;
import io.portcullis.store.Store;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The conversation memory, durable in the gateway's store (SQLite or PostgreSQL; #13 item 4): a
 * restart or another node sharing the store does not forget it. One row per (conversation,
 * kind, item): a label, a tool, or the call count. A row lives for the window after it was last
 * seen; rows past their window are not read and are deleted at most once a minute.
 *
 * <p>Bounded (#13 item 5, policy facts): labels come from a finite vocabulary (detector classes and
 * catalog labels, both from config); at most {@code max_tools} distinct tools are kept per
 * conversation; each row keeps only the first {@code max_call_ids} audit ids; the call count is
 * one number. The conversation key is stored as its SHA-256, never the subject itself.
 */
public final class ConversationStore {
    static final String LABEL = "label";
    static final String TOOL = "tool";
    static final String CALLS = "calls";

    private final Store store;
    private final GroupCommit writes;
    private final java.time.Clock clock;
    private final java.util.concurrent.atomic.AtomicLong lastPurge = new java.util.concurrent.atomic.AtomicLong();
    /** The rows in memory (#20): only on the embedded store, whose one writer is this process; null on PostgreSQL. */
    private final FactsCache cache;
    private final java.util.concurrent.atomic.AtomicLong queries = new java.util.concurrent.atomic.AtomicLong();
    static final long MAX_REFRESH_MS = 60_000;
    private final boolean lazy;
    private final java.util.concurrent.atomic.AtomicLong written = new java.util.concurrent.atomic.AtomicLong();

    /**
     * Opens the memory, creating its table on first start; {@code clock} is the time its windows run on.
     * On the embedded SQLite store, which one gateway process holds at a time, reads are served from
     * memory ({@link FactsCache}); on PostgreSQL every read queries the store (other nodes write too).
     * One {@code ConversationStore} per store in a process (the gateway's).
     */
    public ConversationStore(Store store, java.time.Clock clock) {
        this(store, clock, store.dialect() == Store.Dialect.SQLITE);
    }

    /** @param inMemory whether reads are served from memory ({@link FactsCache}); only where this is the store's one writer */
    ConversationStore(Store store, java.time.Clock clock, boolean inMemory) {
        this.store = store;
        this.writes = new GroupCommit(store);
        this.clock = clock;
        this.cache = inMemory ? new FactsCache() : null;
        this.lazy = store.dialect() == Store.Dialect.SQLITE;
        store.migrate("conversation", FactsSchema.migrations(store.dialect()));
    }

    /** The time the windows run on. */
    public java.time.Clock clock() {
        return clock;
    }

    /** What the conversation holds within its window at {@code nowMs}. */
    public SessionFacts load(String key, long nowMs, Duration window) throws SQLException {
        String hashed = ConversationKey.hash(key);
        if (cache == null) {
            return FactsCache.inOrder(query(hashed, cutoff(nowMs, window))); // PostgreSQL: every read sees every node's writes
        }
        SessionFacts held = cache.get(hashed, cutoff(nowMs, window), window);
        if (held != null) {
            return held;
        }
        // not held yet: read it while no batch commits (their after-commit updates run under the same lock)
        writes.lock.lock();
        try {
            List<FactsCache.Row> rows = query(hashed, cutoff(nowMs, window));
            cache.put(hashed, window, rows);
            return cache.get(hashed, cutoff(nowMs, window), window);
        } finally {
            writes.lock.unlock();
        }
    }

    private List<FactsCache.Row> query(String hashed, long cutoff) throws SQLException {
        queries.incrementAndGet();
        List<FactsCache.Row> rows = new ArrayList<>();
        try (Connection c = store.connection();
             PreparedStatement ps = c.prepareStatement("SELECT kind, item, n, call_ids, first_ms, last_ms FROM conversation_facts "
                     + "WHERE conv_key = ? AND last_ms >= ? ORDER BY first_ms, item")) {
            ps.setString(1, hashed);
            ps.setLong(2, cutoff);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(new FactsCache.Row(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getString(4), rs.getLong(5),
                            rs.getLong(6)));
                }
            }
        }
        return rows;
    }

    /**
     * How old a row's stored {@code last_ms} may grow before a call that changes nothing else in it
     * rewrites it (#13, session 10: no-op rows skipped): window/16, at most one minute, on SQLite (where
     * this process, the one writer, skips such writes when it holds the conversation in memory); 0 on
     * PostgreSQL (every row is written on every call, as before). A property of the store, so that every
     * reader of it agrees.
     */
    long refresh(Duration window) {
        return lazy ? Math.min(window.toMillis() / 16, MAX_REFRESH_MS) : 0;
    }

    /**
     * Rows last written before this are past their window: a row stays live for {@code window} +
     * {@link #refresh} after its stored last_ms, so for at least {@code window} after the last call
     * that touched it (whose write was skipped at most {@code refresh} after the stored one). Every
     * reader uses it: the query, the view in memory, the upsert's start-over, the purge.
     */
    long cutoff(long nowMs, Duration window) {
        return nowMs - window.toMillis() - refresh(window);
    }

    /** Reads of the store so far (tests: a conversation held in memory is not read again). */
    long queries() {
        return queries.get();
    }

    /** Whether reads are served from memory. */
    boolean inMemory() {
        return cache != null;
    }

    /**
     * Adds one call to the conversation: its labels, its tool (unless the conversation already
     * holds {@code maxTools} others), one to the call count; each with the call's audit id. Commits
     * them itself (group commit); returns once they are durable.
     */
    public void record(String key, long nowMs, Duration window, String callId, String tool, Collection<String> labels,
                       boolean rememberTool, int maxCallIds) throws SQLException {
        record(key, nowMs, window, callId, tool, labels, rememberTool, maxCallIds, true);
    }

    /** The same; {@code writeCalls}: whether the calls row is written on every call (a policy rule reads session.calls). */
    void record(String key, long nowMs, Duration window, String callId, String tool, Collection<String> labels,
                boolean rememberTool, int maxCallIds, boolean writeCalls) throws SQLException {
        ConversationRows rows = rows(key, nowMs, window, callId, tool, labels, rememberTool, maxCallIds, writeCalls);
        if (!rows.empty()) { // #13, session 10: a call that changes no stored row commits nothing
            // #20 item 3: concurrent calls' writes share one commit; this returns once ours is durable
            writes.write(rows.hashed, rows::write, rows::committed, rows::failed);
        }
        purge(nowMs, cutoff(nowMs, window));
    }

    /**
     * The same call's rows, for a committer that is not this memory's own: the audit writer commits them
     * with the call's outcome record (#13 item 4, session 9). {@link #purge} is the caller's.
     */
    ConversationRows rows(String key, long nowMs, Duration window, String callId, String tool, Collection<String> labels,
                          boolean rememberTool, int maxCallIds, boolean writeCalls) {
        ConversationRows rows = new ConversationRows(ConversationKey.hash(key), nowMs, window, cutoff(nowMs, window),
                refresh(window), writeCalls, callId, tool, labels, rememberTool, maxCallIds, cache, writes.lock);
        written.addAndGet(rows.size());
        return rows;
    }

    /** Rows handed to a committer so far (tests, the deterministic measure of #13 session 10: rows per call). */
    long rowsWritten() {
        return written.get();
    }

    /** The group commit behind {@link #record} (tests count its commits). */
    GroupCommit writes() {
        return writes;
    }

    /** Deletes what has left its window, at most once a minute (its own statement, outside any batch). */
    void purge(long nowMs, long cutoff) throws SQLException {
        if (purgeDue(nowMs)) {
            deleteBefore(cutoff);
        }
    }

    /** Claims the purge of this minute: true for one caller at most once a minute. */
    boolean purgeDue(long nowMs) {
        long last = lastPurge.get();
        return nowMs - last >= 60_000 && lastPurge.compareAndSet(last, nowMs);
    }

    /** Deletes the rows last seen before {@code cutoff} (a scan: there is no index on last_ms). */
    void deleteBefore(long cutoff) throws SQLException {
        try (Connection c = store.connection();
             PreparedStatement ps = c.prepareStatement("DELETE FROM conversation_facts WHERE last_ms < ?")) {
            ps.setLong(1, cutoff);
            ps.executeUpdate();
        }
    }
}
