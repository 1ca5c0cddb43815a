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
 */
final class Outbox implements AutoCloseable {
    /** Bytes waiting beyond the one being written; a single larger message passes when nothing waits. */
    static final long MAX_BYTES = 8L * 1024 * 1024;
    static final int MAX_MESSAGES = 1024;

    private final ArrayDeque<byte[]> queue = new ArrayDeque<>();
    private final OutputStream out;
    private final Consumer<String> failed;
    private long queuedBytes;
    private boolean closed;
    /** System.nanoTime() when the write in progress began, 0 while the writer is idle. */
    private volatile long writingSince;
    private final Thread writer;

    /**
     * @param failed told once why writing failed (the child closed its stdin or died)
     */
    Outbox(String name, OutputStream out, Consumer<String> failed) {
        this.out = out;
        this.failed = failed;
        // a platform thread: a write to a full pipe blocks in the kernel (see StdioConnection)
        this.writer = Thread.ofPlatform().daemon().name("stdin-" + name).start(this::run);
    }

    /** Queues one message (a newline is added); false, at once, when the queue is full or closed. */
    synchronized boolean offer(byte[] message) {
        if (closed) {
            return false;
        }
        if (!queue.isEmpty() && (queue.size() >= MAX_MESSAGES || queuedBytes + message.length > MAX_BYTES)) {
            return false;
        }
        queue.addLast(message);
        queuedBytes += message.length;
        notifyAll();
        return true;
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
        try {
            while (true) {
                byte[] next;
                synchronized (this) {
                    while (queue.isEmpty() && !closed) {
                        wait();
                    }
                    if (closed) {
                        return;
                    }
                    next = queue.pollFirst();
                    queuedBytes -= next.length;
                }
                writingSince = Math.max(1, System.nanoTime());
                out.write(next);
                out.write('\n');
                out.flush();
                writingSince = 0;
            }
        } catch (InterruptedException e) {
            // closed
        } catch (IOException e) {
            synchronized (this) {
                closed = true;
                queue.clear();
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

    @Override
    public void close() {
        synchronized (this) {
            closed = true;
            queue.clear();
            notifyAll();
        }
        // a write in progress ends when the child dies (the caller kills it first)
    }
}
