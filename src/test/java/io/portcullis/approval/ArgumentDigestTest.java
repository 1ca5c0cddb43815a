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

    /** #11 item 11: an approver sees every value that will be sent; only provable secrets are masked, and listed. */
    @Test
    void item11_onlyProvableSecretsAreMaskedAndEveryOtherValueIsShownAsSent() {
        var args = (ObjectNode) Json.parse("""
                {"project":"x","password":"p1","session_token":"visible-session","nested":{"Authorization":"Bearer abcdefgh12345678",
                 "list":[{"client_secret":"s1","gh":"ghp_abcdefghijklmnopqrstuvwxyz0123456789"}]}}""");
        ObjectNode shown = ArgumentDigest.display(args);
        String text = Json.write(shown);
        assertThat(text).contains("\"password\":\"p1\"", "visible-session", "\"client_secret\":\"s1\"")
                .doesNotContain("abcdefgh12345678", "ghp_abcdefghijklmnopqrstuvwxyz0123456789");
        assertThat(ArgumentDigest.maskedPointers(shown)).containsExactly("/nested/Authorization", "/nested/list/0/gh");
        assertThat(args.path("nested").path("Authorization").asString()).isEqualTo("Bearer abcdefgh12345678");
    }

    /** #11 item 11: nothing is cut: the approver sees the whole value the upstream will get. */
    @Test
    void item11_longStringsAreShownWhole() {
        var args = Json.object().put("body", "x".repeat(50_000));
        assertThat(ArgumentDigest.display(args).path("body").asString()).hasSize(50_000);
    }

    /** #11 item 15: strings and keys with control, bidi or invisible characters are listed for the views. */
    @Test
    void item15_hiddenCharactersAreFound() {
        var args = (ObjectNode) Json.parse("{\"file\":\"invoice\u202Etxt.exe\",\"ok\":\"plain\",\"k\\u200By\":1}");
        assertThat(ArgumentDigest.hiddenCharacterPointers(args)).containsExactly("/file", "/k\u200By");
    }
}
