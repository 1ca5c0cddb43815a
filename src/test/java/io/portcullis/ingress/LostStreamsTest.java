package io.portcullis.ingress;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.protocol.Json;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** #19 item 2: a POST stream's name carries its request's id, so that another node can end that request cleanly. */
class LostStreamsTest {
    private static String enc(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void integerAndStringIdsRoundTripThroughTheStreamName_andTheEventIdStillParses() {
        for (var id : java.util.List.of(Json.object().numberNode(42), Json.object().stringNode("req-7 \"quoted\" ü"))) {
            String stream = LostStreams.postStream(3, id);
            assertThat(stream).startsWith("post-3~").doesNotContain(".");
            assertThat(LostStreams.requestId(stream)).isEqualTo(id);
            EventLog.Parsed p = EventLog.parse(EventLog.id(stream, 9));
            assertThat(p.stream()).isEqualTo(stream);
            assertThat(p.seq()).isEqualTo(9);
            assertThat(p.here()).isTrue();
        }
    }

    @Test
    void noIdOrAnIdThatIsNotAStringOrIntegerGivesThePlainName() {
        assertThat(LostStreams.postStream(1, null)).isEqualTo("post-1");
        assertThat(LostStreams.postStream(1, Json.object())).isEqualTo("post-1");
        assertThat(LostStreams.postStream(1, Json.object().numberNode(1.5))).isEqualTo("post-1");
        assertThat(LostStreams.postStream(1, Json.object().stringNode("x".repeat(500)))).as("too long to carry").isEqualTo("post-1");
        assertThat(LostStreams.requestId("post-1")).isNull();
    }

    /** Hostile Last-Event-IDs: never an exception, never an id that is not a JSON-RPC request id. */
    @Test
    void forgedOrDamagedNamesCarryNoId() {
        assertThat(LostStreams.requestId("post-1~!!!not-base64")).isNull();
        assertThat(LostStreams.requestId("post-1~" + enc("{\"id\":1}"))).as("an object").isNull();
        assertThat(LostStreams.requestId("post-1~" + enc("null"))).isNull();
        assertThat(LostStreams.requestId("post-1~" + enc("[1,2]"))).isNull();
        assertThat(LostStreams.requestId("post-1~" + enc("{"))).as("not JSON").isNull();
        assertThat(LostStreams.requestId("post-1~" + "A".repeat(300))).as("too long").isNull();
        assertThat(LostStreams.requestId("get~" + enc("1"))).as("not a POST stream").isNull();
        assertThat(LostStreams.requestId("post-1~")).isNull();
    }
}
