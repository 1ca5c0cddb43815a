package io.portcullis.bench;

import java.util.List;
import java.util.concurrent.locks.LockSupport;

/** Something the benchmark calls {@code tools/call echo} on: an HTTP endpoint or a stdio child. */
interface Target extends AutoCloseable {

    /**
     * Offers {@code rate} calls per second for {@code seconds} from {@code start} (a
     * {@link System#nanoTime()} instant), on a fixed schedule that does not wait for answers (open
     * loop); each latency runs from the call's intended send time.
     */
    Samples fixedRate(double rate, double seconds, long start) throws Exception;

    /** {@code concurrency} callers call back to back; the first {@code warmup} seconds are not counted. */
    Samples closedLoop(int concurrency, double warmup, double seconds) throws Exception;

    /** Processes this target launched itself (their CPU counts for it), e.g. a stdio server. */
    default List<Long> processes() {
        return List.of();
    }

    @Override
    void close();

    /**
     * The echo argument every call sends; a reply counts as a success only if it carries it back
     * unchanged. {@code -Dbench.message.bytes=2048} (BENCH_MESSAGE_BYTES) makes it that long with
     * plain prose that no egress detector matches, so the echoed result is that size (#13 benchmark:
     * egress on and off with 2 KB results).
     */
    String MESSAGE = message(Integer.getInteger("bench.message.bytes", 0));

    static String message(int bytes) {
        StringBuilder b = new StringBuilder("portcullis-bench");
        String words = " the gateway relays this plain benchmark text back unchanged";
        while (b.length() < bytes) {
            b.append(words, 0, Math.min(words.length(), bytes - b.length()));
        }
        return b.toString();
    }

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
