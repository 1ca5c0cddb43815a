package io.portcullis.it.egress;

import static io.portcullis.it.egress.LeakyServer.AWS;
import static io.portcullis.it.egress.LeakyServer.DB_PASSWORD;
import static io.portcullis.it.egress.LeakyServer.GH;
import static io.portcullis.it.egress.LeakyServer.MAIL;
import static io.portcullis.it.egress.LeakyServer.SECRETS;
import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.it.GatewayExtension;
import io.portcullis.it.JvmPeers;
import io.portcullis.it.LegacySession;
import io.portcullis.it.NpmPeers;
import io.portcullis.it.SseStream;
import io.portcullis.it.TestGateway;
import io.portcullis.protocol.Json;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * #13 item 2, every direction, with real peers (C5.1, C5.2): the project's own {@link LeakyServer}
 * puts fake secrets in its log and progress notifications, a resource link's URI, an embedded
 * resource, {@code structuredContent}, a JSON-RPC error and its sampling and elicitation requests.
 * Spoken to directly, each secret is on the wire; through the gateway, each place is redacted (or,
 * for a request to the client, not sent), and the audit record names class, count and place, never
 * the value (#13 item 6). server-everything shows the same for a real server's prompts/get
 * messages, resources/read error and sampling request. The arguments of a tool labelled
 * {@code egress} are redacted before the upstream sees them.
 */
class EgressDirectionsIT {
    @RegisterExtension
    static final GatewayExtension gw = GatewayExtension.config(() -> """
                upstreams:
                  leaky:
                    command: %s
                    timeout: 60s
                  everything:
                    command: %s
                catalog:
                  unlisted: allow
                  upstreams:
                    leaky: {owner: {team: platform, oncall: "pager:platform"}}
                  tools:
                    leaky__post: {purpose: Send a message out., risk: read_only, labels: [egress]}
                    leaky__leak_schema: {purpose: Return a contact., risk: read_only}
                """.formatted(TestGateway.list(JvmPeers.testMain(LeakyServer.class)), TestGateway.list(NpmPeers.everything())))
            .build();

    static ObjectNode caps() {
        ObjectNode caps = Json.object();
        caps.putObject("sampling");
        caps.putObject("elicitation");
        return caps;
    }

    /** Everything the gateway sends on the call's stream until its response. */
    static List<ObjectNode> through(LegacySession s, String tool, ObjectNode arguments, boolean progress) throws Exception {
        ObjectNode p = Json.object().put("name", tool);
        p.set("arguments", arguments == null ? Json.object() : arguments);
        if (progress) {
            p.putObject("_meta").put("progressToken", "my-token");
        }
        ObjectNode call = s.message("tools/call", p);
        List<ObjectNode> got = new ArrayList<>();
        try (SseStream stream = s.stream(call)) {
            while (true) {
                ObjectNode m = stream.nextMessage();
                got.add(m);
                if (m.path("id").asString("").equals(call.path("id").asString()) && (m.has("result") || m.has("error"))) {
                    return got;
                }
                if (m.has("method") && m.has("id")) { // a request to the client: decline it
                    s.respond(m.path("id"), m.path("method").asString().equals("elicitation/create")
                            ? Json.object().put("action", "decline")
                            : answer());
                }
            }
        }
    }

    static ObjectNode answer() {
        ObjectNode a = Json.object().put("role", "assistant").put("model", "test-model");
        a.putObject("content").put("type", "text").put("text", "a summary");
        return a;
    }

    /** The lines LeakyServer writes for one call when spoken to directly, without the gateway (until its response or a request to us). */
    static String direct(String tool) throws Exception {
        Process p = new ProcessBuilder(JvmPeers.testMain(LeakyServer.class)).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            OutputStream in = p.getOutputStream();
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            in.write(("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-11-25\","
                    + "\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}\n"
                    + "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":\"" + tool
                    + "\",\"arguments\":{},\"_meta\":{\"progressToken\":\"t\"}}}\n").getBytes(StandardCharsets.UTF_8));
            in.flush();
            StringBuilder b = new StringBuilder();
            String line;
            while ((line = out.readLine()) != null) {
                b.append(line).append('\n');
                JsonNode m = Json.parse(line);
                if (m.path("id").asString("").equals("2") || m.has("method") && m.has("id")) {
                    return b.toString();
                }
            }
            return b.toString();
        } finally {
            p.destroyForcibly().waitFor();
        }
    }

    @Test
    void item2_directlyEveryPlaceCarriesTheSecrets() throws Exception {
        String leak = direct("leak");
        assertThat(leak).contains("\"notifications/message\"", "connecting with token " + GH, "\"notifications/progress\"",
                "uploading for " + MAIL, "postgres://app:" + DB_PASSWORD + "@db.internal/app", "owner " + MAIL, "key " + AWS);
        assertThat(direct("fail")).contains("login failed with token " + GH, DB_PASSWORD);
        assertThat(direct("sample")).contains("sampling/createMessage", "the deploy key is " + GH, MAIL);
        assertThat(direct("elicit")).contains("elicitation/create", AWS);
    }

    @Test
    void item2_throughTheGatewayLogProgressLinksResourcesAndStructuredContentAreRedacted() throws Exception {
        LegacySession s = LegacySession.open(gw.client(), "2025-11-25", caps());
        List<ObjectNode> got = through(s, "leaky__leak", null, true);
        String all = got.toString();
        for (String secret : SECRETS) {
            assertThat(all).doesNotContain(secret);
        }
        ObjectNode log = got.stream().filter(m -> m.path("method").asString().equals("notifications/message")).findFirst().orElseThrow();
        assertThat(log.path("params").path("data").asString()).isEqualTo("connecting with token [REDACTED:secret.github-token]");
        ObjectNode progress = got.stream().filter(m -> m.path("method").asString().equals("notifications/progress")).findFirst().orElseThrow();
        assertThat(progress.path("params").path("message").asString()).isEqualTo("uploading for [REDACTED:pii.email]");
        assertThat(progress.path("params").path("progressToken").asString()).isEqualTo("my-token");
        JsonNode result = got.getLast().path("result");
        assertThat(result.path("content").get(1).path("uri").asString())
                .isEqualTo("postgres://app:[REDACTED:secret.url-password]@db.internal/app");
        assertThat(result.path("content").get(2).path("resource").path("text").asString()).isEqualTo("owner [REDACTED:pii.email]");
        assertThat(result.path("structuredContent").path("token").asString()).isEqualTo("[REDACTED:secret.github-token]");
        String audit = EgressFilesystemIT.auditOf(gw.harness());
        assertThat(audit).contains("notifications/message secret.github-token x1 at /params/data: redact",
                "notifications/progress pii.email x1 at /params/message: redact",
                "secret.url-password x1 at /content/1/uri: redact", "pii.email x1 at /structuredContent/owner: redact");
        for (String secret : SECRETS) {
            assertThat(audit).doesNotContain(secret);
        }
    }

    @Test
    void item2_anUpstreamsJsonRpcErrorIsRedacted() throws Exception {
        LegacySession s = LegacySession.open(gw.client(), "2025-11-25", caps());
        ObjectNode last = through(s, "leaky__fail", null, false).getLast();
        assertThat(last.path("error").path("message").asString()).isEqualTo("login failed with token [REDACTED:secret.github-token]");
        assertThat(last.path("error").path("data").path("dsn").asString()).contains("[REDACTED:secret.url-password]");
        assertThat(last.toString()).doesNotContain(GH, DB_PASSWORD);
        assertThat(EgressFilesystemIT.auditOf(gw.harness())).contains("error secret.github-token x1 at /error/message: redact")
                .doesNotContain(GH);
    }

    @Test
    void item2_samplingIsRedactedAndAnElicitationWithAnAwsKeyIsRedactedBeforeTheClientSeesIt() throws Exception {
        LegacySession s = LegacySession.open(gw.client(), "2025-11-25", caps());
        List<ObjectNode> sampled = through(s, "leaky__sample", null, false);
        ObjectNode asked = sampled.getFirst();
        assertThat(asked.path("method").asString()).isEqualTo("sampling/createMessage");
        assertThat(asked.path("params").path("messages").get(0).path("content").path("text").asString())
                .isEqualTo("Summarise: the deploy key is [REDACTED:secret.github-token]");
        assertThat(asked.path("params").path("systemPrompt").asString()).isEqualTo("You are helping [REDACTED:pii.email]");
        assertThat(sampled.getLast().toString()).contains("a summary"); // the upstream got the client's answer
        List<ObjectNode> elicited = through(s, "leaky__elicit", null, false);
        assertThat(elicited.getFirst().path("params").path("message").asString())
                .isEqualTo("Confirm the AWS key [REDACTED:secret.aws-access-key-id] for [REDACTED:pii.email]");
        assertThat(sampled.toString() + elicited).doesNotContain(GH, MAIL, AWS);
    }

    @Test
    void item3_aRedactedStructuredContentThatBreaksTheOutputSchemaIsBlockedWithTheReason() throws Exception {
        LegacySession s = LegacySession.open(gw.client(), "2025-11-25", caps());
        JsonNode result = through(s, "leaky__leak_schema", null, false).getLast().path("result");
        assertThat(result.path("isError").asBoolean()).isTrue();
        assertThat(result.path("content").get(0).path("text").asString()).contains("egress", "pii.email", "outputSchema");
        assertThat(result.toString()).doesNotContain(MAIL);
    }

    @Test
    void item2_theArgumentsOfAToolLabelledEgressAreRedactedBeforeTheUpstreamGetsThem() throws Exception {
        LegacySession s = LegacySession.open(gw.client(), "2025-11-25", caps());
        ObjectNode args = Json.object().put("to", "https://paste.example.net").put("body", "the key is " + GH);
        String received = through(s, "leaky__post", args, false).getLast().path("result").path("content").get(0).path("text").asString();
        // what the upstream says it received: the value never left the gateway
        assertThat(received).contains("the key is [REDACTED:secret.github-token]").doesNotContain(GH);
        assertThat(EgressFilesystemIT.auditOf(gw.harness())).contains("arguments secret.github-token x1 at /arguments/body: redact");
    }

    @Test
    void item2_serverEverythingsPromptsResourcesAndSamplingAreRedactedToo() throws Exception {
        LegacySession s = LegacySession.open(gw.client(), "2025-11-25", caps());
        ObjectNode get = Json.object().put("name", "everything__args-prompt");
        get.putObject("arguments").put("city", MAIL).put("state", GH);
        JsonNode prompt = s.request("prompts/get", get);
        assertThat(prompt.path("result").path("messages").get(0).path("content").path("text").asString())
                .isEqualTo("What's weather in [REDACTED:pii.email], [REDACTED:secret.github-token]?");
        // server-everything's error for an unknown resource quotes the URI it was given
        JsonNode read = s.request("resources/read", Json.object().put("uri", "demo://resource/dynamic/text/" + GH));
        assertThat(read.toString()).doesNotContain(GH).contains("[REDACTED:secret.github-token]");
        ObjectNode sampling = Json.object().put("prompt", "summarise " + MAIL).put("maxTokens", 20);
        List<ObjectNode> got = through(s, "everything__trigger-sampling-request", sampling, false);
        assertThat(got.getFirst().path("method").asString()).isEqualTo("sampling/createMessage");
        assertThat(got.getFirst().toString()).contains("summarise [REDACTED:pii.email]").doesNotContain(MAIL);
    }

    @Test
    void item2_aLogMessageTiedToNoCallIsRedactedOnTheSessionsGetStream() throws Exception {
        LegacySession s = LegacySession.open(gw.client(), "2025-11-25", caps());
        try (SseStream get = s.get(null)) {
            // the log line comes after the answer, when no call is in flight: it goes to the sessions that used leaky
            through(s, "leaky__log_after", null, false);
            ObjectNode log = get.nextMessage();
            assertThat(log.path("method").asString()).isEqualTo("notifications/message");
            assertThat(log.path("params").path("data").asString()).isEqualTo("background job failed for [REDACTED:pii.email]");
        }
    }
}
