package io.portcullis.conversation;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One call's rows of the conversation memory (#13 item 4): its labels (sorted), its tool, one to
 * the call count, each with the call's audit id. Whoever commits them calls {@link #write} inside
 * its transaction and {@link #committed} or {@link #failed} after: the audit writer, with the
 * call's outcome record (one commit per call; session 9), or {@link GroupCommit} where no record
 * carries it. {@link #committed} brings the in-memory view ({@link FactsCache}) up to date under
 * the commit lock, so a conversation read from the store at the same time is never overwritten by
 * an older view.
 */
final class ConversationRows {
    static final int MAX_ITEM = 256;
    private static final String UPSERT = "INSERT INTO conversation_facts "
            + "(conv_key, kind, item, n, call_ids, first_ms, last_ms) VALUES (?, ?, ?, 1, ?, ?, ?) "
            + "ON CONFLICT (conv_key, kind, item) DO UPDATE SET "
            + "n = CASE WHEN conversation_facts.last_ms < ? THEN 1 ELSE conversation_facts.n + ? END, "
            + "call_ids = CASE WHEN conversation_facts.last_ms < ? THEN excluded.call_ids "
            + "WHEN conversation_facts.n < ? THEN conversation_facts.call_ids || ',' || excluded.call_ids "
            + "ELSE conversation_facts.call_ids END, "
            + "first_ms = CASE WHEN conversation_facts.last_ms < ? THEN excluded.first_ms ELSE conversation_facts.first_ms END, "
            + "last_ms = excluded.last_ms";

    final String hashed;
    private final Duration window;
    private final String callId;
    private final long nowMs;
    private final long cutoff;
    private final int maxCallIds;
    /** kind, item, kind, item, ...: labels sorted, then the tool; the call count is added last (one row order for every writer). */
    private final List<String> order = new ArrayList<>();
    /** What the calls row adds to n: this call and those counted in memory before it; 0: not written (#13, session 10). */
    private final long calls;
    private final FactsCache cache;
    private final ReentrantLock lock;

    /**
     * @param cutoff  rows last written before it are past their window (the store's {@code ConversationStore#cutoff})
     * @param refresh how old a row's stored last_ms may be before a call that changes nothing else rewrites it;
     *                with {@code writeCalls}, whether the calls row is written on every call; both only where
     *                {@code cache} holds the conversation (#13, session 10: no-op rows skipped)
     */
    ConversationRows(String hashed, long nowMs, Duration window, long cutoff, long refresh, boolean writeCalls, String callId,
                     String tool, java.util.Collection<String> labels, boolean rememberTool, int maxCallIds, FactsCache cache,
                     ReentrantLock lock) {
        this.hashed = hashed;
        this.window = window;
        this.callId = callId;
        this.nowMs = nowMs;
        this.cutoff = cutoff;
        this.maxCallIds = maxCallIds;
        this.cache = cache;
        this.lock = lock;
        for (String label : new java.util.TreeSet<>(labels)) {
            order.add(ConversationStore.LABEL);
            order.add(cut(label));
        }
        if (tool != null && rememberTool) {
            order.add(ConversationStore.TOOL);
            order.add(cut(tool));
        }
        long[] add = {1};
        boolean[] write = cache == null ? null : cache.plan(hashed, window, order, nowMs, refresh, cutoff, maxCallIds, writeCalls, add);
        if (write != null) {
            for (int i = write.length - 1; i >= 0; i--) {
                if (!write[i]) {
                    order.remove(2 * i + 1);
                    order.remove(2 * i);
                }
            }
        }
        this.calls = add[0];
    }

    /** Whether the call changes no row the store must hold (then nothing is attached to its record or committed). */
    boolean empty() {
        return order.isEmpty() && calls == 0;
    }

    /** The rows written: labels and tool, then the calls row when written (tests: rows per call). */
    int size() {
        return order.size() / 2 + (calls == 0 ? 0 : 1);
    }

    private static String cut(String item) {
        return item.length() > MAX_ITEM ? item.substring(0, MAX_ITEM) : item;
    }

    /** The upserts, inside the committer's transaction. */
    void write(Connection c) throws SQLException {
        // session 9, cheaper rows: one statement for all the calls of an audit batch (UpsertStatement)
        PreparedStatement ps = UpsertStatement.on(c, UPSERT);
        try {
            for (int i = 0; i < order.size(); i += 2) {
                add(ps, order.get(i), order.get(i + 1), maxCallIds, 1);
            }
            if (calls > 0) {
                add(ps, ConversationStore.CALLS, "", 1, calls);
            }
            ps.executeBatch();
        } catch (SQLException | RuntimeException e) {
            UpsertStatement.forget(c); // fail closed as before; the next call prepares afresh
            throw e;
        }
    }

    private void add(PreparedStatement ps, String kind, String item, int maxIds, long plus) throws SQLException {
        ps.setString(1, hashed);
        ps.setString(2, kind);
        ps.setString(3, item);
        ps.setString(4, callId);
        ps.setLong(5, nowMs);
        ps.setLong(6, nowMs);
        ps.setLong(7, cutoff);
        ps.setLong(8, plus);
        ps.setLong(9, cutoff);
        ps.setLong(10, maxIds);
        ps.setLong(11, cutoff);
        ps.addBatch();
    }

    /** Committed: the view in memory follows (under the commit lock; reentrant for {@link GroupCommit}, which holds it). */
    void committed() {
        if (cache == null) {
            return;
        }
        lock.lock();
        try {
            for (int i = 0; i < order.size(); i += 2) {
                cache.upsert(hashed, window, order.get(i), order.get(i + 1), callId, nowMs, cutoff, maxCallIds);
            }
            if (calls > 0) {
                cache.upsert(hashed, window, ConversationStore.CALLS, "", callId, nowMs, cutoff, 1, calls);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Not committed: the view forgets the conversation, which is read from the store again. */
    void failed() {
        if (cache == null) {
            return;
        }
        lock.lock();
        try {
            cache.drop(hashed);
        } finally {
            lock.unlock();
        }
    }
}
