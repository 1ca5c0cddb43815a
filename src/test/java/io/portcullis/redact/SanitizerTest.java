package io.portcullis.redact;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.protocol.Json;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * #11 item 8 (C4.1, C5.2): the one sanitizer, tested against the one corpus
 * ({@code src/test/resources/redact/corpus.json}) in both of its policies.
 */
class SanitizerTest {
    final Sanitizer records = Sanitizer.forRecords(List.of("ssn", "Card-Number"), 40);
    final Sanitizer approval = Sanitizer.forApproval();

    static JsonNode corpus() {
        return Corpus.json();
    }

    @Test
    void item8_everyCorpusSecretIsMaskedByKindInBothPolicies() throws IOException {
        for (JsonNode c : corpus().path("secrets")) {
            String text = c.path("text").asString();
            String secret = c.path("secret").asString();
            for (Sanitizer s : List.of(records, approval)) {
                String out = s.scrub(text);
                assertThat(out).as(text).doesNotContain(secret).contains("[masked:" + c.path("kind").asString() + "]");
                Sanitizer.Result r = s.sanitize(Json.object().put("value", text));
                assertThat(Json.write(r.value())).as(text).doesNotContain(secret);
                assertThat(r.masked()).containsExactly("/value");
            }
        }
    }

    @Test
    void item8_cleanCorpusValuesAreUntouched() throws IOException {
        for (JsonNode c : corpus().path("clean")) {
            assertThat(approval.scrub(c.asString())).isEqualTo(c.asString());
            assertThat(records.scrub(c.asString())).isEqualTo(c.asString());
        }
    }

    @Test
    void item8_secretNamedKeysAreMaskedInRecordsButNeverHideAValueFromAnApprover() throws IOException {
        JsonNode corpus = corpus();
        for (JsonNode k : corpus.path("secret_keys")) {
            assertThat(records.isSecretKey(k.asString())).as(k.asString()).isTrue();
            assertThat(approval.isSecretKey(k.asString())).as(k.asString()).isFalse();
        }
        for (JsonNode k : corpus.path("plain_keys")) {
            assertThat(records.isSecretKey(k.asString())).as(k.asString()).isFalse();
        }
    }

    @Test
    void secretNamedKeysAreMaskedAtAnyDepth() {
        Sanitizer.Result r = records.sanitize(Json.parse("""
                {"user":"bob","password":"hunter2","nested":{"API_KEY":"k1","list":[{"access_token":"t"}]},
                 "Authorization":"x","max_tokens":100,"client_secret":"s","ssn":"123","card_number":"4111"}"""));
        JsonNode v = r.value();
        assertThat(v.path("user").asString()).isEqualTo("bob");
        assertThat(v.path("password").asString()).isEqualTo("[masked]");
        assertThat(v.path("nested").path("API_KEY").asString()).isEqualTo("[masked]");
        assertThat(v.path("nested").path("list").get(0).path("access_token").asString()).isEqualTo("[masked]");
        assertThat(v.path("Authorization").asString()).isEqualTo("[masked]");
        assertThat(v.path("max_tokens").asInt()).isEqualTo(100);
        assertThat(v.path("client_secret").asString()).isEqualTo("[masked]");
        assertThat(v.path("ssn").asString()).isEqualTo("[masked]");
        assertThat(v.path("card_number").asString()).isEqualTo("[masked]");
        assertThat(r.masked()).contains("/password", "/nested/API_KEY", "/nested/list/0/access_token", "/ssn", "/card_number");
    }

    @Test
    void longValuesAreCutKeepingTheirHashInRecordsAndNeverForAnApprover() {
        String longText = "x".repeat(100);
        Sanitizer.Result r = records.sanitize(Json.object().put("body", longText));
        assertThat(r.value().path("body").asString()).startsWith("x".repeat(40) + "…[60 more characters; sha256 " + Sanitizer.sha256(longText));
        assertThat(r.truncated()).containsExactly("/body");
        String huge = "y".repeat(100_000);
        Sanitizer.Result shown = approval.sanitize(Json.object().put("body", huge));
        assertThat(shown.value().path("body").asString()).isEqualTo(huge);
        assertThat(shown.truncated()).isEmpty();
    }

    @Test
    void aDetectorThatFailsMasksTheWholeValue() {
        Detector broken = new Detector() {
            @Override
            public String kind() {
                return "broken";
            }

            @Override
            public List<Span> find(String text) {
                throw new IllegalStateException("boom");
            }
        };
        assertThat(Sanitizer.withDetectors(List.of(broken), false).scrub("anything")).isEqualTo("[masked:broken-failed]");
    }
}
