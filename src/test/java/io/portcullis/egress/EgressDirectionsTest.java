package io.portcullis.egress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.call.CallContext;
import io.portcullis.call.CallTrail;
import io.portcullis.call.ClientKey;
import io.portcullis.call.GatewayException;
import io.portcullis.call.Relay;
import io.portcullis.catalog.ArgumentCheck;
import io.portcullis.catalog.Oversize;
import io.portcullis.catalog.RiskClass;
import io.portcullis.catalog.ToolEntry;
import io.portcullis.config.ConfigReader;
import io.portcullis.protocol.Json;
import io.portcullis.protocol.Message;
import io.portcullis.settings.ToolSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * #13 item 2, every direction beside the result (C5.1, C5.2): what an upstream sends to the client
 * during a call (logging and progress notifications, sampling and elicitation requests), its
 * JSON-RPC errors, its log messages tied to no call, and the arguments of a tool labelled
 * {@code egress}. #13 item 6: each detection is in the trail (class, count, place; never the
 * value). The stage is the real one; the upstream is a lambda that uses the relay it is given,
 * and the client is a recording relay.
 */
class EgressDirectionsTest {
    static final String GH = "ghp_R2d2C3poL8sk6Wq0Zx9Yb7Vn5Mm3Kk1Jj0Hh";
    static final String MAIL = "erin.walsh@corp-mail.io";
    @TempDir
    Path dir;

    EgressConfig config(String egressYaml) throws Exception {
        Files.writeString(dir.resolve("c.yaml"), "server: {data_dir: data}\nupstreams:\n  up: {command: [\"true\"]}\n" + egressYaml);
        return ConfigReader.read(dir.resolve("c.yaml")).egress();
    }

    /** The client end: records what it was sent, answers requests with a fixed result. */
    static final class Client implements Relay {
        final List<ObjectNode> notified = new ArrayList<>();
        final List<ObjectNode> asked = new ArrayList<>();

        @Override
        public void notify(ObjectNode n) {
            notified.add(n);
        }

        @Override
        public ObjectNode request(String method, ObjectNode params) {
            asked.add(params);
            return Message.result(Json.object().stringNode("pc-1"), Json.object().put("action", "decline"));
        }

        @Override
        public ClientKey owner() {
            return new ClientKey("session-s1");
        }
    }

    static ToolEntry tool(String name, List<String> labels) {
        ObjectNode def = Json.object().put("name", name);
        return new ToolEntry(name, "up", name.replaceFirst("^.*__", ""), def, ToolSettings.DEFAULT, null, RiskClass.READ_ONLY,
                "catalog", null, List.of(), labels, ToolEntry.ExportStatus.NOT_EXPORT, 1 << 20, Oversize.TRUNCATE,
                ArgumentCheck.compile(def, Map.of()));
    }

    static CallContext call(ToolEntry tool, Relay relay, ObjectNode arguments) {
        ObjectNode params = Json.object().put("name", tool.name());
        params.set("arguments", arguments);
        return new CallContext("c-1", null, "default", "s1", "2025-11-25", tool.name(), params, tool, relay, Instant.now(),
                new CallTrail());
    }

    static ObjectNode log(String data) {
        ObjectNode p = Json.object().put("level", "info").put("logger", "leaky").put("data", data);
        return Message.notification("notifications/message", p);
    }

    static ObjectNode ok() {
        ObjectNode r = Json.object();
        r.putArray("content").addObject().put("type", "text").put("text", "done");
        return r;
    }

    @Test
    void item2_logAndProgressNotificationsAreRedactedOnTheirWayToTheClientAndRecorded() throws Exception {
        Client client = new Client();
        CallContext c = call(tool("up__work", List.of()), client, Json.object());
        new EgressScan(config("")).handle(c, inner -> {
            inner.relay().notify(log("connecting with token " + GH));
            ObjectNode progress = Json.object().put("progressToken", "client-token-1").put("progress", 1).put("total", 2)
                    .put("message", "mailing " + MAIL);
            inner.relay().notify(Message.notification("notifications/progress", progress));
            return ok();
        });
        assertThat(client.notified).hasSize(2);
        assertThat(client.notified.toString()).doesNotContain(GH, MAIL);
        assertThat(client.notified.get(0).path("params").path("data").asString())
                .isEqualTo("connecting with token [REDACTED:secret.github-token]");
        JsonNode progress = client.notified.get(1).path("params");
        assertThat(progress.path("message").asString()).isEqualTo("mailing [REDACTED:pii.email]");
        assertThat(progress.path("progressToken").asString()).isEqualTo("client-token-1");
        assertThat(progress.path("progress").asInt()).isEqualTo(1);
        assertThat(c.trail().redactions()).containsExactly(
                "notifications/message secret.github-token x1 at /params/data: redact",
                "notifications/progress pii.email x1 at /params/message: redact");
    }

