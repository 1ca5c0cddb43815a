package io.portcullis.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The SSE subset MCP uses: id, event, multi-line data, comments, priming events. */
class SseReaderTest {

    static SseReader reader(String text) {
        return new SseReader(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void readsEventsWithIdsAndComments() throws Exception {
        try (SseReader r = reader(": stream open\n\nevent: message\nid: post-1.1\ndata: {\"a\":1}\n\n: keepalive\n\n"
                + "data:{\"b\":2}\n\n")) {
            SseReader.Event e = r.next();
            assertThat(e).isEqualTo(new SseReader.Event("post-1.1", "message", "{\"a\":1}"));
            assertThat(r.next()).isEqualTo(new SseReader.Event(null, null, "{\"b\":2}"));
            assertThat(r.next()).isNull();
        }
    }

    @Test
    void joinsMultiLineDataAndKeepsAnEventCutAtTheEnd() throws Exception {
        try (SseReader r = reader("data: line 1\ndata: line 2\n\ndata: last")) {
            assertThat(r.next().data()).isEqualTo("line 1\nline 2");
            assertThat(r.next().data()).isEqualTo("last");
            assertThat(r.next()).isNull();
        }
    }

    @Test
    void aPrimingEventHasAnIdAndEmptyData() throws Exception {
        try (SseReader r = reader("id: p.0\nretry: 1000\ndata: \n\nid: x\n\n")) {
            assertThat(r.next()).isEqualTo(new SseReader.Event("p.0", null, ""));
            assertThat(r.next()).isNull(); // an id without data is no event
        }
    }
}
