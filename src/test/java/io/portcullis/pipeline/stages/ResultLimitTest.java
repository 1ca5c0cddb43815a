package io.portcullis.pipeline.stages;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.protocol.Json;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

/** C5.3: truncated results fit the limit and say so. */
class ResultLimitTest {
    @Test
    void truncatedResultFitsAndCarriesAVisibleMarker() {
        ObjectNode r = Json.object();
        r.putArray("content").addObject().put("type", "text").put("text", "x".repeat(10_000));
        ObjectNode cut = ResultLimit.truncate(r, Json.bytes(r).length, 2048);
        assertThat(Json.bytes(cut).length).isLessThanOrEqualTo(2048);
        String last = cut.path("content").get(cut.path("content").size() - 1).path("text").asString();
        assertThat(last).contains("truncated").contains("2048");
        assertThat(cut.path("_meta").path("io.portcullis/truncated").path("originalBytes").asLong()).isGreaterThan(10_000);
        assertThat(cut.path("content").get(0).path("text").asString()).startsWith("xxx");
    }

    @Test
    void wholeItemsAreKeptWhileTheyFit() {
        ObjectNode r = Json.object();
        var content = r.putArray("content");
        content.addObject().put("type", "text").put("text", "small");
        content.addObject().put("type", "image").put("data", "A".repeat(5000)).put("mimeType", "image/png");
        ObjectNode cut = ResultLimit.truncate(r, Json.bytes(r).length, 1500);
        assertThat(cut.path("content").get(0).path("text").asString()).isEqualTo("small");
        assertThat(cut.path("content").size()).isEqualTo(2); // the image did not fit: dropped, marker added
        assertThat(Json.bytes(cut).length).isLessThanOrEqualTo(1500);
    }
}
