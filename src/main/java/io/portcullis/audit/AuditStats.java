package io.portcullis.audit;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntConsumer;
import java.util.function.IntSupplier;
import java.util.function.LongConsumer;

/**
 * What the audit writer did, for the metrics (#18 item 1): records committed, records whose commit
 * failed (their calls were refused), the records waiting in its queue, and each commit's duration
 * and record count handed to listeners (the commit-latency histogram, the records-per-commit one). Counters only: reading them never blocks
 * the writer.
 */
public final class AuditStats {
    private final AtomicLong records = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final IntSupplier queueDepth;
    private volatile LongConsumer commits = nanos -> { };
    private volatile IntConsumer batches = records -> { };

    AuditStats(IntSupplier queueDepth) {
        this.queueDepth = queueDepth;
    }

    /** Records made durable since start. */
    public long records() {
        return records.get();
    }

    /** Records whose batch could not be committed since start (each refused its call: fail closed). */
    public long failures() {
        return failures.get();
    }

    /** Records and jobs waiting for the writer now. */
    public int queueDepth() {
        return queueDepth.getAsInt();
    }

    /** Told the duration (ns) of every successful batch commit; one listener, the last one set. */
    public void onCommit(LongConsumer listener) {
        this.commits = listener;
    }

    /**
     * Told the number of records of every successful batch commit (its batch size; #19: how much a
     * node's group commit gathers); one listener, the last one set.
     */
    public void onBatch(IntConsumer listener) {
        this.batches = listener;
    }

    void committed(int written, long nanos) {
        records.addAndGet(written);
        commits.accept(nanos);
        batches.accept(written);
    }

    void failed(int count) {
        failures.addAndGet(count);
    }
}
