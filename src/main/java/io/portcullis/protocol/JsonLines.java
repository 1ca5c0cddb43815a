package io.portcullis.protocol;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import tools.jackson.databind.JsonNode;

/**
 * Newline-delimited JSON over a byte stream, MCP's stdio transport (#12 "small twins": written
 * once for the stdio ingress, {@code portcullis connect}, stdio upstreams and the demo upstream).
 *
 * <p>{@link Reader} reads one line at a time and never holds more than its bound (issue #21 item
 * 1): an endless line, or a message bigger than anything the reader would pass on, either ends in
 * {@link TooLong} after at most {@code max} bytes (the protocol is broken: stop reading), or, in
 * cut mode, is cut at the bound and the rest skipped up to its newline ({@link Reader#wasCut()}),
 * so that the caller refuses that one message and reads on. A line ends at {@code \n}; a CR before
 * it is dropped; a last line without a newline is still returned; bytes that are not UTF-8 become
 * U+FFFD (never an exception), so that the JSON parser refuses them.
 *
 * <p>{@link Writer} writes one message and its newline under one lock, in one write, and flushes, so
 * that answers written by concurrent calls never interleave.
 */
public final class JsonLines {
    /** The bound where none is configured: the stdio upstream's default {@code max_line_bytes}. */
    public static final int DEFAULT_MAX_LINE_BYTES = 16 << 20;

    private JsonLines() {}

    /** A line passed the limit: the peer broke the protocol and nothing more should be read. */
    public static final class TooLong extends IOException {
        TooLong(long max) {
            super("wrote a line longer than " + max + " bytes");
        }
    }

    /** Reads lines with a bound on their length. Not thread-safe: one reader thread owns it. */
    public static final class Reader {
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
        public Reader(InputStream in, long max) {
            this(in, max, false);
        }

        /**
         * @param cut whether a longer line is cut at {@code max} (the rest up to its newline is
         *            skipped, {@link #wasCut()} says so) instead of ending in {@link TooLong}
         */
        public Reader(InputStream in, long max, boolean cut) {
            this.in = in;
            this.max = max;
            this.cut = cut;
        }

        /** Whether the line last returned was cut (it is not the whole message: refuse it). */
        public boolean wasCut() {
            return wasCut;
        }

        /**
         * The next line without its terminator (a trailing CR is dropped too), or null at the end of
         * the stream (a last line without a newline is still returned).
         *
         * @throws TooLong when a line passes the limit; nothing more should be read
         */
        public String next() throws IOException {
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

        /** The next line that is not blank (blank lines between messages are allowed), or null at the end. */
        public String nextMessage() throws IOException {
            while (true) {
                String s = next();
                if (s == null || wasCut || !s.isBlank()) {
                    return s;
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

    /** Writes whole messages, one a line, flushed; safe for concurrent writers. */
    public static final class Writer {
        private final OutputStream out;

        public Writer(OutputStream out) {
            this.out = out;
        }

        /**
         * Writes {@code message} and its newline, then flushes, under one lock.
         *
         * @throws IOException when the stream is closed (the peer went away)
         */
        public void write(JsonNode message) throws IOException {
            byte[] line = line(message);
            synchronized (out) {
                out.write(line, 0, line.length);
                out.flush();
            }
        }

        /**
         * The message and its newline in one array, so that it reaches the stream in one write: on
         * an auto-flushing stream (System.out) the bytes and then the newline were two pipe writes,
         * and the reader on the other end woke up twice per message (#12, the stdio peak rows).
         */
        static byte[] line(JsonNode message) {
            byte[] bytes = Json.bytes(message);
            byte[] line = Arrays.copyOf(bytes, bytes.length + 1);
            line[bytes.length] = '\n';
            return line;
        }
    }
}
