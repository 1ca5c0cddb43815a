package io.portcullis.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** #14 (session 9): {@link BoundedReplies} passes Redis's replies unchanged and stops oversized ones at their header. */
class BoundedRepliesTest {
    private static byte[] readAll(String wire) throws IOException {
        try (InputStream in = new BoundedReplies(new ByteArrayInputStream(wire.getBytes(StandardCharsets.ISO_8859_1)))) {
            return in.readAllBytes();
        }
    }

    @Test
    void repliesOfOursPassUnchanged() throws IOException {
        // the script's reply, OK, an error, a nil, and a bulk whose bytes look like a huge header
        String wire = "*2\r\n:0\r\n:0\r\n+OK\r\n-NOSCRIPT No matching script\r\n$-1\r\n*-1\r\n$14\r\n$999999999\r\n*9\r\n:-5\r\n";
        assertThat(new String(readAll(wire), StandardCharsets.ISO_8859_1)).isEqualTo(wire);
    }

    @Test
    void oversizedHeadersAreRefused() {
        assertThatThrownBy(() -> readAll("$1048577\r\n")).hasMessageContaining("bytes");
        assertThatThrownBy(() -> readAll("*2\r\n:1\r\n*1025\r\n")).hasMessageContaining("items");
        assertThatThrownBy(() -> readAll("~99999999999999999999999\r\n")).hasMessageContaining("items");
        assertThatThrownBy(() -> readAll("=2147483647\r\n")).hasMessageContaining("bytes");
        assertThatThrownBy(() -> readAll("-" + "e".repeat(5000))).hasMessageContaining("line");
    }
}
