package io.portcullis.upstream;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads newline-delimited lines from a child's stdout with a bound on their length (issue #21
 * item 1): an endless line, or one result bigger than anything the gateway would pass on, ends in
 * {@link TooLong} after at most {@code max} bytes are held, never in an OutOfMemoryError.
 * Not thread-safe: one reader thread owns it.
 */
final class LineReader {
    /** A line passed the limit: the child broke the protocol and must be restarted. */
    static final class TooLong extends IOException {
        TooLong(long max) {
            super("wrote a line longer than " + max + " bytes");
        }
    }

    private final InputStream in;
    private final long max;
    private final boolean cut;
    private boolean wasCut;
    private final byte[] buf = new byte[64 * 1024];
    private int pos;
    private int end;
    private byte[] line = new byte[8 * 1024];
    private int len;

    /** Lines longer than {@code max} end in {@link TooLong}. */
    LineReader(InputStream in, long max) {
        this(in, max, false);
    }

    /**
     * @param cut whether a longer line is cut at {@code max} (the rest up to its newline is
     *            skipped, {@link #wasCut()} says so) instead of ending in {@link TooLong}: for stderr,
     *            which is a log, not the protocol
     */
    LineReader(InputStream in, long max, boolean cut) {
        this.in = in;
        this.max = max;
        this.cut = cut;
    }

    /** Whether the line last returned was cut. */
    boolean wasCut() {
        return wasCut;
    }

    /**
     * The next line without its terminator (a trailing CR is dropped too), or null at the end of
     * the stream (a last line without a newline is still returned).
     *
     * @throws TooLong when a line passes the limit; nothing more should be read
     */
    String next() throws IOException {
        len = 0;
        wasCut = false;
        while (true) {
            if (pos == end) {
                end = in.read(buf, 0, buf.length);
                pos = 0;
                if (end <= 0) {
                    end = 0;
                    return len == 0 ? null : text();
                }
            }
            int start = pos;
            while (pos < end && buf[pos] != '\n') {
                pos++;
            }
            append(start, pos - start);
            if (pos < end) {
                pos++; // the newline
                return text();
            }
        }
    }

    private void append(int from, int n) throws TooLong {
        if ((long) len + n > max) {
            if (!cut) {
                throw new TooLong(max);
            }
            wasCut = true;
            n = (int) (max - len);
        }
        if (len + n > line.length) {
            line = Arrays.copyOf(line, (int) Math.min(max, Math.max((long) line.length * 2, len + n)));
        }
        System.arraycopy(buf, from, line, len, n);
        len += n;
    }

    private String text() {
        int n = len > 0 && line[len - 1] == '\r' ? len - 1 : len;
        String s = new String(line, 0, n, StandardCharsets.UTF_8);
        if (line.length > 1024 * 1024) {
            line = new byte[8 * 1024]; // do not keep a huge buffer after one big line
        }
        return s;
    }
}
