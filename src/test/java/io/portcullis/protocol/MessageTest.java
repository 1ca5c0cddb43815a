package io.portcullis.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.node.ObjectNode;

/** JSON-RPC 2.0 classification: every Message is a request, a notification or a response; nothing else gets in. */
class MessageTest {

    static Message of(String json) throws ProtocolException {
        return Message.of(Json.parse(json));
    }

    @Test
    void aRequestHasAMethodAndAnId() throws Exception {
        Message m = of("{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/list\",\"params\":{\"cursor\":\"x\"}}");
        assertThat(m.kind()).isEqualTo(Message.Kind.REQUEST);
        assertThat(m.isRequest()).isTrue();
        assertThat(m.method()).isEqualTo("tools/list");
        assertThat(m.id().asInt()).isEqualTo(7);
        assertThat(m.params().path("cursor").asString()).isEqualTo("x");
        assertThat(of("{\"jsonrpc\":\"2.0\",\"id\":\"abc\",\"method\":\"ping\"}").isRequest()).isTrue();
    }

    @Test
    void aNotificationHasNoId() throws Exception {
        Message m = of("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
        assertThat(m.isNotification()).isTrue();
        assertThat(m.id()).isNull();
        assertThat(m.params().isEmpty()).isTrue();
        assertThat(m.meta()).isNull();
    }

    @Test
    void aResponseHasResultXorError() throws Exception {
        assertThat(of("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}").isResponse()).isTrue();
        assertThat(of("{\"jsonrpc\":\"2.0\",\"id\":\"pc-1\",\"error\":{\"code\":-1,\"message\":\"no\"}}").isResponse()).isTrue();
        assertThat(of("{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32700,\"message\":\"x\"}}").isResponse()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "[]", "42", "\"x\"", "null", "{}",
        "{\"id\":1,\"method\":\"ping\"}",
        "{\"jsonrpc\":\"1.0\",\"id\":1,\"method\":\"ping\"}",
        "{\"jsonrpc\":2.0,\"id\":1,\"method\":\"ping\"}",
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"\"}",
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":5}",
        "{\"jsonrpc\":\"2.0\",\"id\":1.5,\"method\":\"ping\"}",
        "{\"jsonrpc\":\"2.0\",\"id\":true,\"method\":\"ping\"}",
        "{\"jsonrpc\":\"2.0\",\"id\":[1],\"method\":\"ping\"}",
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"params\":[1,2]}",
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"params\":\"p\"}",
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"result\":{}}",
        "{\"jsonrpc\":\"2.0\",\"id\":1}",
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{},\"error\":{}}",
        "{\"jsonrpc\":\"2.0\",\"result\":{}}",
        "{\"jsonrpc\":\"2.0\",\"id\":{},\"result\":{}}"})
    void everythingElseIsInvalidRequest(String json) {
        assertThatThrownBy(() -> of(json)).isInstanceOf(ProtocolException.class)
                .satisfies(e -> assertThat(((ProtocolException) e).code()).isEqualTo(ErrorCodes.INVALID_REQUEST));
    }

    @Test
    void unknownFieldsSurvive() throws Exception {
        String json = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"x-extra\":{\"a\":[1,2]},"
                + "\"params\":{\"name\":\"t\",\"task\":{\"ttl\":5},\"_meta\":{\"progressToken\":3,\"vendor/k\":true}}}";
        Message m = of(json);
        assertThat(Json.parse(Json.write(m.node()))).isEqualTo(Json.parse(json));
        assertThat(m.meta().path("vendor/k").asBoolean()).isTrue();
    }

    @Test
    void nullParamsAreAllowedAndReadAsEmpty() throws Exception {
        Message m = of("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"params\":null}");
        assertThat(m.params().isEmpty()).isTrue();
    }

    @Test
    void buildersMakeWellFormedMessages() throws Exception {
        ObjectNode req = Message.request(Json.object().numberNode(3), "tools/list", null);
        assertThat(Message.of(req).isRequest()).isTrue();
        assertThat(req.has("params")).isFalse();
        assertThat(Message.of(Message.notification("notifications/progress", Json.object())).isNotification()).isTrue();
        ObjectNode err = Message.error(null, ErrorCodes.PARSE_ERROR, "bad", null);
        assertThat(err.path("id").isNull()).isTrue();
        assertThat(err.path("error").has("data")).isFalse();
        assertThat(Message.of(err).isResponse()).isTrue();
        assertThat(Message.of(Message.result(Json.object().stringNode("a"), Json.object())).isResponse()).isTrue();
    }

    /** #11 item 3: client JSON that cannot cross the gateway is refused with -32602, naming where it is. */
    @ParameterizedTest
    @ValueSource(strings = {"{\"name\":\"a\\ud800\"}", "{\"n\":1e400}", "{\"n\":-1e400}",
            "{\"a\":[1,{\"b\":[2e308]}]}", "{\"s\":\"\\udbff\\udbff\"}"})
    void item3_invalidUnicodeAndUnrepresentableNumbersAreRefused(String params) {
        assertThatThrownBy(() -> Message.ofClient(Json.parse("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":"
                + params + "}")))
                .isInstanceOfSatisfying(ProtocolException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCodes.INVALID_PARAMS);
                    assertThat(e.getMessage()).startsWith("Invalid params: params.").containsAnyOf("not valid Unicode", "too large");
                });
    }

    /** A key with a lone surrogate does not even parse (the ingress answers -32700); the check covers keys for trees built otherwise. */
    @Test
    void item3_aKeyWithALoneSurrogateIsRefused() {
        assertThatThrownBy(() -> Json.parse("{\"a\\udc00\":1}")).isInstanceOf(tools.jackson.core.JacksonException.class);
        tools.jackson.databind.node.ObjectNode params = Json.object();
        params.putObject("arguments").put("k\uD800", 1);
        assertThat(JsonText.problem(Message.request(Json.object().numberNode(1), "tools/call", params)))
                .isEqualTo("$.params.arguments.k\uFFFD: the key is not valid Unicode (a lone surrogate)");
    }

    @Test
    void item3_wellFormedTextAndLargeNumbersPass() throws Exception {
        Message m = Message.ofClient(Json.parse("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"x\",\"params\":"
                + "{\"emoji\":\"\\ud83d\\ude00\",\"big\":" + "9".repeat(400) + ",\"small\":1e-400,\"d\":1.5e300}}"));
        assertThat(m.params().path("emoji").asString()).isEqualTo("\uD83D\uDE00");
    }
}
