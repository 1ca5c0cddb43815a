package io.portcullis.identity;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.audit.AuditQuery;
import io.portcullis.it.JvmPeers;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * #16 "How it is shown", the faults, through the real gateway, mode {@code token_exchange}
 * (checklist C1.2; #16 item 6, fail closed): the IdP is mock-oauth2-server in a process of its own
 * ({@link IdpProcess}).
 * <ul>
 *   <li>the IdP returns an exchanged token for the wrong audience (a token callback of its config) →
 *       the call is refused, control {@code credentials}, and nothing reaches the upstream;</li>
 *   <li>the IdP is stopped mid-run (killed by its PID) → a call that needs an exchange is refused,
 *       control {@code credentials}, naming the unreachable IdP; nothing reaches the upstream.</li>
 * </ul>
 * (user_oauth's faults, an expired or revoked refresh token, an unreachable authorization server,
 * a refreshed token for the wrong audience: {@code UserOAuthFaultsIT} against a real authorization
 * server, {@code UserGrantsTest} against a stubbed one.)
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CredentialFaultsIT {
    static final String AUDIENCE = "https://demo-upstream.example/mcp";
    /** Every token the issuer {@code wrongaud} issues, exchanged ones included, names another audience. */
    static final String IDP_CONFIG = """
            {"interactiveLogin": false, "tokenCallbacks": [{"issuerId": "wrongaud", "tokenExpiry": 300,
              "requestMappings": [{"requestParam": "grant_type", "match": ".*",
                "claims": {"sub": "somebody", "aud": ["https://other.example/mcp"]}}]}]}
            """.replace("\n", " ");

    Process idp;
    BufferedReader idpOut;
    Writer idpIn;
    String idpBase;
    CountingUpstream demo;
    CountingUpstream wrong;
    GatewayUnderTest gw;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        idp = new ProcessBuilder(JvmPeers.testMain(IdpProcess.class, IDP_CONFIG)).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        idpOut = new BufferedReader(new InputStreamReader(idp.getInputStream(), StandardCharsets.UTF_8));
        idpIn = new java.io.OutputStreamWriter(idp.getOutputStream(), StandardCharsets.UTF_8);
        String first = idpOut.readLine();
        assertThat(first).as("the IdP process's first line").startsWith("port ");
        idpBase = "http://127.0.0.1:" + first.substring("port ".length()).trim();
        demo = new CountingUpstream();
        wrong = new CountingUpstream();
        Files.writeString(dir.resolve("exchange-secret"), "gateway-secret\n");
        gw = new GatewayUnderTest("""
                server: {host: 127.0.0.1, port: 0, data_dir: data}
                environments: [dev]
                upstreams:
                  demo:
                    url: "%1$s"
                    timeout: 5s
                    credentials:
                      mode: token_exchange
                      token_endpoint: %3$s/default/token
                      client_id: portcullis
                      client_secret: {file: exchange-secret}
                      audience: %4$s
                  wrong:
                    url: "%2$s"
                    timeout: 5s
                    credentials:
                      mode: token_exchange
                      token_endpoint: %3$s/wrongaud/token
                      client_id: portcullis
                      client_secret: {file: exchange-secret}
                      audience: %4$s
                identity:
                  max_token_lifetime: 1h
                  issuers:
                    - issuer: %3$s/default
                      discovery: %3$s/default/.well-known/openid-configuration
                """.formatted(demo.url(), wrong.url(), idpBase, AUDIENCE), dir);
        io.portcullis.testing.Eventually.eventually(Duration.ofSeconds(60), "the issuer's keys are fetched", () -> {
            ObjectNode init = GatewayUnderTest.request(1, "initialize");
            init.putObject("params").put("protocolVersion", "2025-11-25").putObject("capabilities");
            ((ObjectNode) init.get("params")).putObject("clientInfo").put("name", "warm-up").put("version", "1");
            return gw.post("/mcp", token("warm-up"), null, init).status() != 503;
        });
    }

    @AfterAll
    void stop() throws Exception {
        gw.close();
        demo.close();
        wrong.close();
        if (idp.isAlive()) {
            idp.destroy();
            idp.waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** A token of issuer {@code default} for the gateway, issued by the IdP process. */
    String token(String subject) throws Exception {
        idpIn.write("token default " + subject + " " + gw.gateway.identity().resource("dev") + "\n");
        idpIn.flush();
        return idpOut.readLine();
    }

    GatewayUnderTest.Reply call(String token, String session, String tool, String message) throws Exception {
        ObjectNode call = GatewayUnderTest.request(2, "tools/call");
        call.putObject("params").put("name", tool).putObject("arguments").put("message", message);
        return gw.post("/mcp", token, session, call);
    }

    JsonNode outcome(String marker) {
        List<ObjectNode> found = gw.gateway.audit().query().search(new AuditQuery.Filter(null, null, null, null, null, null, "call", 10_000))
                .stream().filter(r -> r.path("arguments").toString().contains(marker)).toList();
        assertThat(found).as("outcome records with " + marker).hasSize(1);
        return found.getFirst();
    }

    void refusedByCredentials(GatewayUnderTest.Reply r, String marker, String token, String reason) {
        assertThat(r.body()).contains("isError\":true").contains("credentials").contains(reason)
                .doesNotContain(token).doesNotContain("\\n");
        JsonNode rec = outcome(marker);
        assertThat(rec.path("decision").path("control").asString()).isEqualTo("credentials");
        assertThat(rec.path("decision").path("outcome").asString()).isEqualTo("refused");
        assertThat(rec.toString()).doesNotContain(token);
    }

    /** The IdP answers the exchange with a token for another audience: never sent. */
    @Test
    @Order(1)
    void aTokenForTheWrongAudienceIsRefusedAndNothingIsSent() throws Exception {
        String alice = token("alice");
        String s = gw.open("/mcp", alice);
        int before = wrong.calls();
        refusedByCredentials(call(alice, s, "wrong__echo", "fault-aud-alice"), "fault-aud-alice", alice, "wrong audience");
        assertThat(wrong.calls()).as("the upstream was not called").isEqualTo(before);
        assertThat(wrong.authorizationOf("fault-aud-alice")).isNull();
    }

    /** The IdP goes down mid-run: an exchange that has to be made now fails, the call is refused, nothing is sent. */
    @Test
    @Order(2)
    void theIdpStoppedMidRunRefusesTheCallAndSendsNothing() throws Exception {
        String bob = token("bob");
        String carol = token("carol");
        String sb = gw.open("/mcp", bob);
        String sc = gw.open("/mcp", carol);
        assertThat(call(bob, sb, "demo__echo", "fault-up-bob").body()).contains("fault-up-bob").doesNotContain("isError\":true");
        assertThat(demo.authorizationOf("fault-up-bob")).startsWith("Bearer ").isNotEqualTo("Bearer " + bob);

        long pid = idp.pid();
        ProcessHandle.of(pid).orElseThrow().destroy(); // stopped by its PID
        assertThat(idp.waitFor(30, TimeUnit.SECONDS)).as("the IdP process %d ended", pid).isTrue();

        int before = demo.calls();
        refusedByCredentials(call(carol, sc, "demo__echo", "fault-down-carol"), "fault-down-carol", carol, "could not be reached");
        assertThat(demo.calls()).as("the upstream was not called").isEqualTo(before);
        assertThat(demo.authorizationOf("fault-down-carol")).isNull();
        // a token exchanged before the IdP went down stays in use until shortly before it expires
        assertThat(call(bob, sb, "demo__echo", "fault-up-bob-2").body()).contains("fault-up-bob-2").doesNotContain("isError\":true");
        assertThat(demo.authorizationOf("fault-up-bob-2")).isEqualTo(demo.authorizationOf("fault-up-bob"));
    }
}
