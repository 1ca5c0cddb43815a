package io.portcullis.identity;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.SignedJWT;
import io.portcullis.audit.AuditQuery;
import io.portcullis.protocol.Json;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * #16 (checklist C1.2), the read paths: {@code resources/read}, {@code prompts/get},
 * {@code completion/complete} and {@code tasks/result} pass the {@code credentials} stage as
 * {@code tools/call} does. Two users on the one shared upstream connection: each request carries its
 * own caller's exchanged token (audience the upstream, subject the caller), never the other's and
 * never the caller's own token; an exchange the IdP refuses refuses the request (control
 * {@code credentials}) and nothing reaches the upstream. Real IdP (mock-oauth2-server's RFC 8693
 * endpoint), a real HTTP upstream that records the {@code Authorization} header of every request
 * ({@link CountingUpstream}, {@link RecordedItems}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UpstreamCredentialsReadsIT {
    static final String AUDIENCE = "https://demo-upstream.example/mcp";

    MockOAuth2Server idp;
    CountingUpstream demo;
    CountingUpstream broken;
    GatewayUnderTest gw;
    String idpBase;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        idp = new MockOAuth2Server();
        idp.start(InetAddress.getByName("127.0.0.1"), 0);
        idpBase = "http://127.0.0.1:" + idp.baseUrl().port();
        demo = new CountingUpstream();
        broken = new CountingUpstream();
        Files.writeString(dir.resolve("exchange-secret"), "gateway-secret\n");
        gw = new GatewayUnderTest("""
                server: {host: 127.0.0.1, port: 0, data_dir: data}
                environments: [dev]
                upstreams:
                  demo:
                    url: "%1$s"
                    timeout: 10s
                    credentials:
                      mode: token_exchange
                      token_endpoint: %3$s/default/token
                      client_id: portcullis
                      client_secret: {file: exchange-secret}
                      audience: %4$s
                  broken:
                    url: "%2$s"
                    timeout: 10s
                    credentials:
                      mode: token_exchange
                      token_endpoint: %3$s/default/no-such-endpoint
                      client_id: portcullis
                      audience: %4$s
                catalog:
                  tools:
                    demo__echo: {owner: devex, purpose: Echoes., risk: read_only}
                  resources:
                    "docs://*": {upstream: demo, owner: docs-team, purpose: The docs.}
                  prompts:
                    demo__greet: {owner: devex, purpose: Says hello.}
                    broken__greet: {owner: devex, purpose: Says hello.}
                identity:
                  max_token_lifetime: 1h
                  issuers:
                    - issuer: %3$s/default
                      discovery: %3$s/default/.well-known/openid-configuration
                """.formatted(demo.url(), broken.url(), idpBase, AUDIENCE), dir);
        io.portcullis.testing.Eventually.eventually(Duration.ofSeconds(60), "the issuer's keys are fetched", this::keysReady);
    }

    private boolean keysReady() throws Exception {
        ObjectNode init = GatewayUnderTest.request(1, "initialize");
        init.putObject("params").put("protocolVersion", "2025-11-25").putObject("capabilities");
        ((ObjectNode) init.get("params")).putObject("clientInfo").put("name", "warm-up").put("version", "1");
        return gw.post("/mcp", token("warm-up"), null, init).status() != 503;
    }

    @AfterAll
    void stop() throws Exception {
        gw.close();
        demo.close();
        broken.close();
        idp.shutdown();
    }

    String token(String subject) {
        Map<String, Object> claims = new HashMap<>();
        claims.put("iss", idpBase + "/default");
        claims.put("scope", "openid mcp:tools");
        return idp.issueToken("default", subject, gw.gateway.identity().resource("dev"), claims, 600).serialize();
    }

    GatewayUnderTest.Reply send(String token, String session, String method, ObjectNode params) throws Exception {
        ObjectNode msg = GatewayUnderTest.request(7, method);
        msg.set("params", params);
        return gw.post("/mcp", token, session, msg);
    }

    GatewayUnderTest.Reply read(String token, String session, String uri) throws Exception {
        return send(token, session, "resources/read", Json.object().put("uri", uri));
    }

    GatewayUnderTest.Reply prompt(String token, String session, String name, String who) throws Exception {
        ObjectNode p = Json.object().put("name", name);
        p.putObject("arguments").put("who", who);
        return send(token, session, "prompts/get", p);
    }

    GatewayUnderTest.Reply complete(String token, String session, String value) throws Exception {
        ObjectNode p = Json.object();
        p.putObject("ref").put("type", "ref/prompt").put("name", "demo__greet");
        p.putObject("argument").put("name", "who").put("value", value);
        return send(token, session, "completion/complete", p);
    }

    /** A task-augmented tools/call (the upstream answers with task {@code task-<message>}), then its tasks/result. */
    GatewayUnderTest.Reply taskResult(String token, String session, String message) throws Exception {
        ObjectNode p = Json.object().put("name", "demo__echo");
        p.putObject("arguments").put("message", message);
        p.putObject("task").put("ttl", 60_000);
        GatewayUnderTest.Reply created = send(token, session, "tools/call", p);
        assertThat(created.body()).as("the upstream's task").contains("task-" + message);
        return send(token, session, "tasks/result", Json.object().put("taskId", "task-" + message));
    }

    /** The subject and audience of the token a recorded request carried; never the caller's own token. */
    static void carriedExchangedTokenOf(String authorization, String caller, String callersOwnToken) throws Exception {
        assertThat(authorization).startsWith("Bearer ").isNotEqualTo("Bearer " + callersOwnToken);
        var claims = SignedJWT.parse(authorization.substring("Bearer ".length())).getJWTClaimsSet();
        assertThat(claims.getSubject()).isEqualTo(caller);
        assertThat(claims.getAudience()).containsExactly(AUDIENCE);
    }

    @Test
    void eachReadCarriesItsOwnCallersExchangedToken() throws Exception {
        String alice = token("alice");
        String bob = token("bob");
        String sa = gw.open("/mcp", alice);
        String sb = gw.open("/mcp", bob);
        for (String[] user : List.of(new String[] {"alice", alice, sa}, new String[] {"bob", bob, sb})) {
            String name = user[0];
            assertThat(read(user[1], user[2], "docs://rr-" + name).body()).contains("read docs://rr-" + name);
            assertThat(prompt(user[1], user[2], "demo__greet", "pg-" + name).body()).contains("hello pg-" + name);
            assertThat(complete(user[1], user[2], "cc-" + name).body()).contains("cc-" + name + "-done");
            assertThat(taskResult(user[1], user[2], "tr-" + name).body()).contains("result of task-tr-" + name)
                    .doesNotContain("isError\":true");
        }
        for (String marker : List.of("docs://rr-", "pg-", "cc-", "task-tr-")) {
            carriedExchangedTokenOf(demo.authorizationOf(marker + "alice"), "alice", alice);
            carriedExchangedTokenOf(demo.authorizationOf(marker + "bob"), "bob", bob);
            assertThat(demo.authorizationOf(marker + "alice")).as(marker).isNotEqualTo(demo.authorizationOf(marker + "bob"));
        }
        // the read's audit record carries the delegation, never a token
        JsonNode rec = record("resource_read", "docs://rr-alice");
        assertThat(rec.path("delegation").path("mode").asString()).isEqualTo("token_exchange");
        assertThat(rec.path("delegation").path("token_subject").asString()).isEqualTo("alice");
        assertThat(rec.path("delegation").path("token_sha256_prefix").asString())
                .isEqualTo(SubjectToken.hashPrefix(demo.authorizationOf("docs://rr-alice").substring("Bearer ".length())));
        assertThat(rec.toString()).doesNotContain(alice).doesNotContain(demo.authorizationOf("docs://rr-alice").substring(7));
        assertThat(record("prompt_get", "pg-bob").path("delegation").path("token_subject").asString()).isEqualTo("bob");
        assertThat(completionOf("bob").path("delegation").path("token_subject").asString()).isEqualTo("bob");
        assertThat(record("task_result", "task-tr-alice").path("delegation").path("token_subject").asString()).isEqualTo("alice");
    }

    /** Fail closed (#16 item 6): an exchange the IdP refuses refuses the prompt, control credentials; nothing reaches the upstream. */
    @Test
    void aFailedExchangeRefusesTheReadAndSendsNothing() throws Exception {
        String carol = token("carol");
        String s = gw.open("/mcp", carol);
        int before = broken.calls();
        GatewayUnderTest.Reply r = prompt(carol, s, "broken__greet", "pg-carol");
        assertThat(r.body()).contains("credentials").doesNotContain(carol).doesNotContain("hello pg-carol");
        assertThat(Json.MAPPER.readTree(r.body()).path("error").path("data").path("control").asString()).as(r.body())
                .isEqualTo("credentials");
        assertThat(broken.calls()).as("the upstream was not called").isEqualTo(before);
        assertThat(broken.authorizationOf("pg-carol")).isNull();
        JsonNode rec = record("prompt_get", "pg-carol");
        assertThat(rec.path("decision").path("control").asString()).isEqualTo("credentials");
        assertThat(rec.path("decision").path("outcome").asString()).isEqualTo("refused");
    }

    /** The one completion record of {@code user} (a completion's record names its prompt, not the value completed). */
    JsonNode completionOf(String user) {
        List<ObjectNode> found = gw.gateway.audit().query().search(new AuditQuery.Filter(user, null, null, null, null, null, "completion", 10_000));
        assertThat(found).as("completion records of " + user).hasSize(1);
        return found.getFirst();
    }

    /** The one record of {@code kind} whose text contains {@code marker}. */
    JsonNode record(String kind, String marker) {
        List<ObjectNode> found = gw.gateway.audit().query().search(new AuditQuery.Filter(null, null, null, null, null, null, kind, 10_000))
                .stream().filter(r -> r.toString().contains(marker)).toList();
        assertThat(found).as(kind + " records with " + marker).hasSize(1);
        return found.getFirst();
    }
}
