package io.portcullis.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Newline-delimited JSON as the four stdio speakers read and write it (#12 "small twins"): lines
 * are read with a bound, never into an OutOfMemoryError (issue #21 item 1), hostile bytes never
 * throw anything but {@link JsonLines.TooLong}, and concurrent writers never interleave.
 */
class JsonLinesTest {

    static JsonLines.Reader of(String s, long max) {
        return new JsonLines.Reader(new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8)), max);
    }

    @Test
    void linesCrlfAndALastLineWithoutNewline() throws Exception {
        JsonLines.Reader r = of("a\r\n\u00e9t\u00e9\n\nlast", 1024);
        assertThat(r.next()).isEqualTo("a");
        assertThat(r.next()).isEqualTo("\u00e9t\u00e9");
        assertThat(r.next()).isEmpty();
        assertThat(r.next()).isEqualTo("last");
        assertThat(r.next()).isNull();
    }

    @Test
    void aLineAtTheLimitPassesOneByteMoreIsTooLong() throws Exception {
        assertThat(of("x".repeat(100) + "\n", 100).next()).hasSize(100);
        assertThatThrownBy(() -> of("x".repeat(101) + "\n", 100).next())
                .isInstanceOf(JsonLines.TooLong.class).hasMessage("wrote a line longer than 100 bytes");
    }

    @Test
    void item1_anEndlessLineEndsInTooLongAfterAtMostTheLimit() {
        long[] served = {0};
        InputStream endless = new InputStream() {
            @Override
            public int read() {
                served[0]++;
                return 'x';
            }

            @Override
            public int read(byte[] b, int off, int len) {
                java.util.Arrays.fill(b, off, off + len, (byte) 'x');
                served[0] += len;
                return len;
            }
        };
        assertThatThrownBy(() -> new JsonLines.Reader(endless, 1 << 20).next()).isInstanceOf(JsonLines.TooLong.class);
        assertThat(served[0]).isLessThanOrEqualTo((1 << 20) + 64 * 1024);
    }

    @Test
    void inCutModeALongLineIsCutAndTheNextLineReadAsUsual() throws Exception {
        JsonLines.Reader r = new JsonLines.Reader(new ByteArrayInputStream(("x".repeat(50) + "\nnext\n").getBytes(StandardCharsets.UTF_8)), 10, true);
        assertThat(r.next()).isEqualTo("x".repeat(10));
        assertThat(r.wasCut()).isTrue();
        assertThat(r.next()).isEqualTo("next");
        assertThat(r.wasCut()).isFalse();
        assertThat(r.next()).isNull();
    }

    /** An endless stream of one byte, counting what was served. */
    private static InputStream endless(byte b, long[] served) {
        return new InputStream() {
            @Override
            public int read() {
                served[0]++;
                return b;
            }

            @Override
            public int read(byte[] buf, int off, int len) {
                java.util.Arrays.fill(buf, off, off + len, b);
                served[0] += len;
                return len;
            }
        };
    }

    @Test
    void item12_inCutModeAnEndlessLineIsCutAndReadingGoesOnWithinTheBound() throws Exception {
        // a hostile client at the stdio ingress: one line that never ends, then (never) the next
        long[] served = {0};
        JsonLines.Reader r = new JsonLines.Reader(new java.io.SequenceInputStream(
                new ByteArrayInputStream(new byte[] {'{'}), new LimitedStream(endless((byte) 'x', served), 8L << 20)), 1 << 20, true);
        String cut = r.nextMessage();
        assertThat(r.wasCut()).isTrue();
        assertThat(cut).hasSize(1 << 20);
        assertThat(r.nextMessage()).isNull(); // the rest was skipped unread, never held
        assertThat(served[0]).isEqualTo(8L << 20);
    }

    @Test
    void item12_invalidUtf8BecomesReplacementCharactersThatJsonRefuses() throws Exception {
        byte[] hostile = {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, (byte) 0x28, (byte) 0xFF, (byte) 0xFE, '"', '}', '\n',
                (byte) 0xED, (byte) 0xA0, (byte) 0x80, '\n', '{', '}', '\n'};
        JsonLines.Reader r = new JsonLines.Reader(new ByteArrayInputStream(hostile), 1024, true);
        String first = r.nextMessage();
        assertThat(first).contains("\uFFFD").doesNotContain("\u00C3");
        // still parses as JSON with the replacement characters in it: never the raw bytes
        assertThat(Json.parse(first).path("a").asString()).contains("\uFFFD");
        String surrogate = r.nextMessage(); // an encoded surrogate half is not UTF-8 either
        assertThat(surrogate).matches("\uFFFD+");
        assertThat(r.nextMessage()).isEqualTo("{}");
        assertThat(r.nextMessage()).isNull();
    }

    @Test
    void item12_aPartialMessageAtTheEndIsReturnedAndBlankLinesAreSkipped() throws Exception {
        JsonLines.Reader r = new JsonLines.Reader(new ByteArrayInputStream(
                "\n  \r\n{\"id\":1}\n\n\t\n{\"id\":".getBytes(StandardCharsets.UTF_8)), 1024, true);
        assertThat(r.nextMessage()).isEqualTo("{\"id\":1}");
        assertThat(r.nextMessage()).isEqualTo("{\"id\":"); // what the caller answers with a parse error
        assertThat(r.wasCut()).isFalse();
        assertThat(r.nextMessage()).isNull();
        assertThat(r.nextMessage()).isNull();
    }

    @Test
    void item12_aCutLineIsReportedEvenWhenItsKeptPartIsBlank() throws Exception {
        JsonLines.Reader r = new JsonLines.Reader(new ByteArrayInputStream(
                (" ".repeat(40) + "{}\n{\"ok\":1}\n").getBytes(StandardCharsets.UTF_8)), 10, true);
        assertThat(r.nextMessage()).isBlank();
        assertThat(r.wasCut()).as("an over-long line of spaces is not a blank line to skip").isTrue();
        assertThat(r.nextMessage()).isEqualTo("{\"ok\":1}");
    }

    @Test
    void item12_concurrentWritersNeverInterleave() throws Exception {
        // a stream that hands each byte over separately, so that an unlocked writer would interleave
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        OutputStream slow = new OutputStream() {
            @Override
            public void write(int b) {
                synchronized (sink) {
                    sink.write(b);
                }
                Thread.yield();
            }
        };
        JsonLines.Writer w = new JsonLines.Writer(slow);
        int writers = 8;
        int each = 50;
        try (ExecutorService threads = Executors.newFixedThreadPool(writers)) {
            for (int t = 0; t < writers; t++) {
                int id = t;
                threads.execute(() -> {
                    for (int i = 0; i < each; i++) {
                        try {
                            w.write(Json.object().put("writer", id).put("n", i).put("pad", "y".repeat(64)));
                        } catch (IOException e) {
                            throw new IllegalStateException(e);
                        }
                    }
                });
            }
        }
        JsonLines.Reader r = new JsonLines.Reader(new ByteArrayInputStream(sink.toByteArray()), 1024);
        List<JsonNode> read = new ArrayList<>();
        String line;
        while ((line = r.next()) != null) {
            read.add(Json.parse(line)); // every line is one whole message
        }
        assertThat(read).hasSize(writers * each);
    }

    @Test
    void item12_aMessageAndItsNewlineReachTheStreamInOneWrite() throws Exception {
        // #12 (stdio peak): System.out is an auto-flushing PrintStream, so a message written as its
        // bytes, then its newline, became two pipe writes, and the reader on the other end woke up
        // twice per message. One message must be one write of the whole line.
        List<byte[]> writes = new ArrayList<>();
        OutputStream counting = new OutputStream() {
            @Override
            public void write(int b) {
                writes.add(new byte[] {(byte) b});
            }

            @Override
            public void write(byte[] b, int off, int len) {
                writes.add(java.util.Arrays.copyOfRange(b, off, off + len));
            }
        };
        JsonLines.Writer w = new JsonLines.Writer(new java.io.PrintStream(counting, true, StandardCharsets.UTF_8));
        w.write(Json.object().put("jsonrpc", "2.0").put("id", 1));
        w.write(Json.object().put("n", "ü"));
        assertThat(writes).extracting(b -> new String(b, StandardCharsets.UTF_8))
                .containsExactly("{\"jsonrpc\":\"2.0\",\"id\":1}\n", "{\"n\":\"ü\"}\n");
    }

    @Test
    void item12_aWriteToAClosedStreamIsAnIOException() {
        JsonLines.Writer w = new JsonLines.Writer(new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw new IOException("Broken pipe");
            }
        });
        assertThatThrownBy(() -> w.write(Json.object())).isInstanceOf(IOException.class).hasMessage("Broken pipe");
    }

    /** The first {@code limit} bytes of a stream. */
    private static final class LimitedStream extends InputStream {
        private final InputStream in;
        private long left;

        LimitedStream(InputStream in, long limit) {
            this.in = in;
            this.left = limit;
        }

        @Override
        public int read() throws IOException {
            return left-- > 0 ? in.read() : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (left <= 0) {
                return -1;
            }
            int n = in.read(b, off, (int) Math.min(len, left));
            left -= n;
            return n;
        }
    }
}
