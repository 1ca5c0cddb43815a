package io.portcullis.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.protocol.Json;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** C4.1: arguments are kept sanitized: secrets and configured fields masked, long values cut. */
class SanitizerTest {
    final Sanitizer s = new Sanitizer(List.of("ssn", "Card-Number"), 40);

    @Test
    void secretNamedKeysAreMaskedAtAnyDepth() {
        Sanitizer.Result r = s.sanitize(Json.parse("""
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
    void secretsInsideValuesAreReplacedInPlace() {
        String jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U";
        JsonNode v = s.sanitize(Json.object()
                .put("h", "Authorization: Bearer abc.def-ghi_jkl")
                .put("b", "curl -H 'Authorization: Basic dXNlcjpodW50ZXIy'")
                .put("t", "token " + jwt + " end")
                .put("k", "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIA\n-----END PRIVATE KEY-----")
                .put("gh", "ghp_abcdefghijklmnopqrstuvwxyz0123456789")
                .put("aws", "AKIAIOSFODNN7EXAMPLE")).value();
        assertThat(v.path("h").asString()).isEqualTo("Authorization: Bearer [masked]");
        assertThat(v.path("b").asString()).isEqualTo("curl -H 'Authorization: Basic [masked]'");
        assertThat(v.path("t").asString()).isEqualTo("token [masked:jwt] end");
        assertThat(v.path("k").asString()).isEqualTo("[masked:private-key]");
        assertThat(v.path("gh").asString()).isEqualTo("[masked:api-key]");
        assertThat(v.path("aws").asString()).isEqualTo("[masked:api-key]");
    }

    @Test
    void longValuesAreCutKeepingTheirHash() {
        String longText = "x".repeat(100);
        Sanitizer.Result r = s.sanitize(Json.object().put("body", longText));
        assertThat(r.value().path("body").asString()).startsWith("x".repeat(40) + "…[60 more characters; sha256 " + Canonical.sha256(longText));
        assertThat(r.truncated()).containsExactly("/body");
    }

    @Test
    void ordinaryValuesAreUntouched() {
        JsonNode in = Json.parse("{\"query\":\"basic question about bears\",\"n\":1,\"ok\":true,\"x\":null}");
        Sanitizer.Result r = s.sanitize(in);
        assertThat(r.value()).isEqualTo(in);
        assertThat(r.masked()).isEmpty();
    }
}
