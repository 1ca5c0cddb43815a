package io.portcullis.upstream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A stdio child's stderr in the gateway's log (logger {@code upstream.<name>}): each line escaped
 * ({@link Violations#escape}) and cut, at most {@value #PER_SECOND} lines a second; the lines over
 * that are counted and the count logged when lines are admitted again, so that a child cannot
 * flood the gateway's log or forge lines in it (issue #21 item 9).
 */
final class StderrLog {
    static final int PER_SECOND = 200;
    static final int MAX_CHARS = 8 * 1024;

    private final Logger log;
    private long windowStart;
    private int inWindow;
    private long dropped;

    StderrLog(String upstream) {
        this.log = LoggerFactory.getLogger("upstream." + upstream);
    }

    /** Called by the one stderr reader thread. */
    void line(String line, boolean cut) {
        long now = System.nanoTime();
        if (now - windowStart >= 1_000_000_000L) {
            windowStart = now;
            inWindow = 0;
        }
        if (++inWindow > PER_SECOND) {
            dropped++;
            return;
        }
        if (dropped > 0) {
            log.warn("({} stderr lines dropped: over {} a second)", dropped, PER_SECOND);
            dropped = 0;
        }
        log.info("{}{}", Violations.escape(line, MAX_CHARS), cut ? " ...(cut)" : "");
    }
}
