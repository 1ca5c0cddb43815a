package io.portcullis.audit;

import io.portcullis.store.Store;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The single writer of this node's chains, with group commit (C4.2). Callers enqueue records and
 * wait on a future; the writer thread takes everything pending (up to {@link #MAX_BATCH}), links
 * each record to its chain's head (seq + 1, SHA-256 of the previous body), inserts them in one
 * transaction and completes the futures only after the commit returned: a record is durable
 * before anyone is told it was written. Jobs that must see the chain heads (checkpoints,
 * retention) run on the same thread between batches, so nothing else ever appends to the chains.
 *
 * <p>If a commit fails, every future of the batch fails, the cached heads of those chains are
 * dropped (re-read from the store next time) and the failure is logged at ERROR: callers refuse
 * their calls (fail closed).
 */
final class AuditWriter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger("portcullis.audit");
    static final int MAX_BATCH = 2048;
    private static final int MAX_QUEUE = 65_536;
    private static final HexFormat HEX = HexFormat.of();
    /** Store failures repeat for as long as the fault lasts: logged once per kind and interval (#21 item 9). */
    static final io.portcullis.log.Repeats REPEATS = new io.portcullis.log.Repeats(Duration.ofSeconds(10));

    /** A record's canonical content and its columns. */
    record Encoded(String rec, Columns columns) {
        static Encoded of(ObjectNode rec) {
            return new Encoded(Canonical.encode(rec), Columns.of(rec));
        }
    }

    /**
     * A record waiting to be written: its environment, the record as decided, and for a call
     * record the record to write instead if the caller gives up waiting and refuses the call
     * (#21 item 5: the record says what the client got). {@code state} is where the caller and
     * the writer agree which one lands: WAITING moves once, either to ABANDONED (the caller
     * refused the call: the writer writes {@code ifAbandoned}'s record, or nothing when that is
     * null or gives null) or to COMMITTING (the writer is about to commit it as decided: the caller
     * waits for that). The record instead is built only when the caller abandons (#20 item 3: it
     * was built and encoded for every call, doubling the audit's share of each call's CPU).
     */
    record Pending(String env, Encoded asDecided, Supplier<Encoded> ifAbandoned, AtomicReference<Encoded> instead,
                   boolean abandonable, AtomicInteger state, CompletableFuture<Appended> done,
                   io.portcullis.call.WithRecord work) {
        static final int WAITING = 0, ABANDONED = 1, COMMITTING = 2;

        Pending(String env, Encoded asDecided, Supplier<Encoded> ifAbandoned, AtomicReference<Encoded> instead, boolean abandonable,
                AtomicInteger state, CompletableFuture<Appended> done) {
            this(env, asDecided, ifAbandoned, instead, abandonable, state, done, null);
        }

        /** Called by a caller that stops waiting; false when the writer already committed to writing it as decided. */
        boolean abandon() {
            if (!abandonable || state.get() != WAITING) {
                return false;
            }
            instead.set(ifAbandoned == null ? null : ifAbandoned.get()); // set before the state moves: the writer reads it after
            return state.compareAndSet(WAITING, ABANDONED);
        }

        /** What the writer writes now: as decided, the refusal, or null for nothing. */
        Encoded current() {
            return state.get() == ABANDONED ? instead.get() : asDecided;
        }
    }

    /** Where a record landed, and which version of it ({@code as}). */
    record Appended(String chain, long seq, String hash, Encoded as) {
        Appended(String chain, long seq, String hash) {
            this(chain, seq, hash, null);
        }
    }

    /** Work that runs on the writer thread inside one transaction, with access to the heads. */
    interface Job {
        void run(Connection c, AuditWriter w) throws SQLException;
    }

    private record Task(Job job, CompletableFuture<Void> done) {}

    private final Store store;
    private final String node;
    private final Checkpoints checkpoints;
    private final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>(MAX_QUEUE);
    final AuditStats stats = new AuditStats(queue::size); // #18 item 1
    private final Map<String, AuditTables.Head> heads = new HashMap<>();
    /** SHA-256 for {@link #link}, which only the writer thread runs: one instance, not one per record. */
    private final MessageDigest sha = Canonical.digest();
    private final Thread thread;
    /** The writer thread's connection while it is busy (#20 item 3). */
    private final WriterConnection conn;
    private volatile boolean closing;
    private volatile int checkpointEvery;
    private volatile Duration checkpointInterval;
    private Checkpoints.Last lastCheckpoint;
    private long sinceCheckpoint;
    private long lastCheckpointNanos = System.nanoTime();

    AuditWriter(Store store, String node, Checkpoints checkpoints, int checkpointEvery, Duration checkpointInterval) {
        this.store = store;
        this.node = node;
        this.checkpoints = checkpoints;
        this.checkpointEvery = checkpointEvery;
        this.checkpointInterval = checkpointInterval;
        try (Connection c = store.connection()) {
            lastCheckpoint = Checkpoints.last(c, node);
        } catch (SQLException e) {
            throw new io.portcullis.store.StoreException("cannot read the audit checkpoints: " + e.getMessage(), e);
        }
        conn = new WriterConnection(store);
        thread = Thread.ofPlatform().name("audit-writer").daemon(true).unstarted(this::loop);
        thread.start();
    }

    String node() {
        return node;
    }

    static String chain(String node, String env) {
        return node + "/" + env;
    }

    void checkpointPolicy(int every, Duration interval) {
        this.checkpointEvery = every;
        this.checkpointInterval = interval;
    }

    /** Queues a record that is written whatever happens; the future completes once it is durable, or fails. */
    CompletableFuture<Appended> submit(String env, String rec, Columns columns) {
        return submit(new Pending(env, new Encoded(rec, columns), null, new AtomicReference<>(), false, new AtomicInteger(),
                new CompletableFuture<>(), null));
    }

    /**
     * Queues a call's record that its caller may abandon (see {@link Pending#abandon}); then
     * the record {@code ifAbandoned} builds then (null: nothing) is written instead. {@code work} (or
     * null) commits in the record's transaction ({@link BatchWork}; #13 item 4, session 9).
     */
    Pending submit(String env, Encoded asDecided, Supplier<Encoded> ifAbandoned, io.portcullis.call.WithRecord work) {
        Pending p = new Pending(env, asDecided, ifAbandoned, new AtomicReference<>(), true, new AtomicInteger(), new CompletableFuture<>(),
                work);
        submit(p);
        return p;
    }

    private CompletableFuture<Appended> submit(Pending p) {
        if (closing) {
            p.done().completeExceptionally(new IllegalStateException("the audit log is closed"));
        } else if (!queue.offer(p)) {
            p.done().completeExceptionally(new IllegalStateException("the audit write queue is full (" + MAX_QUEUE + ")"));
        }
        return p.done();
    }

    /** Runs a job on the writer thread, in its own transaction. */
    CompletableFuture<Void> run(Job job) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        try {
            queue.put(new Task(job, done));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            done.completeExceptionally(e);
        }
        return done;
    }

    private void loop() {
        List<Pending> batch = new ArrayList<>(MAX_BATCH);
        while (!(closing && queue.isEmpty())) {
            try {
                long waitMs = Math.max(1, checkpointInterval.toMillis() - (System.nanoTime() - lastCheckpointNanos) / 1_000_000);
                if (!conn.idle()) {
                    waitMs = Math.min(waitMs, WriterConnection.IDLE_NANOS / 1_000_000 + 1); // to give it back when idle
                }
                Object first = queue.poll(waitMs, TimeUnit.MILLISECONDS);
                if (first instanceof Task t) {
                    task(t);
                } else if (first instanceof Pending p) {
                    batch.add(p);
                    while (batch.size() < MAX_BATCH && queue.peek() instanceof Pending) {
                        batch.add((Pending) queue.poll());
                    }
                    write(batch);
                    batch.clear();
                }
                if (sinceCheckpoint > 0 && (sinceCheckpoint >= checkpointEvery
                        || System.nanoTime() - lastCheckpointNanos >= checkpointInterval.toNanos())) {
                    checkpoint();
                }
            } catch (InterruptedException e) {
                if (!closing) {
                    LOG.warn("audit writer interrupted; continuing");
                }
            } catch (Throwable t) {
                LOG.error("AUDIT WRITER FAILURE: {}", t.toString(), t);
                conn.close();
                BatchWork.failed(batch);
                batch.forEach(p -> p.done().completeExceptionally(t));
                stats.failed(batch.size());
                batch.clear();
            }
        }
        if (sinceCheckpoint > 0) {
            checkpoint();
        }
        conn.close();
    }

    private void write(List<Pending> batch) {
        Map<String, AuditTables.Head> next = new HashMap<>();
        List<Appended> landed = new ArrayList<>(batch.size());
        Map<Pending, Exception> rejected = new java.util.IdentityHashMap<>(); // works the store rejected alone (BatchWork)
        int written = 0;
        long began = System.nanoTime();
        try {
            written = conn.inTransaction(tx -> {
                // #21 item 5: the rows are built from each record's state; if a caller gave up while the
                // inserts waited (a locked or frozen database), the batch is rolled back and built again
                // with that record's refusal, so that no record says "allowed" to a client that was refused
                boolean again = true;
                boolean guarded = false;
                int n = 0;
                while (again) {
                    conn.beginWrite();
                    next.clear();
                    landed.clear();
                    rejected.clear();
                    if (!BatchWork.run(tx, batch, guarded, rejected)) {
                        tx.rollback(); // a call's work failed: again, each work under a savepoint
                        guarded = true;
                        continue;
                    }
                    n = insert(tx, batch, next, landed, rejected);
                    again = false;
                    for (int i = 0; i < batch.size(); i++) {
                        Pending p = batch.get(i);
                        Appended row = landed.get(i);
                        if (p.abandonable() && !p.state().compareAndSet(Pending.WAITING, Pending.COMMITTING)
                                && BatchWork.toWrite(p, rejected) != (row == null ? null : row.as())) {
                            again = true; // abandoned after its row was built as decided
                        }
                    }
                    if (again) {
                        tx.rollback();
                    }
                }
                return n;
            }, WriterConnection::rollbackFailed);
        } catch (SQLException | RuntimeException e) {
            next.keySet().forEach(heads::remove);
            // #21 item 9: what the failure means (a full disk, named with its path), once per interval, not once per batch
            String why = store.describe(e);
            REPEATS.log("write " + why.replaceAll("\\d+", "#"), more -> LOG.error("AUDIT STORE FAILURE: {} record(s) could not be written; their calls "
                    + "are refused: {}{}", batch.size(), why, more));
            BatchWork.failed(batch);
            batch.forEach(p -> p.done().completeExceptionally(e));
            stats.failed(batch.size());
            return;
        }
        stats.committed(written, System.nanoTime() - began);
        heads.putAll(next);
        sinceCheckpoint += written;
        BatchWork.after(batch, rejected);
        for (int i = 0; i < batch.size(); i++) {
            BatchWork.complete(batch.get(i), landed.get(i), rejected);
        }
    }

    /** Adds the rows of the batch, each as its state says now; returns how many were written (an abandoned intent is not). */
    private int insert(Connection c, List<Pending> batch, Map<String, AuditTables.Head> next, List<Appended> landed,
                       Map<Pending, Exception> rejected) throws SQLException {
        int n = 0;
        PreparedStatement ps = conn.insert(); // kept from batch to batch: what a failed batch added is dropped first
        ps.clearBatch();
        for (Pending p : batch) {
            Encoded e = BatchWork.toWrite(p, rejected);
            if (e == null) {
                landed.add(null);
                continue;
            }
            String chain = chain(node, p.env());
            AuditTables.Head h = next.containsKey(chain) ? next.get(chain) : head(c, chain, p.env());
            Appended a = link(ps, chain, h, e.rec(), e.columns());
            next.put(chain, new AuditTables.Head(a.seq(), a.hash()));
            landed.add(new Appended(a.chain(), a.seq(), a.hash(), e));
            n++;
        }
        ps.executeBatch();
        return n;
    }

    /**
     * Links one record to the head of its chain and adds its insert to the batch. The body is the
     * canonical JSON of {@code {chain, index, prev, record}} (keys already in sorted order):
     * {@code index} holds the row's columns and seq, {@code prev} the previous body's SHA-256, and
     * the record's hash is the SHA-256 of the body's UTF-8 bytes. Verify reads everything it needs
     * from the part before {@code record}.
     */
    Appended link(PreparedStatement ps, String chain, AuditTables.Head h, String rec, Columns columns) throws SQLException {
        long seq = h.seq() + 1;
        String body = Canonical.body(chain, seq, h.hash(), rec, columns);
        String hash = HEX.formatHex(sha.digest(body.getBytes(StandardCharsets.UTF_8)));
        AuditTables.insert(ps, chain, seq, columns, hash, body);
        return new Appended(chain, seq, hash);
    }

    /** The head of a chain: cached, else read from the store (and the chain registered). */
    AuditTables.Head head(Connection c, String chain, String env) throws SQLException {
        AuditTables.Head h = heads.get(chain);
        if (h == null) {
            AuditTables.registerChain(c, chain, node, env);
            h = AuditTables.head(c, chain);
        }
        return h;
    }

    void advanced(String chain, AuditTables.Head h) {
        heads.put(chain, h);
        sinceCheckpoint++;
    }

    private void task(Task t) {
        try (Connection c = store.connection()) {
            try {
                Store.inTransaction(c, tx -> {
                    t.job().run(tx, this);
                    return null;
                }, WriterConnection::rollbackFailed);
            } catch (SQLException | RuntimeException e) {
                heads.clear();
                throw e;
            }
            t.done().complete(null);
        } catch (SQLException | RuntimeException e) {
            String why = store.describe(e);
            REPEATS.log("job " + why.replaceAll("\\d+", "#"), more -> LOG.error("AUDIT STORE FAILURE in a maintenance job: {}{}", why, more));
            t.done().completeExceptionally(e);
        }
    }

    /** Signs a checkpoint now (also run by {@link #run} callers through {@link AuditLog#checkpoint}). */
    void checkpoint() {
        try (Connection c = store.connection()) {
            try {
                lastCheckpoint = Store.inTransaction(c, tx -> {
                    store.beginWrite(tx);
                    return checkpoints.write(tx, lastCheckpoint);
                }, WriterConnection::rollbackFailed);
            } catch (SQLException | RuntimeException e) {
                try {
                    lastCheckpoint = Checkpoints.last(c, node);
                } catch (SQLException ignored) {
                    // keep the old value; the next attempt re-reads
                }
                throw e;
            }
            sinceCheckpoint = 0;
            lastCheckpointNanos = System.nanoTime();
        } catch (SQLException | RuntimeException e) {
            // records stay durable and chained; only the signature is late. Retried after the next batch.
            lastCheckpointNanos = System.nanoTime();
            String why = store.describe(e);
            REPEATS.log("checkpoint " + why.replaceAll("\\d+", "#"), more -> LOG.error("AUDIT CHECKPOINT FAILURE: the checkpoint could not be signed or "
                    + "stored: {}{}", why, more));
        }
    }

    /** Writes what is queued, signs a last checkpoint and stops the thread. */
    @Override
    public void close() {
        closing = true;
        queue.offer(new Task((c, w) -> { }, new CompletableFuture<>()));
        try {
            thread.join(Duration.ofSeconds(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
