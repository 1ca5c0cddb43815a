package io.portcullis.approval;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.protocol.Json;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

/** C3.2: what an approval is bound to (the hash) and what an approver sees (masked secrets). */
class ArgumentDigestTest {

    @Test
    void keyOrderDoesNotChangeTheHashButAnyValueDoes() {
        var a = (ObjectNode) Json.parse("{\"project\":\"x\",\"opts\":{\"force\":true,\"depth\":2},\"tags\":[\"b\",\"a\"]}");
        var b = (ObjectNode) Json.parse("{\"tags\":[\"b\",\"a\"],\"opts\":{\"depth\":2,\"force\":true},\"project\":\"x\"}");
        assertThat(ArgumentDigest.hash(a)).isEqualTo(ArgumentDigest.hash(b)).matches("[0-9a-f]{64}");
        assertThat(ArgumentDigest.canonical(b)).isEqualTo("{\"opts\":{\"depth\":2,\"force\":true},\"project\":\"x\",\"tags\":[\"b\",\"a\"]}");
        for (String changed : new String[] {
                "{\"project\":\"y\",\"opts\":{\"force\":true,\"depth\":2},\"tags\":[\"b\",\"a\"]}",
                "{\"project\":\"x\",\"opts\":{\"force\":false,\"depth\":2},\"tags\":[\"b\",\"a\"]}",
                "{\"project\":\"x\",\"opts\":{\"force\":true,\"depth\":2},\"tags\":[\"a\",\"b\"]}",
                "{\"project\":\"x\",\"opts\":{\"force\":true,\"depth\":2},\"tags\":[\"b\",\"a\"],\"extra\":null}",
                "{\"project\":\"x\",\"opts\":{\"force\":true,\"depth\":\"2\"},\"tags\":[\"b\",\"a\"]}"}) {
            assertThat(ArgumentDigest.hash(Json.parse(changed))).as(changed).isNotEqualTo(ArgumentDigest.hash(a));
        }
    }

    @Test
    void secretsAreMaskedForDisplayAtEveryDepthAndTheOriginalIsUntouched() {
        var args = (ObjectNode) Json.parse("""
                {"project":"x","password":"p1","api_key":"k1","nested":{"Authorization":"Bearer t","X-Api-Key":"k2",
                 "list":[{"client_secret":"s1","name":"ok"}]},"refresh-token":"r1","session_id":"s2"}""");
        ObjectNode shown = ArgumentDigest.display(args);
        String text = Json.write(shown);
        assertThat(text).doesNotContain("p1", "k1", "Bearer t", "k2", "s1", "r1", "s2").contains("\"project\":\"x\"", "\"name\":\"ok\"");
        assertThat(shown.path("nested").path("list").path(0).path("client_secret").asString()).isEqualTo("***");
        assertThat(args.path("password").asString()).isEqualTo("p1");
    }

    @Test
    void longStringsAreCutForDisplayOnly() {
        var args = Json.object().put("body", "x".repeat(5000));
        assertThat(ArgumentDigest.display(args).path("body").asString()).hasSizeLessThan(2100).endsWith("(5000 characters)");
    }
}
