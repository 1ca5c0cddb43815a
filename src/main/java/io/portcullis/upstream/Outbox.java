package io.portcullis.upstream;

import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayDeque;
import java.util.function.Consumer;

/**
 * What the gateway writes to a child's stdin (issue #21 item 3): a bounded queue written by one
 * writer thread, so that no caller ever blocks on a child that stopped reading. A caller's
 * {@link #offer} returns at once; when the queue is full it refuses, and the call fails at once
 * instead of waiting past its timeout. How long the writer has been stuck on one write tells the
 * supervisor whether the child is wedged ({@link #stalledNanos()}).
 *
 * <p>#21 item 4: a request carries its call's deadline into the queue. The writer drops a request
 * whose deadline has passed instead of writing it late, and says "sent" for a request as it takes
 * it; {@link #release} takes a request that is still waiting out of the queue. Both happen under
 * the queue's lock, so once {@code release} returns, "sent" is final: a call that timed out while
 * its request waited here never reaches the child.
 */
final class Outbox implements AutoCloseable {
    /** Bytes waiting beyond the one being written; a single larger message passes when nothing waits. */
    static final long MAX_BYTES = 8L * 1024 * 1024;
    static final int MAX_MESSAGES = 1024;
    /** At most this much is taken for one write (one message more when it alone is bigger). */
    static final long BATCH_BYTES = 64 * 1024;

    /** One message; {@code requestId} null for answers and notifications, {@code deadline} 0 for none. */
    private record Entry(byte[] bytes, Long requestId, long deadline) {}

    private final ArrayDeque<Entry> queue = new ArrayDeque<>();
    private final OutputStream out;
    private final Consumer<String> failed;
    private final java.util.function.LongConsumer sent;
    private long queuedBytes;
    /**
     * How many messages wait, written under the lock, read without it by {@link #release}: every call
     * releases its request when it ends, and most find the queue empty (#12, the stdio peak rows).
     */
    private volatile int waiting;
    private boolean closed;
    /** System.nanoTime() when the write in progress began, 0 while the writer is idle. */
    private volatile long writingSince;
    private final Thread writer;

    /**
     * @param failed told once why writing failed (the child closed its stdin or died)
     */
    Outbox(String name, OutputStream out, Consumer<String> failed) {
        this(name, out, failed, id -> { });
    }

    /**
     * @param failed told once why writing failed (the child closed its stdin or died)
     * @param sent   told the id of each request as the writer takes it to write (#21 item 4)
     */
    Outbox(String name, OutputStream out, Consumer<String> failed, java.util.function.LongConsumer sent) {
        this.out = new java.io.BufferedOutputStream(out, (int) BATCH_BYTES); // a batch in one write (#12)
        this.failed = failed;
        this.sent = sent;
        // a platform thread: a write to a full pipe blocks in the kernel (see StdioConnection)
        this.writer = Thread.ofPlatform().daemon().name("stdin-" + name).start(this::run);
    }

    /** Queues one message (a newline is added); false, at once, when the queue is full or closed. */
    synchronized boolean offer(byte[] message) {
        return offer(message, null, 0);
    }

    /**
     * Queues one message; a request ({@code requestId} not null) is dropped unwritten if the writer
     * reaches it after {@code deadlineNanos} ({@link System#nanoTime()}, 0 for none).
     */
    synchronized boolean offer(byte[] message, Long requestId, long deadlineNanos) {
        if (closed) {
            return false;
        }
        if (!queue.isEmpty() && (queue.size() >= MAX_MESSAGES || queuedBytes + message.length > MAX_BYTES)) {
            return false;
        }
        queue.addLast(new Entry(message, requestId, deadlineNanos));
        queuedBytes += message.length;
        waiting = queue.size();
        notifyAll();
        return true;
    }

    /** Takes request {@code requestId} out of the queue if it still waits there: it will never be written. */
    void release(long requestId) {
        // Without the lock when nothing waits: a request of this caller was queued before (its offer
        // wrote `waiting`), so reading 0 means the writer has taken or dropped it since, under the
        // lock, and its "sent" is final. Otherwise take the lock and look.
        if (waiting == 0) {
            return;
        }
        synchronized (this) {
            removeWaiting(requestId);
        }
    }

    private void removeWaiting(long requestId) {
        queue.removeIf(e -> {
            boolean mine = e.requestId() != null && e.requestId() == requestId;
            if (mine) {
                queuedBytes -= e.bytes().length;
            }
            return mine;
        });
        waiting = queue.size();
    }

    /** What waits, for the refusal message. */
    synchronized String backlog() {
        return queue.size() + " messages (" + queuedBytes + " bytes) waiting";
    }

    /** How long the writer has been stuck on the current write; 0 when it is not writing. */
    long stalledNanos() {
        long since = writingSince;
        return since == 0 ? 0 : System.nanoTime() - since;
    }

    private void run() {
        byte[][] batch = new byte[MAX_MESSAGES][];
        try {
            while (true) {
                int n = take(batch);
                if (n < 0) {
                    return;
                }
                if (n == 0) {
                    continue; // all it took had timed out
                }
                writingSince = Math.max(1, System.nanoTime());
                for (int i = 0; i < n; i++) {
                    out.write(batch[i]);
                    out.write('\n');
                    batch[i] = null;
                }
                out.flush(); // #12: one flush, so one pipe write, for all that was taken together
                writingSince = 0;
            }
        } catch (InterruptedException e) {
            // closed
        } catch (IOException e) {
            synchronized (this) {
                closed = true;
                queue.clear();
                waiting = 0;
            }
            failed.accept("stdin failed: " + e.getMessage());
        } finally {
            writingSince = 0;
            try {
                out.close(); // here, not in close(): closing under a blocked write would block the closer
            } catch (IOException ignored) {
                // the pipe is broken already
            }
        }
    }

    /**
     * #12 (the stdio peak rows): takes every message waiting, up to {@link #BATCH_BYTES}, into
     * {@code batch}, waiting for one if none does; the count, or -1 once closed. Under the lock, as
     * one message was taken before (#21 item 4): a request whose deadline has passed is dropped, and
     * "sent" is said for each request taken, before {@code waiting} is written. With 32 callers the
     * writer finds several requests queued: they reach the child in one write, not one each.
     */
    private synchronized int take(byte[][] batch) throws InterruptedException {
        while (queue.isEmpty() && !closed) {
            wait();
        }
        if (closed) {
            return -1;
        }
        int n = 0;
        long bytes = 0;
        long now = System.nanoTime();
        while (!queue.isEmpty() && n < batch.length && (n == 0 || bytes + queue.peekFirst().bytes().length <= BATCH_BYTES)) {
            Entry e = queue.pollFirst();
            queuedBytes -= e.bytes().length;
            if (e.requestId() != null && e.deadline() != 0 && now - e.deadline() > 0) {
                continue; // its call has timed out: never written late
            }
            if (e.requestId() != null) {
                sent.accept(e.requestId());
            }
            batch[n++] = e.bytes();
            bytes += e.bytes().length + 1;
        }
        waiting = queue.size(); // only after "sent": release() may return without the lock on 0
        return n;
    }

    @Override
    public void close() {
        synchronized (this) {
            closed = true;
            queue.clear();
            waiting = 0;
            notifyAll();
        }
        // a write in progress ends when the child dies (the caller kills it first)
    }
}
