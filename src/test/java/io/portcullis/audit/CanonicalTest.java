package io.portcullis.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.protocol.Json;
import org.junit.jupiter.api.Test;

/** C4.2: the canonical encoding that records are hashed in. */
class CanonicalTest {

    @Test
    void sortsKeysAtEveryLevelWithoutWhitespace() {
        assertThat(Canonical.encode(Json.parse("{ \"b\": [ {\"z\":1, \"a\":2} ], \"a\": null, \"B\": true }")))
                .isEqualTo("{\"B\":true,\"a\":null,\"b\":[{\"a\":2,\"z\":1}]}");
    }

    @Test
    void escapesOnlyWhatJsonRequires() {
        assertThat(Canonical.encode(Json.parse("{\"s\":\"q\\\"b\\\\ n\\n t\\t c\\u0001 é 😀 /\"}")))
                .isEqualTo("{\"s\":\"q\\\"b\\\\ n\\n t\\t c\\u0001 é 😀 /\"}");
    }

    @Test
    void escapesLoneSurrogatesSoTheTextRoundTrips() {
        String encoded = Canonical.encode(Json.object().put("s", "a\uD800b"));
        assertThat(encoded).isEqualTo("{\"s\":\"a\\ud800b\"}");
        assertThat(Json.parse(encoded).path("s").asString()).isEqualTo("a\uD800b");
    }

    @Test
    void numbersKeepTheirValue() {
        assertThat(Canonical.encode(Json.parse("[1, -0, 12345678901234567890, 1.5, 2e3]")))
                .isEqualTo("[1,0,12345678901234567890,1.5,2000.0]");
    }

    @Test
    void encodingIsStableUnderReparsing() {
        String once = Canonical.encode(Json.parse("{\"x\":{\"k\":[1,\"two\",{\"c\":3,\"b\":[]}]},\"a\":\"é\"}"));
        assertThat(Canonical.encode(Json.parse(once))).isEqualTo(once);
        assertThat(Canonical.sha256(once)).hasSize(64).isEqualTo(Canonical.sha256(once.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    @Test
    void membersAlreadyInOrderAndMembersOutOfOrderEncodeAlike() {
        assertThat(Canonical.encode(Json.parse("{\"a\":1,\"b\":{\"x\":[true,false],\"y\":9223372036854775807},\"c\":-5}")))
                .isEqualTo(Canonical.encode(Json.parse("{\"c\":-5,\"b\":{\"y\":9223372036854775807,\"x\":[true,false]},\"a\":1}")))
                .isEqualTo("{\"a\":1,\"b\":{\"x\":[true,false],\"y\":9223372036854775807},\"c\":-5}");
        assertThat(Canonical.encode(Json.parse("{}"))).isEqualTo("{}");
        assertThat(Canonical.encode(Json.parse("[]"))).isEqualTo("[]");
    }
}
