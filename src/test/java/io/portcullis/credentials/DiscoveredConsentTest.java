package io.portcullis.credentials;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.portcullis.identity.Principal;
import io.portcullis.settings.UpstreamConfig.HeaderSource;
import io.portcullis.settings.UpstreamCredentials;
import io.portcullis.store.Store;
import io.portcullis.store.StoreConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17 (task h3 items 1, 2): {@code user_oauth} without configured endpoints. The consent link's
 * redirect is built from what the shared OAuth client discovered at the upstream (its 401 challenge,
 * the protected-resource and authorization server metadata) and the client it registered (RFC 7591,
 * the gateway's callback as redirect URI); the code is redeemed for the discovered resource and the
 * grant is the linked caller's alone; metadata about another resource is refused before any
 * registration, authorization or token request. The upstream and its authorization server are one
 * HTTP server in this test; the suite's real one is {@code ConformanceGatewayClientIT} (auth/metadata-default).
 */
class DiscoveredConsentTest {
    static final Principal ALICE = new Principal("alice", Principal.Kind.USER, "Alice", List.of(), "client", "dev", "jwt", "j1",
            null, "https://sso.example", null, List.of());
    static final Principal BOB = new Principal("bob", Principal.Kind.USER, "Bob", List.of(), "client", "dev", "jwt", "j2",
            null, "https://sso.example", null, List.of());

    @TempDir
    Path dir;
    Store store;
    HttpServer server;
    String base;
    String prmResource;
    final List<String> requests = new CopyOnWriteArrayList<>();
    final List<String> bodies = new CopyOnWriteArrayList<>();
    UserGrants grants;

    @BeforeEach
    void start() throws Exception {
        store = Store.open(new StoreConfig(null, dir, 2));
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        base = "http://127.0.0.1:" + server.getAddress().getPort();
        prmResource = base + "/mcp";
        server.createContext("/", this::serve);
        server.start();
        byte[] k = new byte[32];
        new java.security.SecureRandom().nextBytes(k);
        Path kek = Files.writeString(dir.resolve("kek"), Base64.getEncoder().encodeToString(k));
        grants = new UserGrants(store, Clock.systemUTC(), () -> "http://127.0.0.1:9");
        grants.apply(new VaultConfig(new HeaderSource(null, kek, ""), null));
    }

    @AfterEach
    void stop() {
        server.stop(0);
        store.close();
    }

    private void serve(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath();
        String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        requests.add(ex.getRequestMethod() + " " + path);
        bodies.add(body);
        String json = switch (path) {
            case "/mcp" -> {
                ex.getResponseHeaders().add("WWW-Authenticate",
                        "Bearer resource_metadata=\"" + base + "/.well-known/oauth-protected-resource/mcp\", scope=\"tickets:read\"");
                yield null;
            }
            case "/.well-known/oauth-protected-resource/mcp" -> "{\"resource\":\"" + prmResource + "\",\"authorization_servers\":[\""
                    + base + "/as\"],\"scopes_supported\":[\"tickets:read\",\"tickets:write\"]}";
            case "/.well-known/oauth-authorization-server/as" -> "{\"issuer\":\"" + base + "/as\",\"authorization_endpoint\":\"" + base
                    + "/as/authorize\",\"token_endpoint\":\"" + base + "/as/token\",\"registration_endpoint\":\"" + base
                    + "/as/register\",\"scopes_supported\":[\"tickets:read\",\"offline_access\"]}";
            case "/as/register" -> "{\"client_id\":\"registered-42\",\"token_endpoint_auth_method\":\"none\"}";
            case "/as/token" -> "{\"access_token\":\"at-alice\",\"token_type\":\"Bearer\",\"expires_in\":3600,\"refresh_token\":\"rt\"}";
            default -> "";
        };
        byte[] b = json == null ? new byte[0] : json.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(json == null ? 401 : json.isEmpty() ? 404 : path.endsWith("register") ? 201 : 200, b.length == 0 ? -1 : b.length);
        if (b.length > 0) {
            ex.getResponseBody().write(b);
        }
        ex.close();
    }

    static UpstreamCredentials discovered() {
        return new UpstreamCredentials(UpstreamCredentials.Mode.USER_OAUTH, null, null, null, null, null, null, null, null, null, null,
                null, null, 0, null, null);
    }

    private String ticket(Principal who) {
        String link = assertRefusal(who).link();
        return link.substring(link.indexOf("ticket=") + 7);
    }

    private UserGrants.Refusal assertRefusal(Principal who) {
        try {
            grants.delegation("tickets", discovered(), who, Duration.ofSeconds(5));
        } catch (UserGrants.Refusal r) {
            return r;
        }
        throw new AssertionError("expected a consent refusal");
    }

    static Map<String, String> query(URI u) {
        Map<String, String> q = new LinkedHashMap<>();
        for (String p : u.getRawQuery().split("&")) {
            String[] kv = p.split("=", 2);
            q.put(kv[0], URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
        }
        return q;
    }

    @Test
    void theConsentLinkCarriesTheDiscoveredClientScopeAndResourceAndTheGrantIsTheLinkedCallersAlone() throws Exception {
        ConsentFlow flow = grants.flow();
        URI to = flow.begin("tickets", ticket(ALICE), discovered(), URI.create(base + "/mcp"), Duration.ofSeconds(5));
        Map<String, String> q = query(to);
        assertThat(to.toString()).startsWith(base + "/as/authorize?");
        assertThat(q).containsEntry("client_id", "registered-42")          // RFC 7591, registered here
                .containsEntry("scope", "tickets:read offline_access")     // the challenge's scope (not scopes_supported) + offline_access
                .containsEntry("resource", base + "/mcp")                   // RFC 8707
                .containsEntry("code_challenge_method", "S256")
                .containsEntry("redirect_uri", "http://127.0.0.1:9/oauth/callback")
                .containsKeys("code_challenge", "state");
        assertThat(bodies.get(requests.indexOf("POST /as/register"))).contains("\"redirect_uris\":[\"http://127.0.0.1:9/oauth/callback\"]");
        assertThat(requests).doesNotContain("POST /as/token");

        // the state is bound to alice, who got the ticket: the grant becomes hers, bob still has none
        assertThat(flow.finish(q.get("state"), "code-1", discovered(), Duration.ofSeconds(5))).isEqualTo("alice");
        String tokenRequest = bodies.get(requests.indexOf("POST /as/token"));
        assertThat(tokenRequest).contains("grant_type=authorization_code", "code_verifier=", "client_id=registered-42",
                "resource=" + java.net.URLEncoder.encode(base + "/mcp", StandardCharsets.UTF_8));
        assertThat(grants.delegation("tickets", discovered(), ALICE, Duration.ofSeconds(5)).authorization()).isEqualTo("Bearer at-alice");
        assertThat(assertRefusal(BOB).getMessage()).contains("you have not connected your account").doesNotContain("at-alice");
        // a state is spent once
        assertThatThrownBy(() -> flow.finish(q.get("state"), "code-1", discovered(), Duration.ofSeconds(5)))
                .hasMessageContaining("unknown, used or expired");
    }

    @Test
    void metadataForAnotherResourceIsRefusedBeforeAnyRegistrationAuthorizationOrTokenRequest() {
        prmResource = "https://evil.example/mcp";
        assertThatThrownBy(() -> grants.flow().begin("tickets", ticket(ALICE), discovered(), URI.create(base + "/mcp"),
                Duration.ofSeconds(5)))
                .isInstanceOf(ConsentFlow.Failed.class).hasMessageContaining("refused: the protected-resource metadata is for "
                        + "https://evil.example/mcp");
        assertThat(requests).noneMatch(r -> r.startsWith("POST /as/"));
    }

    @Test
    void aLinkIsNeededBeforeTheGatewayDiscoversOrRegistersAnything() {
        assertThatThrownBy(() -> grants.flow().begin("tickets", "forged", discovered(), URI.create(base + "/mcp"), Duration.ofSeconds(5)))
                .hasMessageContaining("unknown, used or expired");
        assertThat(requests).isEmpty();
    }

    /** Issue 17 (task h3): a 403 insufficient_scope on alice's own connection asks her to consent to more, at most twice in a row. */
    @Test
    void aStepUpAsksForConsentToTheLargerScopeAndIsBounded() throws Exception {
        ConsentFlow flow = grants.flow();
        URI url = URI.create(base + "/mcp");
        URI first = flow.begin("tickets", ticket(ALICE), discovered(), url, Duration.ofSeconds(5));
        flow.finish(query(first).get("state"), "code-0", discovered(), Duration.ofSeconds(5));
        for (int i = 1; i <= StepUps.MAX; i++) {
            grants.stepUp("tickets", discovered(), ALICE, "tickets:read tickets:write");
            grants.stepUp("tickets", discovered(), ALICE, "tickets:write"); // refused again before she consents: the same step-up
            UserGrants.Refusal r = assertRefusal(ALICE);
            assertThat(r.getMessage()).contains("asks for more scope (tickets:read tickets:write)");
            URI again = flow.begin("tickets", r.link().substring(r.link().indexOf("ticket=") + 7), discovered(), url, Duration.ofSeconds(5));
            assertThat(query(again)).containsEntry("scope", "tickets:read offline_access tickets:write");
            flow.finish(query(again).get("state"), "code-" + i, discovered(), Duration.ofSeconds(5));
            assertThat(grants.delegation("tickets", discovered(), ALICE, Duration.ofSeconds(5)).authorization()).isEqualTo("Bearer at-alice");
        }
        grants.stepUp("tickets", discovered(), ALICE, "tickets:write");
        assertThatThrownBy(() -> grants.delegation("tickets", discovered(), ALICE, Duration.ofSeconds(5)))
                .hasMessageContaining("the gateway stops asking")
                .satisfies(e -> assertThat(((UserGrants.Refusal) e).link()).isNull());
        assertThat(assertRefusal(BOB).getMessage()).contains("you have not connected your account"); // bob's state is his own
    }
}
