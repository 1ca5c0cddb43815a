package io.portcullis.identity;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.it.LogLines;
import io.portcullis.testing.Eventually;
import io.portcullis.upstream.Upstream;
import java.net.InetAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import okhttp3.mockwebserver.RecordedRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.node.ObjectNode;

/**
 * Issue 17 item 1 (C1.4, C1.2): the gateway's own upstream client talks to an OAuth-protected MCP
 * upstream with {@code credentials: {mode: oauth}}. The upstream is a second real Portcullis that
 * requires tokens of mock-oauth2-server (its 401 carries the {@code resource_metadata} hint, its
 * protected-resource metadata names the IdP); the gateway under test discovers it from that 401,
 * gets a client-credentials token for the upstream's resource (RFC 8707) and sends it on the whole
 * connection. Fail closed: metadata about another resource is refused before any token is asked
 * for, and a user principal may not use the gateway's service identity without the config's exception.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UpstreamOAuthIT {
    MockOAuth2Server idp;
    String issuer;
    CountingUpstream backend;
    GatewayUnderTest remote;
    GatewayUnderTest gw;
    String remoteResource;
    final List<RecordedRequest> idpRequests = new ArrayList<>();

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        idp = new MockOAuth2Server();
        idp.start(InetAddress.getByName("127.0.0.1"), 0);
        issuer = "http://127.0.0.1:" + idp.baseUrl().port() + "/default";
        backend = new CountingUpstream();
        Path remoteDir = Files.createDirectories(dir.resolve("remote"));
        remote = new GatewayUnderTest("""
                server: {host: 127.0.0.1, port: 0, data_dir: data}
                upstreams:
                  demo: {url: "%s", timeout: 10s}
                identity:
                  api_keys: false
                  issuers:
                    - issuer: %s
                      discovery: %s/.well-known/openid-configuration
                      kind: service
                """.formatted(backend.url(), issuer, issuer), remoteDir);
        remoteResource = remote.gateway.identity().resource("default");
        Eventually.eventually(Duration.ofSeconds(60), "the remote gateway has the IdP's keys", this::keysReady);
        // mock-oauth2-server ignores RFC 8707's resource (real IdPs put it in aud): say what it should issue, once per token request
        for (int i = 0; i < 4; i++) {
            idp.enqueueCallback(new DefaultOAuth2TokenCallback("default", "gateway-a", "JWT", List.of(remoteResource), Map.of(), 3600L));
        }
        Files.writeString(dir.resolve("client-secret"), "gateway-a-secret\n");
        String localhostUrl = remoteResource.replace("127.0.0.1", "localhost");
        gw = new GatewayUnderTest("""
                server: {host: 127.0.0.1, port: 0, data_dir: data}
                upstreams:
                  remote:
                    url: "%1$s"
                    timeout: 10s
                    credentials: {mode: oauth, client_id: gateway-a, client_secret: {file: client-secret}, allow_users: "UpstreamOAuthIT: the open gateway's callers are users"}
                  strict:
                    url: "%1$s"
                    timeout: 10s
                    credentials: {mode: oauth, client_id: gateway-a, client_secret: {file: client-secret}}
                  mismatch:
                    url: "%2$s"
                    timeout: 10s
                    credentials: {mode: oauth, client_id: gateway-a, client_secret: {file: client-secret}}
                """.formatted(remoteResource, localhostUrl), dir, java.net.http.HttpClient.newBuilder().build(), false);
        for (String name : List.of("remote", "strict")) {
            Upstream u = gw.gateway.upstream(name).orElseThrow();
            Eventually.eventually(Duration.ofSeconds(60), () -> assertThat(u.state()).as("upstream %s: %s", name, u.lastError())
                    .isEqualTo(Upstream.State.READY));
        }
    }

    private boolean keysReady() throws Exception {
        ObjectNode init = GatewayUnderTest.request(1, "initialize");
        init.putObject("params").put("protocolVersion", "2025-11-25").putObject("capabilities");
        ((ObjectNode) init.get("params")).putObject("clientInfo").put("name", "warm-up").put("version", "1");
        Map<String, Object> claims = new HashMap<>();
        String token = idp.issueToken("default", "warm-up", remoteResource, claims, 600).serialize();
        return remote.post("/mcp", token, null, init).status() != 503;
    }

    @AfterAll
    void stop() throws Exception {
        if (gw != null) {
            gw.close();
        }
        remote.close();
        backend.close();
        idp.shutdown();
    }

    /** Every request the IdP received so far (each is taken off its queue once, kept here). */
    synchronized List<RecordedRequest> idpRequests() throws Exception {
        while (true) {
            try { // the mock throws when its queue is empty (after the short poll)
                idpRequests.add(idp.takeRequest(100, TimeUnit.MILLISECONDS));
            } catch (RuntimeException empty) {
                return idpRequests;
            }
        }
    }

    List<String> tokenRequestBodies() throws Exception {
        return idpRequests().stream().filter(r -> "POST".equals(r.getMethod()) && String.valueOf(r.getPath()).endsWith("/token"))
                .map(r -> r.getBody().clone().readUtf8()).toList();
    }

    ObjectNode callThroughGateway(String tool, String message) throws Exception {
        String session = gw.open("/mcp", null);
        ObjectNode call = GatewayUnderTest.request(2, "tools/call");
        call.putObject("params").put("name", tool).putObject("arguments").put("message", message);
        return (ObjectNode) gw.post("/mcp", null, session, call).json();
    }

    /** #17 item 1: discovered from the 401, a client-credentials token for the upstream's resource, on every request. */
    @Test
    void item1_theGatewayReachesAnOAuthProtectedUpstreamWithItsOwnClientCredentialsToken() throws Exception {
        try (LogLines calls = new LogLines("portcullis.calls")) {
            ObjectNode answer = callThroughGateway("remote__demo__echo", "oauth-upstream-1");
            assertThat(answer.toString()).contains("oauth-upstream-1").doesNotContain("isError\":true");
            // the remote gateway verified the token: the caller it saw is the gateway's own client, a service
            assertThat(calls.lines()).anySatisfy(l -> assertThat(l).contains("subject=gateway-a", "auth=jwt", "principal_kind=service",
                    "outcome=ok"));
        }
        List<String> bodies = tokenRequestBodies();
        String resource = "resource=" + URLEncoder.encode(remoteResource, StandardCharsets.UTF_8);
        assertThat(bodies).as("token requests").isNotEmpty().allSatisfy(b -> assertThat(b).contains("grant_type=client_credentials")
                .contains(resource));
        // client_secret_basic: the secret went in the Authorization header, never in the body
        assertThat(idpRequests()).filteredOn(r -> String.valueOf(r.getPath()).endsWith("/token")).allSatisfy(r ->
                assertThat(r.getHeader("Authorization")).isEqualTo("Basic "
                        + Base64.getEncoder().encodeToString("gateway-a:gateway-a-secret".getBytes(StandardCharsets.UTF_8))));
        assertThat(bodies).noneSatisfy(b -> assertThat(b).contains("gateway-a-secret"));
    }

    /** #17 item 1 + item 4: metadata about another resource is refused (control credentials), and no token is asked for it. */
    @Test
    void item4_metadataForAnotherResourceIsRefusedAndNoTokenIsRequestedForIt() throws Exception {
        Upstream u = gw.gateway.upstream("mismatch").orElseThrow();
        Eventually.eventually(Duration.ofSeconds(60), () -> assertThat(u.lastError()).as("state %s", u.state()).isNotNull()
                .contains("credentials: refused: the protected-resource metadata is for").doesNotContain("\n"));
        assertThat(u.state()).isNotEqualTo(Upstream.State.READY);
        assertThat(tokenRequestBodies()).noneSatisfy(b -> assertThat(b).contains("localhost"));
    }

    /** C1.2, as for mode service: a user principal may not use the gateway's own identity without the config's exception. */
    @Test
    void aUserPrincipalIsRefusedTheServiceIdentityWithoutTheException() throws Exception {
        ObjectNode answer = callThroughGateway("strict__demo__echo", "oauth-upstream-strict");
        assertThat(answer.toString()).contains("isError\":true").contains("credentials").contains("only service principals");
        assertThat(backend.authorizationOf("oauth-upstream-strict")).isNull();
    }
}