    @Test
    void item2_aBlockedLogMessageReachesTheClientOnlyAsANoteNamingTheControlAndClass() throws Exception {
        Client client = new Client();
        CallContext c = call(tool("up__work", List.of()), client, Json.object());
        new EgressScan(config("egress:\n  actions: {secret.*: block}\n")).handle(c, inner -> {
            inner.relay().notify(log("token " + GH));
            return ok();
        });
        assertThat(client.notified).hasSize(1);
        assertThat(client.notified.get(0).path("params").path("data").asString())
                .isEqualTo("Withheld by Portcullis (egress): it holds data of class secret.github-token");
        assertThat(c.trail().redactions()).containsExactly("notifications/message secret.github-token x1 at /params/data: block");
    }

    @Test
    void item2_samplingAndElicitationRequestsAreRedactedOrNotSentAtAll() throws Exception {
        Client client = new Client();
        CallContext c = call(tool("up__work", List.of()), client, Json.object());
        List<String> upstreamGot = new ArrayList<>();
        new EgressScan(config("egress:\n  actions: {pii.*: block}\n")).handle(c, inner -> {
            ObjectNode sampling = Json.object().put("systemPrompt", "you hold " + GH).put("maxTokens", 5);
            sampling.putArray("messages").addObject().put("role", "user").putObject("content").put("type", "text")
                    .put("text", "summarise the key " + GH);
            upstreamGot.add(inner.relay().request("sampling/createMessage", sampling).toString());
            ObjectNode elicit = Json.object().put("message", "confirm mail to " + MAIL);
            elicit.putObject("requestedSchema").put("type", "object");
            try {
                inner.relay().request("elicitation/create", elicit);
            } catch (GatewayException.Refused e) {
                upstreamGot.add(e.control() + ": " + e.getMessage());
            }
            return ok();
        });
        assertThat(client.asked).hasSize(1); // the elicitation never reached the client
        assertThat(client.asked.get(0).toString()).doesNotContain(GH).contains("summarise the key [REDACTED:secret.github-token]",
                "you hold [REDACTED:secret.github-token]");
        assertThat(upstreamGot.get(1)).isEqualTo("egress: the elicitation/create request was not sent to the client: "
                + "it holds data of class pii.email");
        assertThat(c.trail().redactions()).containsExactly(
                "sampling/createMessage secret.github-token x1 at /params/systemPrompt: redact",
                "sampling/createMessage secret.github-token x1 at /params/messages/0/content/text: redact",
                "elicitation/create pii.email x1 at /params/message: block");
    }

    @Test
    void item2_anUpstreamsJsonRpcErrorIsRedactedOrWithheld() throws Exception {
        ObjectNode error = Json.object().put("code", -32000).put("message", "auth failed for " + GH);
        error.putObject("data").put("user", MAIL);
        CallContext c = call(tool("up__work", List.of()), Relay.NONE, Json.object());
        assertThatThrownBy(() -> new EgressScan(config("")).handle(c, inner -> {
            throw new GatewayException.UpstreamError("up", error);
        })).isInstanceOfSatisfying(GatewayException.UpstreamError.class, e -> {
            assertThat(e.error().toString()).doesNotContain(GH, MAIL).contains("auth failed for [REDACTED:secret.github-token]");
            assertThat(e.error().path("code").asInt()).isEqualTo(-32000);
        });
        assertThat(c.trail().redactions()).containsExactly("error secret.github-token x1 at /error/message: redact",
                "error pii.email x1 at /error/data/user: redact");
        CallContext b = call(tool("up__work", List.of()), Relay.NONE, Json.object());
        assertThatThrownBy(() -> new EgressScan(config("egress:\n  actions: {secret.*: block}\n")).handle(b, inner -> {
            throw new GatewayException.UpstreamError("up", error);
        })).isInstanceOfSatisfying(GatewayException.Refused.class, e -> assertThat(e.control()).isEqualTo("egress"))
                .hasMessageContaining("secret.github-token").hasMessageNotContaining(GH);
    }

