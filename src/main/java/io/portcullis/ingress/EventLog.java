package io.portcullis.ingress;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import tools.jackson.databind.node.ObjectNode;

/**
 * The SSE events a session was sent, for resumption with {@code Last-Event-ID}, and the queue of
 * the session's GET stream. Event ids are {@code <stream>.<seq>}, with {@code seq} increasing
 * across all of the session's streams. A POST's stream is marked ended after its response, so a
 * resumed stream knows when to stop. Only the last {@code capacity} entries are kept, so a
 * client that comes back too late gets what is left.
 */
final class EventLog {
    /** One event; an entry whose message is null marks the end of its stream. */
    record Event(String stream, long seq, ObjectNode message) {
        String id() {
            return EventLog.id(stream, seq);
        }
    }

    /**
     * #19 item 3: this process's mark in every event id ({@code <stream>.<epoch>_<seq>}). Sequence
     * numbers and POST stream names ({@code post-1}, ...) are per node: without the mark, an id that
     * another node of the cluster (or this node before a restart) issued would resume the wrong
     * stream here, or skip this node's events up to a foreign sequence number.
     */
    static final String EPOCH = Long.toString(new java.security.SecureRandom().nextLong() >>> 24, 36);

    /** The event id of {@code seq} in {@code stream}, as this node issues it. */
    static String id(String stream, long seq) {
        return stream + "." + EPOCH + "_" + seq;
    }

    /** A parsed {@code Last-Event-ID}: its stream, its sequence number, and whether this process issued it. */
    record Parsed(String stream, long seq, boolean here) {}

    /** @throws RuntimeException when {@code id} is not an event id ({@code <stream>.<seq>} or {@code <stream>.<epoch>_<seq>}) */
    static Parsed parse(String id) {
        int dot = id.lastIndexOf('.');
        String stream = id.substring(0, dot);
        String rest = id.substring(dot + 1);
        int mark = rest.lastIndexOf('_');
        if (stream.isEmpty()) {
            throw new IllegalArgumentException("no stream");
        }
        if (mark < 0) {
            return new Parsed(stream, Long.parseLong(rest), false); // no epoch: not issued by this process
        }
        return new Parsed(stream, Long.parseLong(rest.substring(mark + 1)), rest.substring(0, mark).equals(EPOCH));
    }

    private final int capacity;
    private final ArrayDeque<Event> events = new ArrayDeque<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition added = lock.newCondition();
    private long seq;
    private long wakes;
    private boolean closed;

    EventLog(int capacity) {
        this.capacity = capacity;
    }

    Event append(String stream, ObjectNode message) {
        return add(stream, message);
    }

    /** The sequence number of the newest event of any stream (0 before the first). */
    long lastSeq() {
        lock.lock();
        try {
            return seq;
        } finally {
            lock.unlock();
        }
    }

    /** Marks {@code stream} complete: nothing more will be appended to it. */
    void end(String stream) {
        add(stream, null);
    }

    private Event add(String stream, ObjectNode message) {
        lock.lock();
        try {
            Event e = new Event(stream, ++seq, message);
            events.addLast(e);
            if (events.size() > capacity) {
                events.removeFirst();
            }
            added.signalAll();
            return e;
        } finally {
            lock.unlock();
        }
    }

    /** Events of {@code stream} after sequence {@code afterSeq}, oldest first. */
    List<Event> after(String stream, long afterSeq) {
        lock.lock();
        try {
            List<Event> out = new ArrayList<>();
            for (Event e : events) {
                if (e.message() != null && e.stream().equals(stream) && e.seq() > afterSeq) {
                    out.add(e);
                }
            }
            return out;
        } finally {
            lock.unlock();
        }
    }

    /** Whether anything of {@code stream} is still held (an id naming another stream cannot be resumed). */
    boolean knows(String stream) {
        lock.lock();
        try {
            return events.stream().anyMatch(e -> e.stream().equals(stream));
        } finally {
            lock.unlock();
        }
    }

    /** Whether {@code stream} was marked ended. */
    boolean ended(String stream) {
        lock.lock();
        try {
            return events.stream().anyMatch(e -> e.message() == null && e.stream().equals(stream));
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits up to {@code millis} for an event of {@code stream} after {@code afterSeq}; returns
     * early, possibly empty, when the stream has ended, the log is closed or {@link #wake} is called.
     */
    List<Event> await(String stream, long afterSeq, long millis) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        lock.lock();
        try {
            long wakesBefore = wakes;
            while (true) {
                List<Event> out = after(stream, afterSeq);
                long left = end - System.nanoTime();
                if (!out.isEmpty() || closed || ended(stream) || wakes != wakesBefore || left <= 0) {
                    return out;
                }
                added.awaitNanos(left);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Makes every waiter return now (e.g. a GET stream that has been replaced). */
    void wake() {
        lock.lock();
        try {
            wakes++;
            added.signalAll();
        } finally {
            lock.unlock();
        }
    }

    boolean isClosed() {
        return closed;
    }

    void close() {
        lock.lock();
        try {
            closed = true;
            added.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
