package io.portcullis.conversation;

import io.portcullis.policy.SessionFacts;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The conversation memory's rows, held in memory (#20, #14 session 8: the read per call), so that
 * {@link ConversationStore#load} does not query the store for a conversation this process already
 * knows. <b>Only where this process is the store's one writer</b>: the embedded SQLite file, which
 * one gateway holds at a time (docs/operations/store.md). On PostgreSQL, several nodes write the
 * same rows and a call must see the labels another node recorded a moment ago (a chain rule spread
 * over two nodes must not pass), so there every call still reads the store.
 *
 * <p>A replica, not a guess: a conversation is loaded from the store once (under the group
 * commit's lock, so no commit runs meanwhile), then every committed write is applied to it here
 * by the same rules as the upsert in {@link ConversationStore#record} (reset after the window, one
 * more, the first {@code max_call_ids} audit ids), in the order the batch ran it, after the commit
 * and before the call that wrote it returns. Facts are built as the query builds them (rows within
 * the window, by first seen, then item). A failed batch drops the conversations it touched (the
 * next call reloads them); a different window drops an entry too. At most {@link #MAX_CONVERSATIONS}
 * conversations are held; beyond that, entries are dropped (a miss reloads; nothing is lost).
 *
 * <p>#13, session 10 (no-op rows skipped): {@link #plan} says which of a call's rows the store must
 * get; a skipped label or tool row changes nothing here either (the replica stays the store's rows),
 * while a skipped calls row is counted here ({@link Row#extra}) and written with the row's refresh or
 * when a rule reads the count. So labels and tools always equal a reload's; the count equals it when
 * it is written per call, and is otherwise at least the stored one.
 */
final class FactsCache {
    static final int MAX_CONVERSATIONS = 20_000;

    /** One row of {@code conversation_facts}. */
    static final class Row {
        final String kind;
        final String item;
        long n;
        String callIds;
        long firstMs;
        long lastMs;
        /** Calls row only (#13, session 10): calls counted in memory and not written yet ({@link #plan}). */
        long extra;
        /** Calls row only: counted calls whose write is in flight (on the stored n once committed). */
        long claimed;

        Row(String kind, String item, long n, String callIds, long firstMs, long lastMs) {
            this.kind = kind;
            this.item = item;
            this.n = n;
            this.callIds = callIds;
            this.firstMs = firstMs;
            this.lastMs = lastMs;
        }
    }

    /** One conversation's rows, loaded with {@code window}; guarded by itself. */
    private static final class Entry {
        final Duration window;
        final Map<String, Row> rows = new LinkedHashMap<>();

        Entry(Duration window) {
            this.window = window;
        }
    }

    private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();

    /**
     * The facts of conversation {@code hashed}, its rows last written at or after {@code cutoff} (the
     * store's {@code ConversationStore#cutoff}, as the query), or null when it must be read from the store.
     */
    SessionFacts get(String hashed, long cutoff, Duration window) {
        Entry e = entries.get(hashed);
        if (e == null) {
            return null;
        }
        if (!e.window.equals(window)) {
            entries.remove(hashed, e);
            return null;
        }
        synchronized (e) {
            return facts(new ArrayList<>(e.rows.values()), cutoff);
        }
    }

    /** Holds what the store returned for {@code hashed}; the caller holds the commit lock, so no write is in between. */
    void put(String hashed, Duration window, List<Row> rows) {
        if (entries.size() >= MAX_CONVERSATIONS) {
            var it = entries.keySet().iterator();
            for (int i = 0; i < MAX_CONVERSATIONS / 10 && it.hasNext(); i++) {
                it.next();
                it.remove(); // arbitrary ones: a dropped conversation is read again from the store
            }
        }
        Entry e = new Entry(window);
        for (Row r : rows) {
            e.rows.put(r.kind + '\n' + r.item, r);
        }
        entries.put(hashed, e);
    }

    /**
     * Which of one call's rows must be written (#13, session 10: no-op rows skipped), or null when
     * {@code hashed} is not held (then all are). A label or tool row is skipped when it is live, its
     * call ids full ({@code n >= maxIds}: nothing reads n then, and its ids cannot change) and its stored
     * {@code last_ms} is at most {@code refresh} old. The calls row (last) is skipped, and the call counted
     * here ({@link Row#extra}), unless {@code writeCalls} (a rule reads session.calls), or its stored
     * {@code last_ms} is older than {@code refresh}, or it is not held; when written it adds the calls
     * counted here since ({@code calls[0]}, claimed until {@link #upsert} applies it).
     *
     * @param order kind, item, kind, item... of the label and tool rows
     */
    boolean[] plan(String hashed, Duration window, List<String> order, long nowMs, long refresh, long cutoff, int maxIds,
                   boolean writeCalls, long[] calls) {
        Entry e = entries.get(hashed);
        if (e == null || !e.window.equals(window)) {
            return null;
        }
        boolean[] write = new boolean[order.size() / 2];
        synchronized (e) {
            for (int i = 0; i < write.length; i++) {
                Row r = e.rows.get(order.get(2 * i) + '\n' + order.get(2 * i + 1));
                write[i] = r == null || r.lastMs < cutoff || r.n < maxIds || r.lastMs < nowMs - refresh;
            }
            Row c = e.rows.get(ConversationStore.CALLS + '\n');
            if (c == null || c.lastMs < cutoff) {
                calls[0] = 1;
            } else if (writeCalls || c.lastMs < nowMs - refresh) {
                calls[0] = 1 + c.extra;
                c.claimed += c.extra;
                c.extra = 0;
            } else {
                c.extra++;
                calls[0] = 0;
            }
        }
        return write;
    }

    /** One committed upsert (the SQL of {@link ConversationStore#record}, row by row); a no-op for a conversation not held. */
    void upsert(String hashed, Duration window, String kind, String item, String callId, long nowMs, long cutoff, long maxIds) {
        upsert(hashed, window, kind, item, callId, nowMs, cutoff, maxIds, 1);
    }

    /** The same, adding {@code add} to n (the calls row: this call and those counted in memory before it). */
    void upsert(String hashed, Duration window, String kind, String item, String callId, long nowMs, long cutoff, long maxIds,
                long add) {
        Entry e = entries.get(hashed);
        if (e == null) {
            return;
        }
        if (!e.window.equals(window)) {
            entries.remove(hashed, e);
            return;
        }
        synchronized (e) {
            Row r = e.rows.get(kind + '\n' + item);
            if (r == null) {
                e.rows.put(kind + '\n' + item, new Row(kind, item, 1, callId, nowMs, nowMs));
                return;
            }
            boolean expired = r.lastMs < cutoff;
            r.callIds = expired ? callId : r.n < maxIds ? r.callIds + ',' + callId : r.callIds;
            r.n = expired ? 1 : r.n + add;
            r.claimed = Math.max(0, r.claimed - (add - 1));
            r.extra = expired ? 0 : r.extra;
            r.firstMs = expired ? nowMs : r.firstMs;
            r.lastMs = nowMs;
        }
    }

    /** Forgets a conversation (its batch failed: what the store holds is read again). */
    void drop(String hashed) {
        entries.remove(hashed);
    }

    /** Conversations held (tests). */
    int size() {
        return entries.size();
    }

    /** The facts as the query builds them: rows seen within the window, by first seen, then item. */
    static SessionFacts facts(List<Row> rows, long cutoff) {
        rows.removeIf(r -> r.lastMs < cutoff);
        rows.sort(Comparator.<Row>comparingLong(r -> r.firstMs).thenComparing((a, b) -> codePoints(a.item, b.item)));
        return inOrder(rows);
    }

    /** The facts of rows already within the window and in order (as the query returns them). */
    static SessionFacts inOrder(List<Row> rows) {
        Map<String, List<String>> labels = new LinkedHashMap<>();
        List<String> tools = new ArrayList<>();
        long calls = 0;
        for (Row r : rows) {
            switch (r.kind) {
                case ConversationStore.LABEL -> labels.put(r.item, ids(r.callIds));
                case ConversationStore.TOOL -> tools.add(r.item);
                case ConversationStore.CALLS -> calls = r.n + r.extra + r.claimed;
                default -> { }
            }
        }
        return new SessionFacts(labels, tools, calls);
    }

    /** The order of SQLite's BINARY collation on UTF-8 text: code point order. */
    private static int codePoints(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int x = a.codePointAt(i);
            int y = b.codePointAt(j);
            if (x != y) {
                return Integer.compare(x, y);
            }
            i += Character.charCount(x);
            j += Character.charCount(y);
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }

    static List<String> ids(String csv) {
        return csv == null || csv.isEmpty() ? List.of() : Arrays.stream(csv.split(",")).filter(s -> !s.isEmpty()).toList();
    }
}
