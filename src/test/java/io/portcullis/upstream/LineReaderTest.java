package io.portcullis.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Issue #21 item 1: stdout lines are read with a bound, never into an OutOfMemoryError. */
class LineReaderTest {

    static LineReader of(String s, long max) {
        return new LineReader(new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8)), max);
    }

    @Test
    void linesCrlfAndALastLineWithoutNewline() throws Exception {
        LineReader r = of("a\r\n\u00e9t\u00e9\n\nlast", 1024);
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
                .isInstanceOf(LineReader.TooLong.class).hasMessage("wrote a line longer than 100 bytes");
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
        assertThatThrownBy(() -> new LineReader(endless, 1 << 20).next()).isInstanceOf(LineReader.TooLong.class);
        assertThat(served[0]).isLessThanOrEqualTo((1 << 20) + 64 * 1024);
    }

    @Test
    void inCutModeALongLineIsCutAndTheNextLineReadAsUsual() throws Exception {
        LineReader r = new LineReader(new ByteArrayInputStream(("x".repeat(50) + "\nnext\n").getBytes(StandardCharsets.UTF_8)), 10, true);
        assertThat(r.next()).isEqualTo("x".repeat(10));
        assertThat(r.wasCut()).isTrue();
        assertThat(r.next()).isEqualTo("next");
        assertThat(r.wasCut()).isFalse();
        assertThat(r.next()).isNull();
    }
}
