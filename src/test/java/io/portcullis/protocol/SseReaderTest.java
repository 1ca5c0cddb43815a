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

    /** #11 item 21 (SEP-1699): the last event id and the retry delay outlive their events, as the SSE standard says. */
    @Test
    void item21_theLastEventIdAndRetryDelayAreKeptForAResumption() throws Exception {
        try (SseReader r = reader("id: p.0\nretry: 250\ndata: \n\nid: p.1\n\n")) {
            assertThat(r.next().id()).isEqualTo("p.0");
            assertThat(r.retryMs()).isEqualTo(250);
            assertThat(r.next()).isNull();
            assertThat(r.lastEventId()).isEqualTo("p.1"); // set by an event with no data
        }
        try (SseReader r = reader("retry: soon\ndata: x\n\n")) {
            r.next();
            assertThat(r.retryMs()).isEqualTo(-1); // not a number: ignored
        }
    }

    /** #21 item 7: an event over the bound is refused before it is read whole, even one endless line. */
    @Test
    void item7_anEventOverTheBoundIsCutOff() throws Exception {
        String big = "data: " + "a".repeat(5000) + "\n\n";
        try (SseReader r = new SseReader(new ByteArrayInputStream(("data: small\r\n\n" + big).getBytes(StandardCharsets.UTF_8)), 1000)) {
            assertThat(r.next().data()).isEqualTo("small");
            org.assertj.core.api.Assertions.assertThatThrownBy(r::next).isInstanceOf(SseReader.TooLarge.class);
        }
        // the bound is per event: many small events in a row are fine
        try (SseReader r = new SseReader(new ByteArrayInputStream("data: 0123456789\n\n".repeat(500).getBytes(StandardCharsets.UTF_8)), 100)) {
            int n = 0;
            while (r.next() != null) {
                n++;
            }
            assertThat(n).isEqualTo(500);
        }
    }
}
