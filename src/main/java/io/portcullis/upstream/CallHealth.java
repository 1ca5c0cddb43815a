package io.portcullis.upstream;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Whether calls to a connected upstream are being answered (issue #21 item 10): a connected
 * upstream is {@code ready} only while its calls succeed or fail for reasons of their own (a
 * JSON-RPC error is an answer). Calls that time out, or that cannot be written to it, make it
 * {@code degraded}, and {@value #UNRESPONSIVE_AFTER} of them in a row with no answer between
 * make it {@code unresponsive}. Any answer makes it ready again.
 */
final class CallHealth {
    static final int UNRESPONSIVE_AFTER = 3;

    private final AtomicInteger unanswered = new AtomicInteger();

    void answered() {
        unanswered.set(0);
    }

    void unanswered() {
        unanswered.incrementAndGet();
    }

    /** A new connection starts with a clean slate. */
    void reset() {
        unanswered.set(0);
    }

    /** {@code ready}, {@code degraded} or {@code unresponsive}. */
    String status() {
        int n = unanswered.get();
        return n == 0 ? "ready" : n < UNRESPONSIVE_AFTER ? "degraded" : "unresponsive";
    }

    int unansweredInARow() {
        return unanswered.get();
    }
}
