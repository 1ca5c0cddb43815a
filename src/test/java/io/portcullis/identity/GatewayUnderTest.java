package io.portcullis.identity;

import io.portcullis.Gateway;
import io.portcullis.server.HttpServer;
import io.portcullis.config.ConfigReader;
import io.portcullis.config.GatewayConfig;
import io.portcullis.protocol.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** A real gateway (config text → Gateway + HTTP listener on a free loopback port) and a raw wire client for it. */
final class GatewayUnderTest implements AutoCloseable {
    record Reply(int status, String body, java.net.http.HttpHeaders headers) {
        JsonNode json() {
            return Json.parse(body);
        }

        String header(String name) {
            return headers.firstValue(name).orElse(null);
        }
    }

    final Gateway gateway;
    final HttpServer http;
    /** The start-up sequence is {@link io.portcullis.it.TestGateway}'s; this adds the identity tests' raw HTTP. */
    private final io.portcullis.it.TestGateway running;
    private final HttpClient client;

    GatewayUnderTest(String yaml, Path dir) throws Exception {
        this(yaml, dir, HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build());
    }

    GatewayUnderTest(String yaml, Path dir, HttpClient client) throws Exception {
        this(yaml, dir, client, true);
    }

    /** @param awaitUpstreams false for tests of upstreams that are meant to stay down */
    GatewayUnderTest(String yaml, Path dir, HttpClient client, boolean awaitUpstreams) throws Exception {
        this.client = client;
        running = io.portcullis.it.TestGateway.start(yaml, dir, awaitUpstreams);
        gateway = running.gateway();
        http = running.http();
    }

    String base() {
        return running.base();
    }

    Reply post(String path, String token, String session, ObjectNode body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base() + path)).timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/json").header("Accept", "application/json, text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(Json.write(body)));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        if (session != null) {
            b.header("Mcp-Session-Id", session);
        }
        for (int i = 0; i + 1 < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        HttpRequest request = b.build();
        HttpResponse<String> r;
        try {
            r = client.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException e) {
            // The gateway closes a connection after refusing a request whose body it did not read;
            // a pooled connection can be reused before the client sees that. Retry once on a fresh
            // one, as an HTTP/1.1 client does; a refusal still comes back as a status, not here.
            r = client.send(request, HttpResponse.BodyHandlers.ofString());
        }
        return new Reply(r.statusCode(), r.body(), r.headers());
    }

    /** A GET (the session's SSE stream) or DELETE on a session; a GET that succeeds is cut off after its headers. */
    Reply onSession(String method, String path, String token, String session) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base() + path)).timeout(Duration.ofSeconds(20))
                .header("Accept", "text/event-stream").header("Mcp-Session-Id", session).method(method, HttpRequest.BodyPublishers.noBody());
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        HttpResponse<java.io.InputStream> r = client.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
        String body = r.statusCode() == 200 && "GET".equals(method) ? "" : new String(r.body().readAllBytes());
        r.body().close();
        return new Reply(r.statusCode(), body, r.headers());
    }

    Reply get(String path, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base() + path)).timeout(Duration.ofSeconds(20)).GET();
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Reply(r.statusCode(), r.body(), r.headers());
    }

    /** initialize + notifications/initialized; returns the session id, or the failed reply's status as an exception. */
    String open(String path, String token) throws Exception {
        ObjectNode init = request(1, "initialize");
        init.putObject("params").put("protocolVersion", "2025-11-25").putObject("capabilities");
        ((ObjectNode) init.get("params")).putObject("clientInfo").put("name", "identity-it").put("version", "1");
        Reply r = post(path, token, null, init);
        if (r.status() != 200) {
            throw new IllegalStateException("initialize answered " + r.status() + ": " + r.body());
        }
        String session = r.header("Mcp-Session-Id");
        ObjectNode note = Json.object().put("jsonrpc", "2.0").put("method", "notifications/initialized");
        post(path, token, session, note);
        return session;
    }

    Reply call(String path, String token, String session, String message) throws Exception {
        ObjectNode call = request(2, "tools/call");
        call.putObject("params").put("name", "demo__echo").putObject("arguments").put("message", message);
        return post(path, token, session, call);
    }

    /** A stateless 2026-07-28 tools/call: authenticated on its own, no session. */
    Reply modernCall(String path, String token, String message) throws Exception {
        ObjectNode call = request(3, "tools/call");
        ObjectNode params = call.putObject("params").put("name", "demo__echo");
        params.putObject("arguments").put("message", message);
        ObjectNode meta = params.putObject("_meta");
        meta.put("io.modelcontextprotocol/protocolVersion", "2026-07-28");
        meta.putObject("io.modelcontextprotocol/clientCapabilities");
        meta.putObject("io.modelcontextprotocol/clientInfo").put("name", "identity-it-modern").put("version", "1");
        return post(path, token, null, call, "MCP-Protocol-Version", "2026-07-28", "Mcp-Method", "tools/call", "Mcp-Name", "demo__echo");
    }

    static ObjectNode request(int id, String method) {
        return Json.object().put("jsonrpc", "2.0").put("id", id).put("method", method);
    }

    @Override
    public void close() throws Exception {
        running.close();
    }
}
