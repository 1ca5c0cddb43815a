package io.portcullis.pipeline.stages;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.call.GatewayException;
import io.portcullis.protocol.Json;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * #11 item 20: truncating the result of a tool that declares an {@code outputSchema} must still
 * send what the spec requires for that tool: {@code structuredContent} that satisfies the schema
 * (cut inside, where the cut stays valid), or else a clear {@code isError} refusal.
 */
class Hardening20TruncationOutputSchemaTest {
    private static final JsonNode TEXT_SCHEMA = Json.parse(
            "{\"type\":\"object\",\"properties\":{\"content\":{\"type\":\"string\"}},\"required\":[\"content\"]}");

    private static ObjectNode result(String text) {
        ObjectNode r = Json.object();
        r.putArray("content").addObject().put("type", "text").put("text", text);
        r.putObject("structuredContent").put("content", text);
        return r;
    }

    @Test
    void item20_structuredContentIsCutInsideAndStaysValid() throws Exception {
        ObjectNode r = result("x".repeat(20_000));
        ObjectNode cut = ResultLimit.limit(r, Json.bytes(r).length, 4096, TEXT_SCHEMA);
        assertThat(Json.bytes(cut).length).isLessThanOrEqualTo(4096);
        assertThat(cut.path("structuredContent").path("content").isString()).isTrue();
        assertThat(cut.path("structuredContent").path("content").asString()).startsWith("xxx").hasSizeLessThan(20_000);
        assertThat(cut.path("_meta").path("io.portcullis/truncated").path("limitBytes").asLong()).isEqualTo(4096);
        assertThat(cut.toString()).contains("result truncated");
    }

    @Test
    void item20_whenNoCutSatisfiesTheSchemaTheResultIsRefused() {
        // every string must be exactly as long as it is: no shorter string is valid
        JsonNode strict = Json.parse("{\"type\":\"object\",\"properties\":{\"content\":{\"type\":\"string\",\"minLength\":20000}},"
                + "\"required\":[\"content\"]}");
        ObjectNode r = result("y".repeat(20_000));
        assertThatThrownBy(() -> ResultLimit.limit(r, Json.bytes(r).length, 4096, strict))
                .isInstanceOf(GatewayException.Refused.class).hasMessageContaining("outputSchema");
    }

    @Test
    void item20_aResultWithoutStructuredContentIsRefusedForSuchATool() {
        ObjectNode r = Json.object();
        r.putArray("content").addObject().put("type", "text").put("text", "z".repeat(20_000));
        assertThatThrownBy(() -> ResultLimit.limit(r, Json.bytes(r).length, 4096, TEXT_SCHEMA))
                .isInstanceOf(GatewayException.Refused.class);
    }

    @Test
    void item20_arraysAreCutByWholeItems() throws Exception {
        JsonNode schema = Json.parse("{\"type\":\"object\",\"properties\":{\"items\":{\"type\":\"array\",\"items\":"
                + "{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"integer\"}},\"required\":[\"id\"]}}}}");
        ObjectNode r = Json.object();
        r.putArray("content").addObject().put("type", "text").put("text", "[...]");
        var items = r.putObject("structuredContent").putArray("items");
        for (int i = 0; i < 2000; i++) {
            items.addObject().put("id", i);
        }
        ObjectNode cut = ResultLimit.limit(r, Json.bytes(r).length, 4096, schema);
        assertThat(Json.bytes(cut).length).isLessThanOrEqualTo(4096);
        assertThat(cut.path("structuredContent").path("items").size()).isBetween(1, 1999);
        assertThat(cut.path("structuredContent").path("items").get(0).path("id").asInt()).isZero();
    }

    @Test
    void item20_withoutOutputSchemaTheOldTruncationStays() throws Exception {
        ObjectNode r = Json.object();
        r.putArray("content").addObject().put("type", "text").put("text", "x".repeat(10_000));
        ObjectNode cut = ResultLimit.limit(r, Json.bytes(r).length, 2048, null);
        assertThat(cut).isEqualTo(ResultLimit.truncate(r, Json.bytes(r).length, 2048));
    }
}
