package io.portcullis.oauthclient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * C1.4, issue 17, bad input: an in-process HTTP server stands in for the MCP server and its
 * authorization server (a unit test; the real peers are in ConformanceClientIT). Each case ends in
 * a clear error and no token, and nothing is asked of an authorization server for a resource that
 * is not this server.
 */
class OAuthClientBadInputTest {
    private HttpServer server;
    private String base;
    private final Map<String, String[]> routes = new ConcurrentHashMap<>(); // path -> {status, content type, body}
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final CountDownLatch release = new CountDownLatch(1);
    private final List<URI> opened = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", this::handle);
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterEach
    void stop() {
        release.countDown();
        server.stop(0);
    }

    private void handle(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath();
        requests.add(ex.getRequestMethod() + " " + path);
        String[] r = routes.get(path);
        if (r == null) {
            ex.sendResponseHeaders(404, -1);
            ex.close();
            return;
        }
        if ("hang".equals(r[0])) {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            ex.close();
            return;
        }
        byte[] body = r[2].replace("BASE", base).getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", r[1]);
        ex.sendResponseHeaders(Integer.parseInt(r[0]), body.length);
        ex.getResponseBody().write(body);
        ex.close();
    }

    private void json(String path, String body) {
        routes.put(path, new String[] {"200", "application/json", body});
    }

    private OAuthClient client(ClientSettings s) {
        return client(s, Duration.ofSeconds(20));
    }

    private OAuthClient client(ClientSettings s, Duration httpTimeout) {
        return new OAuthClient(URI.create(base + "/mcp"), s, HttpClient.newHttpClient(), opened::add, Duration.ofSeconds(2),
                httpTimeout, null, null, new PrintStream(new ByteArrayOutputStream(), true));
    }

    private void authorizationServer() {
        json("/.well-known/oauth-authorization-server", """
                {"issuer":"BASE","authorization_endpoint":"BASE/authorize","token_endpoint":"BASE/token"}""");
    }

    @Test
    void metadataNamingAnotherResourceIsRefusedBeforeAnyAuthorizationRequest() {
        json("/.well-known/oauth-protected-resource/mcp", """
                {"resource":"https://evil.example.com/mcp","authorization_servers":["BASE"]}""");
        authorizationServer();
        assertThatThrownBy(() -> client(ClientSettings.publicClient("desktop", null)).challenged(null, Challenge.NONE))
                .isInstanceOf(OAuthClientException.class).hasMessageContaining("refused")
                .hasMessageContaining("https://evil.example.com/mcp");
        assertThat(opened).as("no sign-in page opened").isEmpty();
        assertThat(requests).noneMatch(r -> r.contains("authorization-server") || r.contains("/token"));
    }

    @Test
    void anAuthorizationServerAnsweringAnErrorPageIsAClearError() {
        json("/.well-known/oauth-protected-resource/mcp", """
                {"resource":"BASE/mcp","authorization_servers":["BASE"]}""");
        routes.put("/.well-known/oauth-authorization-server", new String[] {"200", "text/html", "<html><body>Oops</body></html>"});
        assertThatThrownBy(() -> client(ClientSettings.publicClient("desktop", null)).challenged(null, Challenge.NONE))
                .isInstanceOf(OAuthClientException.class).hasMessageContaining("did not answer JSON");
        assertThat(opened).isEmpty();
    }

    @Test
    void aTokenEndpointThatHangsIsAClearErrorAndNoToken() {
        json("/.well-known/oauth-protected-resource/mcp", """
                {"resource":"BASE/mcp","authorization_servers":["BASE"]}""");
        authorizationServer();
        routes.put("/token", new String[] {"hang", "", ""});
        ClientSettings service = new ClientSettings("svc", "s3cret", null, null, null, null, null, true, null);
        OAuthClient c = client(service, Duration.ofSeconds(2));
        assertThatThrownBy(c::token).isInstanceOf(OAuthClientException.class).hasMessageContaining("did not answer within 2s");
    }

    @Test
    void aTokenEndpointErrorPageIsAClearError() {
        json("/.well-known/oauth-protected-resource/mcp", """
                {"resource":"BASE/mcp","authorization_servers":["BASE"]}""");
        authorizationServer();
        routes.put("/token", new String[] {"502", "text/html", "<html>Bad Gateway</html>"});
        OAuthClient c = client(new ClientSettings("svc", "s3cret", null, null, null, null, null, true, null));
        assertThatThrownBy(c::token).isInstanceOf(OAuthClientException.class).hasMessageContaining("token endpoint");
    }

    @Test
    void metadataOfAnotherIssuerIsRefused() {
        json("/.well-known/oauth-protected-resource/mcp", """
                {"resource":"BASE/mcp","authorization_servers":["BASE"]}""");
        json("/.well-known/oauth-authorization-server", """
                {"issuer":"https://evil.example.com","authorization_endpoint":"https://evil.example.com/a","token_endpoint":"https://evil.example.com/t"}""");
        assertThatThrownBy(() -> client(ClientSettings.publicClient("desktop", null)).challenged(null, Challenge.NONE))
                .isInstanceOf(OAuthClientException.class).hasMessageContaining("RFC 8414");
        assertThat(opened).isEmpty();
    }

    @Test
    void clientCredentialsSendTheResourceAndTheClientSecret() throws Exception {
        json("/.well-known/oauth-protected-resource/mcp", """
                {"resource":"BASE/mcp","authorization_servers":["BASE"],"scopes_supported":["mcp:tools"]}""");
        authorizationServer();
        List<String> bodies = new CopyOnWriteArrayList<>();
        server.removeContext("/");
        server.createContext("/token", ex -> {
            bodies.add(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8) + " auth=" + ex.getRequestHeaders().getFirst("Authorization"));
            byte[] b = "{\"access_token\":\"at-1\",\"token_type\":\"Bearer\",\"expires_in\":60}".getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.sendResponseHeaders(200, b.length);
            ex.getResponseBody().write(b);
            ex.close();
        });
        server.createContext("/", this::handle);
        OAuthClient c = client(new ClientSettings("svc", "s3cret", null, null, null, null, null, true, null));
        assertThat(c.token()).isEqualTo("at-1");
        assertThat(bodies).singleElement().satisfies(b -> assertThat(b).contains("grant_type=client_credentials",
                "resource=" + java.net.URLEncoder.encode(base + "/mcp", StandardCharsets.UTF_8), "scope=mcp%3Atools", "auth=Basic "));
    }
}
