package io.portcullis.bench;

import java.util.List;
import java.util.concurrent.locks.LockSupport;

/** Something the benchmark calls {@code tools/call echo} on: an HTTP endpoint or a stdio child. */
interface Target extends AutoCloseable {

    /**
     * Offers {@code rate} calls per second for {@code seconds}, on a fixed schedule that does not
     * wait for answers (open loop); each latency runs from the call's intended send time.
     */
    Samples fixedRate(double rate, double seconds) throws Exception;

    /** {@code concurrency} callers call back to back; the first {@code warmup} seconds are not counted. */
    Samples closedLoop(int concurrency, double warmup, double seconds) throws Exception;

    /** Processes this target launched itself (their CPU counts for it), e.g. a stdio server. */
    default List<Long> processes() {
        return List.of();
    }

    @Override
    void close();

    /** The echo argument every call sends; a reply counts as a success only if it carries it back. */
    String MESSAGE = "portcullis-bench";

    /** Sleeps until {@code System.nanoTime()} reaches {@code when} (parks; no spinning, the machine has 2 cores). */
    static void sleepUntil(long when) {
        long left;
        while ((left = when - System.nanoTime()) > 0) {
            LockSupport.parkNanos(left);
        }
    }

    /** Whether a reply body is a successful echo result. */
    static boolean isEcho(String body) {
        return body.contains("\"result\"") && body.contains(MESSAGE) && !body.contains("\"isError\":true");
    }
}
