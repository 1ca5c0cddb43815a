package io.portcullis.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.portcullis.protocol.Json;
import io.portcullis.protocol.Message;
import io.portcullis.settings.UpstreamConfig;
import io.portcullis.settings.UpstreamCredentials;
import io.portcullis.settings.UpstreamRoots;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.client.HttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

/**
 * Issue 17 item 1: the upstream HTTP transport with {@code credentials: {mode: oauth}} against an
 * in-process MCP server and authorization server. The MCP server's protected-resource metadata is
 * only where its 401 says ({@code resource_metadata}), so the discovery must start from the
 * challenge; a method that needs the {@code write} scope answers 403 {@code insufficient_scope}
 * (a step-up); one that refuses every token shows the bound on re-authorizations.
 */
class UpstreamAuthTest {
    private HttpServer server;
    private String base;
    private HttpClient client;
    private final List<String> tokenRequests = new CopyOnWriteArrayList<>();
    private final List<String> tokenAuthorizations = new CopyOnWriteArrayList<>();
    private final List<String> mcpAuthorizations = new CopyOnWriteArrayList<>();
    private final AtomicInteger issued = new AtomicInteger();
    private final BlockingQueue<ObjectNode> received = new LinkedBlockingQueue<>();
    private final BlockingQueue<String> failures = new LinkedBlockingQueue<>();