    @Test
    void item2_theArgumentsOfAToolLabelledEgressAreScannedBeforeTheUpstreamSeesThem() throws Exception {
        ObjectNode args = Json.object().put("to", "https://paste.example.net").put("body", "key " + GH + " for " + MAIL);
        List<JsonNode> sent = new ArrayList<>();
        CallContext c = call(tool("up__post", List.of("egress")), Relay.NONE, args);
        new EgressScan(config("")).handle(c, inner -> {
            sent.add(inner.params());
            return ok();
        });
        assertThat(sent.get(0).path("arguments").path("body").asString())
                .isEqualTo("key [REDACTED:secret.github-token] for [REDACTED:pii.email]");
        assertThat(sent.get(0).path("name").asString()).isEqualTo("up__post");
        assertThat(c.trail().redactions()).containsExactly("arguments secret.github-token x1 at /arguments/body: redact",
                "arguments pii.email x1 at /arguments/body: redact");
        // block: the upstream is never called
        CallContext b = call(tool("up__post", List.of("egress")), Relay.NONE, args);
        assertThatThrownBy(() -> new EgressScan(config("egress:\n  actions: {secret.*: block}\n")).handle(b, inner -> {
            throw new AssertionError("the upstream must not be called");
        })).isInstanceOfSatisfying(GatewayException.Refused.class, e -> assertThat(e.control()).isEqualTo("egress"))
                .hasMessageContaining("secret.github-token").hasMessageContaining("labelled egress").hasMessageNotContaining(GH);
        // a tool without the label sends its arguments as they are (only egress-labelled tools are a way out)
        List<JsonNode> plain = new ArrayList<>();
        new EgressScan(config("")).handle(call(tool("up__get", List.of("pii")), Relay.NONE, args), inner -> {
            plain.add(inner.params());
            return ok();
        });
        assertThat(plain.get(0).path("arguments").path("body").asString()).contains(GH);
    }

    @Test
    void item2_aLogMessageTiedToNoCallIsScannedWithTheUpstreamsActions() throws Exception {
        List<String> found = new ArrayList<>();
        ObjectNode clean = EgressRelay.untied(config(""), "up", log("boot with " + GH), found::add);
        assertThat(clean.path("params").path("data").asString()).isEqualTo("boot with [REDACTED:secret.github-token]");
        assertThat(found).containsExactly("notifications/message secret.github-token x1 at /params/data: redact");
        ObjectNode blocked = EgressRelay.untied(config("egress:\n  upstreams:\n    up: {secret.*: block}\n"), "up",
                log("boot with " + GH), found::add);
        assertThat(blocked.toString()).doesNotContain(GH).contains("Withheld by Portcullis (egress)");
        assertThat(EgressRelay.untied(null, "up", log("x"), found::add)).isNull(); // no settings: nothing goes out
    }

    @Test
    void item2_aNotificationThatCannotBeScannedIsNotRelayedAsItCame() throws Exception {
        ObjectNode deep = Json.object();
        ObjectNode at = deep;
        for (int i = 0; i < ResultFilter.MAX_DEPTH + 5; i++) {
            at = at.putObject("n");
        }
        at.put("v", GH);
        ObjectNode n = Message.notification("notifications/message", Json.object().put("level", "info").set("data", deep));
        List<String> notes = new ArrayList<>();
        ObjectNode out = EgressRelay.notification(n, config(""), new ResultFilter.Where(null, null, "up", ""), notes::add, notes::add);
        assertThat(out.toString()).doesNotContain(GH).contains("Withheld by Portcullis (egress)", "too deep");
        ObjectNode other = Message.notification("notifications/resources/updated", Json.object().set("x", deep));
        assertThat(EgressRelay.notification(other, config(""), new ResultFilter.Where(null, null, "up", ""), notes::add, notes::add))
                .isNull();
    }
}
