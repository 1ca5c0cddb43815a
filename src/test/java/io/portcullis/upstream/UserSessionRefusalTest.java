package io.portcullis.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.portcullis.call.GatewayException;
import io.portcullis.identity.Principal;
import io.portcullis.protocol.Json;
import io.portcullis.settings.UpstreamConfig;
import io.portcullis.settings.UpstreamCredentials;
import io.portcullis.settings.UpstreamRoots;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.client.HttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;

/**
 * Issue 17 (task h8): a per-user upstream connection the upstream refuses as it starts (401/403 to the user's token
 * on {@code server/discover}, {@code initialize} or {@code tools/list}) fails the caller at once with the refusal
 * (control {@code credentials}), or with the consent link when the 403 made a step-up due, instead of the caller
 * waiting out the upstream's timeout while the connection retries with the same token. The upstream here is a
 * real HTTP server on 127.0.0.1 and the connection the gateway's own (supervisor, HTTP transport); the upstream's
 * timeout is an hour, so only the refusal path can end {@code route} (the class timeout only guards against a hang).
 */
@Timeout(120)
class UserSessionRefusalTest {
    private HttpServer server;
    private HttpClient http;
    private final List<String> methods = new CopyOnWriteArrayList<>();
    private final List<String> authorizations = new CopyOnWriteArrayList<>();
    private final List<String> stepUps = new CopyOnWriteArrayList<>();
    /** How the upstream answers: "403-scope" every request, "401-init", "403-list" after a good handshake, "500". */
    private volatile String mode;
    private final Principal alice = new Principal("alice", Principal.Kind.USER, "alice", List.of(), "cli", "test", "jwt",
            null, null, "https://sso.example", null, List.of());

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/mcp", this::handle);
        server.start();
        http = Upstream.httpClient();
    }

    @AfterEach
    void stop() throws Exception {
        http.stop();
        server.stop(0);
    }

    private void handle(HttpExchange ex) throws IOException {
        String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        if (!"POST".equals(ex.getRequestMethod())) {
            send(ex, 405, "", null);
            return;
        }
        JsonNode msg = Json.parse(body);
        String method = msg.path("method").asString("");
        methods.add(method);
        authorizations.add(String.valueOf(ex.getRequestHeaders().getFirst("Authorization")));
        switch (mode) {
            case "403-scope" -> send(ex, 403, "{\"error\":\"insufficient_scope\"}",
                    "Bearer error=\"insufficient_scope\", scope=\"mcp:admin\", error_description=\"never enough\"");
            case "401-init" -> send(ex, 401, "{\"error\":\"invalid_token\"}", "Bearer error=\"invalid_token\"");
            case "500" -> send(ex, 500, "{}", null);
            default -> { // 403-list: the handshake passes, the listing is refused
                if (method.equals("initialize")) {
                    ex.getResponseHeaders().add("Mcp-Session-Id", "s1");
                    send(ex, 200, "{\"jsonrpc\":\"2.0\",\"id\":" + msg.get("id") + ",\"result\":{\"protocolVersion\":\"2025-11-25\","
                            + "\"capabilities\":{\"tools\":{}},\"serverInfo\":{\"name\":\"s\",\"version\":\"1\"}}}", null);
                } else if (method.startsWith("notifications/")) {
                    send(ex, 202, "", null);
                } else {
                    send(ex, 403, "{\"error\":\"forbidden\"}", null);
                }
            }
        }
    }

    private static void send(HttpExchange ex, int status, String body, String challenge) throws IOException {
        if (challenge != null) {
            ex.getResponseHeaders().add("WWW-Authenticate", challenge);
        }
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        if (!body.isEmpty()) {
            ex.getResponseHeaders().add("Content-Type", "application/json");
        }
        ex.sendResponseHeaders(status, b.length == 0 ? -1 : b.length);
        if (b.length > 0) {
            ex.getResponseBody().write(b);
        }
        ex.close();
    }

    /** The requests the upstream got (notifications are sent without waiting: one may land late). */
    private List<String> requests() {
        return methods.stream().filter(m -> !m.startsWith("notifications/")).toList();
    }

    private UpstreamConfig config(UpstreamConfig.Protocol protocol) {
        UpstreamCredentials c = new UpstreamCredentials(UpstreamCredentials.Mode.TOKEN_EXCHANGE, "aud", URI.create("http://127.0.0.1:1/token"),
                "gw", null, null, null, null, null, null, null, 10, Duration.ofMinutes(10));
        return new UpstreamConfig("crm", UpstreamConfig.Transport.HTTP, List.of(), Map.of(), null,
                URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/mcp"), Map.of(), "crm", Duration.ofHours(1),
                "2025-11-25", protocol, UpstreamConfig.Stdio.DEFAULTS, UpstreamRoots.NONE, null, null, c);
    }

    /** The credentials layer: alice's token; once the upstream asked for more scope, her lease is the consent link. */
    private UserSessions sessions() {
        AtomicBoolean due = new AtomicBoolean();
        return new UserSessions((u, caller) -> {
            if (due.get()) {
                throw new GatewayException.Refused("credentials", "credentials: upstream crm asks for more scope (mcp:admin): open the link");
            }
            return new UserSessions.Lease(UserSessionsTest.key(caller.subject()), new UserToken() {
                @Override
                public String authorization() {
                    return "Bearer token-of-" + caller.subject();
                }

                @Override
                public void insufficientScope(String scope) {
                    stepUps.add(scope);
                    due.set(true);
                }
            });
        }, http);
    }

    @Test
    void aStepUpOnTheProbeAnswersTheConsentLinkAtOnceAndTheConnectionIsNotRetried() throws Exception {
        mode = "403-scope";
        try (UserSessions sessions = sessions()) {
            Upstream shared = sessions.attach(new Upstream(config(UpstreamConfig.Protocol.AUTO), upstream -> { }, null));
            assertThatThrownBy(() -> sessions.route(shared, alice))
                    .isInstanceOf(GatewayException.Refused.class)
                    .satisfies(e -> assertThat(((GatewayException.Refused) e).control()).isEqualTo("credentials"))
                    .hasMessageContaining("asks for more scope (mcp:admin): open the link");
            assertThat(stepUps).as("the step-up told to the credentials layer once").containsExactly("mcp:admin");
            assertThat(methods).as("one request, no retry with the same token").containsExactly("server/discover");
            assertThat(authorizations).containsExactly("Bearer token-of-alice");
            assertThat(sessions.isOpen(UserSessionsTest.key("alice"))).as("the refused connection is gone").isFalse();
        }
    }

    @Test
    void aRefusedListingAfterTheHandshakeIsTheCallersRefusal() throws Exception {
        mode = "403-list";
        try (UserSessions sessions = sessions()) {
            Upstream shared = sessions.attach(new Upstream(config(UpstreamConfig.Protocol.LEGACY), upstream -> { }, null));
            assertThatThrownBy(() -> sessions.route(shared, alice))
                    .isInstanceOf(GatewayException.Refused.class)
                    .satisfies(e -> assertThat(((GatewayException.Refused) e).control()).isEqualTo("credentials"))
                    .hasMessage("credentials: upstream crm refused the user's token (HTTP 403)");
            assertThat(requests()).containsExactly("initialize", "tools/list");
            assertThat(stepUps).as("a plain 403 is no step-up").isEmpty();
            // the next call opens a new connection (the upstream is asked again, once)
            methods.clear();
            assertThatThrownBy(() -> sessions.route(shared, alice)).isInstanceOf(GatewayException.Refused.class);
            assertThat(requests()).containsExactly("initialize", "tools/list");
        }
    }

    @Test
    void a401ToInitializeIsTheCallersRefusal() throws Exception {
        mode = "401-init";
        try (UserSessions sessions = sessions()) {
            Upstream shared = sessions.attach(new Upstream(config(UpstreamConfig.Protocol.LEGACY), upstream -> { }, null));
            assertThatThrownBy(() -> sessions.route(shared, alice))
                    .isInstanceOf(GatewayException.Refused.class)
                    .hasMessage("credentials: upstream crm refused the user's token (HTTP 401)");
            assertThat(methods).containsExactly("initialize");
        }
    }

    @Test
    void anotherFailureToStartIsToldAtOnceAndTheConnectionKeepsRetrying() throws Exception {
        mode = "500";
        try (UserSessions sessions = sessions()) {
            Upstream shared = sessions.attach(new Upstream(config(UpstreamConfig.Protocol.LEGACY), upstream -> { }, null));
            assertThatThrownBy(() -> sessions.route(shared, alice))
                    .isInstanceOf(GatewayException.UpstreamFailure.class)
                    .hasMessageContaining("is not available").hasMessageContaining("HTTP 500").hasMessageNotContaining("is starting");
            assertThat(sessions.isOpen(UserSessionsTest.key("alice"))).as("not a refusal: kept, retried with backoff").isTrue();
        }
    }
}