    @org.junit.jupiter.api.io.TempDir
    java.nio.file.Path dir;

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", this::handle);
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort();
        client = Upstream.httpClient();
    }

    @AfterEach
    void stop() throws Exception {
        client.stop();
        server.stop(0);
    }

    private void handle(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath();
        String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        switch (path) {
            case "/hint/prm" -> send(ex, 200, "{\"resource\":\"" + base + "/mcp\",\"authorization_servers\":[\"" + base + "\"],"
                    + "\"scopes_supported\":[\"read\",\"write\"]}", null);
            case "/.well-known/oauth-authorization-server" -> send(ex, 200, "{\"issuer\":\"" + base + "\",\"token_endpoint\":\"" + base
                    + "/token\",\"authorization_endpoint\":\"" + base + "/authorize\"}", null);
            case "/token" -> {
                tokenRequests.add(URLDecoder.decode(body, StandardCharsets.UTF_8));
                tokenAuthorizations.add(String.valueOf(ex.getRequestHeaders().getFirst("Authorization")));
                String scope = URLDecoder.decode(body, StandardCharsets.UTF_8).replaceAll(".*scope=([^&]*).*", "$1");
                String token = "tok" + issued.incrementAndGet() + (scope.contains("write") ? "-write" : "-read");
                send(ex, 200, "{\"access_token\":\"" + token + "\",\"token_type\":\"Bearer\",\"expires_in\":3600}", null);
            }
            case "/mcp" -> {
                String auth = ex.getRequestHeaders().getFirst("Authorization");
                mcpAuthorizations.add(String.valueOf(auth));
                ObjectNode msg = (ObjectNode) Json.parse(body);
                String method = msg.path("method").asString("");
                if (auth == null || "refuse-every-token".equals(method)) {
                    send(ex, 401, "", "Bearer resource_metadata=\"" + base + "/hint/prm\", scope=\"read\"");
                } else if ("needs-write".equals(method) && !auth.endsWith("-write")) {
                    send(ex, 403, "", "Bearer error=\"insufficient_scope\", scope=\"read write\"");
                } else {
                    send(ex, 200, Json.write(Message.result(msg.get("id"), Json.object().put("token", auth.substring(7)))), null);
                }
            }
            default -> send(ex, 404, "", null);
        }
    }

    private static void send(HttpExchange ex, int status, String body, String challenge) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        if (challenge != null) {
            ex.getResponseHeaders().set("WWW-Authenticate", challenge);
        }
        ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            ex.getResponseBody().write(bytes);
        }
        ex.close();
    }

    private HttpConnection connect() throws IOException {
        java.nio.file.Path secret = java.nio.file.Files.writeString(dir.resolve("secret"), "gw-secret\n");
        UpstreamCredentials c = new UpstreamCredentials(UpstreamCredentials.Mode.OAUTH, null, null, "gw",
                new UpstreamConfig.HeaderSource(null, secret, ""), null, null, null, null, null, null);
        UpstreamConfig cfg = new UpstreamConfig("up", UpstreamConfig.Transport.HTTP, List.of(), Map.of(), null, URI.create(base + "/mcp"),
                Map.of(), "up", Duration.ofSeconds(5), "2025-11-25", UpstreamConfig.Protocol.LEGACY, UpstreamConfig.Stdio.DEFAULTS,
                UpstreamRoots.NONE, null, null, c);
        HttpConnection conn = new HttpConnection(cfg, client, UpstreamAuth.of(cfg, null));
        conn.open(new Connection.Sink() {
            @Override
            public void receive(ObjectNode message, Long relatedId) {
                received.add(message);
            }

            @Override
            public void requestFailed(long requestId, String why) {
                failures.add(why);
            }

            @Override
            public void closed(String why) {
                failures.add("closed: " + why);
            }
        });
        return conn;
    }

    private static ObjectNode request(long id, String method) {
        return Message.request(Json.object().numberNode(id), method, Json.object());
    }

    private ObjectNode answer() throws InterruptedException {
        ObjectNode r = received.poll(20, TimeUnit.SECONDS);
        assertThat(r).as("an answer (failures: %s)", failures).isNotNull();
        return r;
    }

    @Test
    void theFirstRequestsChallengeLeadsToATokenForTheResourceAndTheRequestIsSentAgainWithIt() throws Exception {
        HttpConnection conn = connect();
        conn.send(request(1, "ping"), 1L);
        assertThat(answer().path("result").path("token").asString()).isEqualTo("tok1-read");
        assertThat(mcpAuthorizations).containsExactly("null", "Bearer tok1-read");
        assertThat(tokenRequests).singleElement().asString().contains("grant_type=client_credentials")
                .contains("resource=" + base + "/mcp").contains("scope=read").doesNotContain("gw-secret");
        assertThat(tokenAuthorizations).singleElement().isEqualTo("Basic " + java.util.Base64.getEncoder()
                .encodeToString("gw:gw-secret".getBytes(StandardCharsets.UTF_8)));
        // later requests carry the token from the start
        conn.send(request(2, "ping"), 2L);
        assertThat(answer().path("result").path("token").asString()).isEqualTo("tok1-read");
        assertThat(tokenRequests).hasSize(1);
        conn.close();
    }

    @Test
    void aForbiddenInsufficientScopeStepsUpWithTheChallengesScopes() throws Exception {
        HttpConnection conn = connect();
        conn.send(request(1, "ping"), 1L);
        answer();
        conn.send(request(2, "needs-write"), 2L);
        assertThat(answer().path("result").path("token").asString()).isEqualTo("tok2-write");
        assertThat(tokenRequests).hasSize(2);
        assertThat(tokenRequests.get(1)).contains("scope=read write").contains("resource=" + base + "/mcp");
        conn.close();
    }

    @Test
    void anUpstreamThatRefusesEveryTokenFailsTheRequestAfterTheBoundNamingTheControl() throws Exception {
        HttpConnection conn = connect();
        conn.send(request(1, "refuse-every-token"), 1L);
        String why = failures.poll(30, TimeUnit.SECONDS);
        assertThat(why).isNotNull().contains("credentials: the upstream refused the gateway's OAuth token " + UpstreamAuth.MAX_ATTEMPTS
                + " times (HTTP 401)").doesNotContain("\n");
        assertThat(mcpAuthorizations).hasSize(UpstreamAuth.MAX_ATTEMPTS + 1);
        assertThat(received).isEmpty();
        conn.close();
    }
}
