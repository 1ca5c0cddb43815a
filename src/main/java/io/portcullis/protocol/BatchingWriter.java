package io.portcullis.protocol;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import tools.jackson.databind.JsonNode;

/**
 * Newline-delimited messages written by many threads at once, in as few writes as they come (#12,
 * the stdio peak rows): the stdio ingress answers each request on its own virtual thread, and with
 * 32 callers the answers finish in bursts (the audit log's group commit releases them together).
 * Each answer was one pipe write under one lock: the threads queued on the lock and each woke the
 * client's reader once.
 *
 * <p>Here a writer that finds another one writing leaves its line in the pending buffer and
 * returns; the one writing takes everything pending, writes it in one write and flushes, and goes
 * on until nothing is pending. Messages never interleave (each is whole in the buffer), and a
 * message is written after every message whose {@link #write} returned before it was called. A
 * {@code write} that returns has not necessarily reached the stream: a failure is thrown to the
 * thread that was writing, and to every {@code write} after it.
 *
 * <p>Memory: what is pending is what the callers would otherwise hold while they wait for the lock
 * (one answer each), so the bound is the same as with one write per message.
 */
public final class BatchingWriter {
    private static final int KEEP_BYTES = 1024 * 1024;
    private final OutputStream out;
    /** Lines waiting for the writing thread; guarded by {@code this}. */
    private ByteArrayOutputStream pending = new ByteArrayOutputStream(8 * 1024);
    /** The other buffer, empty; only the thread writing touches it. */
    private ByteArrayOutputStream spare = new ByteArrayOutputStream(8 * 1024);
    /** Whether a thread is writing (it will take what is pending); guarded by {@code this}. */
    private boolean writing;
    /** Why writing failed, for every later write; guarded by {@code this}. */
    private IOException failed;

    public BatchingWriter(OutputStream out) {
        this.out = out;
    }

    /**
     * Writes {@code message} and its newline: now, with whatever else is pending, or by the thread
     * writing at the moment, soon after.
     *
     * @throws IOException when the stream failed (the peer went away)
     */
    public void write(JsonNode message) throws IOException {
        byte[] line = JsonLines.Writer.line(message);
        synchronized (this) {
            if (failed != null) {
                throw new IOException(failed.getMessage(), failed);
            }
            pending.write(line, 0, line.length);
            if (writing) {
                return; // the thread writing takes it with the next batch
            }
            writing = true;
        }
        drain();
    }

    /** Writes what is pending until nothing is; only the thread that set {@code writing}. */
    private void drain() throws IOException {
        while (true) {
            ByteArrayOutputStream batch;
            synchronized (this) {
                if (pending.size() == 0) {
                    writing = false;
                    return;
                }
                batch = pending;
                pending = spare;
            }
            int size = batch.size();
            try {
                batch.writeTo(out); // one write for the whole batch
                out.flush();
            } catch (IOException e) {
                synchronized (this) {
                    failed = e;
                    writing = false;
                    pending.reset();
                }
                throw e;
            }
            batch.reset();
            spare = size > KEEP_BYTES ? new ByteArrayOutputStream(8 * 1024) : batch; // not a huge buffer kept after one big answer
        }
    }
}
