package io.portcullis.upstream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lines a stdio child writes that are not JSON-RPC messages (issue #11 item 21, issue #21 item 9):
 * counted against the upstream's {@code protocol_tolerance} per minute, and logged as one line,
 * then at most one summary line per {@link #LOG_EVERY_NANOS}, never the raw bytes: what is
 * quoted is escaped ({@link #escape}) and cut, so that a child cannot forge log lines or
 * drive an operator's terminal. 1,000 garbage lines make one or two log lines, not 1,000.
 */
final class Violations {
    private static final Logger LOG = LoggerFactory.getLogger(Violations.class);
    static final long WINDOW_NANOS = 60_000_000_000L;
    static final long LOG_EVERY_NANOS = 10_000_000_000L;
    private static final int QUOTED = 200;

    private final String upstream;
    private long windowStart;
    private int inWindow;
    private long lastLogged;
    private boolean logged;
    private long suppressed;

    Violations(String upstream) {
        this.upstream = upstream;
    }

    /**
     * Records one violation.
     *
     * @param what      what was wrong, e.g. "wrote a line that is not JSON"
     * @param line      the line as read (quoted escaped and cut)
     * @param tolerance violations tolerated per minute
     * @return whether the tolerance is now exceeded (the child must be restarted)
     */
    synchronized boolean record(String what, String line, int tolerance) {
        long now = System.nanoTime();
        if (inWindow == 0 || now - windowStart > WINDOW_NANOS) {
            windowStart = now;
            inWindow = 0;
        }
        inWindow++;
        if (!logged || now - lastLogged >= LOG_EVERY_NANOS) {
            String more = suppressed == 0 ? "" : " (" + suppressed + " more such lines since the last report)";
            LOG.warn("upstream {} {} ({} bytes): \"{}\"{}", upstream, what, line.length(), escape(line, QUOTED), more);
            logged = true;
            lastLogged = now;
            suppressed = 0;
        } else {
            suppressed++;
        }
        return inWindow > tolerance;
    }

    /** Logs the count of suppressed lines, if any (when the connection ends). */
    synchronized void flush() {
        if (suppressed > 0) {
            LOG.warn("upstream {}: {} more lines that are not JSON-RPC messages since the last report", upstream, suppressed);
            suppressed = 0;
        }
    }

    /**
     * Text from a child as it may appear in a log line: control characters (CR, LF, ESC, C1, the
     * line and paragraph separators, bidi controls) as {@code \\uXXXX}, backslash doubled, and cut
     * to {@code max} characters.
     */
    static String escape(String s, int max) {
        StringBuilder b = new StringBuilder(Math.min(s.length(), max) + 16);
        for (int i = 0; i < s.length() && i < max; i++) {
            char c = s.charAt(i);
            if (c == '\\') {
                b.append("\\\\");
            } else if (c == '\t') {
                b.append("\\t");
            } else if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == '\u2028' || c == '\u2029'
                    || (c >= '\u202a' && c <= '\u202e') || (c >= '\u2066' && c <= '\u2069') || Character.isSurrogate(c)) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        if (s.length() > max) {
            b.append("...");
        }
        return b.toString();
    }
}
