package io.portcullis.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.settings.UpstreamConfig;
import io.portcullis.protocol.Json;
import io.portcullis.protocol.Message;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** The Streamable HTTP upstream transport against a scripted server on loopback. */
class HttpConnectionTest {
    /** What the scripted server answers, chosen by the request's method name. */
    private volatile String sessionToIssue;
    private final BlockingQueue<Request> seen = new LinkedBlockingQueue<>();
    private final BlockingQueue<String> seenBodies = new LinkedBlockingQueue<>();
    private final BlockingQueue<Object[]> received = new LinkedBlockingQueue<>();
    private final BlockingQueue<String> failures = new LinkedBlockingQueue<>();
    private final BlockingQueue<String> closes = new LinkedBlockingQueue<>();
    private final BlockingQueue<String> refusals = new LinkedBlockingQueue<>();
    private final BlockingQueue<Long> hanging = new LinkedBlockingQueue<>();
    private final BlockingQueue<Long> gone = new LinkedBlockingQueue<>();
    private Server server;
    private HttpClient client;
    private URI url;

    @TempDir
    Path dir;

    @BeforeEach
    void start() throws Exception {
        server = new Server();
        ServerConnector c = new ServerConnector(server);
        c.setHost("127.0.0.1");
        c.setPort(0);
        server.addConnector(c);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request req, Response res, Callback cb) throws Exception {
                String body = Content.Source.asString(req, StandardCharsets.UTF_8);
                seen.add(req);
                seenBodies.add(body);
                JsonNode msg = Json.parse(body);
                String method = msg.path("method").asString("");
                if (sessionToIssue != null) {
                    res.getHeaders().put("Mcp-Session-Id", sessionToIssue);
                }
                switch (method) {
                    case "json" -> reply(res, cb, 200, "application/json",
                            Json.write(Message.result(msg.get("id"), Json.object().put("via", "json"))));
                    case "sse" -> reply(res, cb, 200, "text/event-stream",
                            "event: message\ndata: " + Json.write(Message.notification("notifications/progress",
                                    Json.object().put("progressToken", "pc-1").put("progress", 1)))
                                    + "\n\nevent: message\ndata: " + Json.write(Message.result(msg.get("id"),
                                    Json.object().put("via", "sse"))) + "\n\n");
                    case "broken" -> reply(res, cb, 500, "text/plain", "boom");
                    case "gone" -> reply(res, cb, 404, "text/plain", "no such session");
                    case "uninitialized" -> reply(res, cb, 400, "application/json",
                            "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32000,\"message\":\"Bad Request: Server not initialized\"}}");
                    case "unanswered" -> reply(res, cb, 200, "text/event-stream", "event: message\ndata: "
                            + Json.write(Message.notification("notifications/message", Json.object().put("level", "info"))) + "\n\n");
                    case "hang" -> {
                        // an answer that never ends: keep-alive comments until the client goes away
                        res.setStatus(200);
                        res.getHeaders().put("Content-Type", "text/event-stream");
                        long id = msg.path("id").asLong();
                        hanging.add(id);
                        Thread.ofVirtual().start(() -> {
                            try {
                                while (true) {
                                    Callback.Completable written = new Callback.Completable();
                                    res.write(false, ByteBuffer.wrap(": ping\n\n".getBytes(StandardCharsets.UTF_8)), written);
                                    written.get(5, TimeUnit.SECONDS);
                                    Thread.sleep(50); // the fake upstream's pace between keep-alives (its behaviour, not synchronisation)
                                }
                            } catch (Exception e) {
                                gone.add(id);
                                cb.failed(e);
                            }
                        });
                    }
                    default -> reply(res, cb, 202, null, "");
                }
                return true;
            }
        });
        server.start();
        url = URI.create("http://127.0.0.1:" + c.getLocalPort() + "/mcp");
        client = Upstream.httpClient();
    }

    private static void reply(Response res, Callback cb, int status, String type, String body) {
        res.setStatus(status);
        if (type != null) {
            res.getHeaders().put("Content-Type", type);
        }
        res.write(true, ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)), cb);
    }

    @AfterEach
    void stop() throws Exception {
        client.stop();
        server.stop();
    }

    private HttpConnection connect(Map<String, UpstreamConfig.HeaderSource> headers) {
        UpstreamConfig cfg = new UpstreamConfig("up", UpstreamConfig.Transport.HTTP, List.of(), Map.of(), null, url,
                headers, "up", Duration.ofSeconds(5), "2025-11-25", UpstreamConfig.Protocol.LEGACY);
        HttpConnection conn = new HttpConnection(cfg, client);
        conn.open(new Connection.Sink() {
            @Override
            public void receive(ObjectNode message, Long relatedId) {
                received.add(new Object[] {message, relatedId});
            }

            @Override
            public void requestFailed(long requestId, String why) {
                failures.add(requestId + ": " + why);
            }

            @Override
            public void requestRefused(long requestId, int status, String body, String why) {
                refusals.add(requestId + ": " + status + " " + body);
                failures.add(requestId + ": " + why);
            }

            @Override
            public void closed(String why) {
                closes.add(why);
            }
        });
        return conn;
    }

    private static ObjectNode request(long id, String method) {
        return Message.request(Json.object().numberNode(id), method, Json.object());
    }

    private Object[] nextReceived() throws InterruptedException {
        Object[] r = received.poll(5, TimeUnit.SECONDS);
        assertThat(r).as("a message from the upstream").isNotNull();
        return r;
    }

    @Test
    void jsonAnswerReachesTheSinkWithItsRequestIdAndTheSessionIsKept() throws Exception {
        Path token = Files.writeString(dir.resolve("token"), "s3cret\n");
        HttpConnection conn = connect(Map.of("Authorization", new UpstreamConfig.HeaderSource(null, token, "Bearer ")));
        sessionToIssue = "sess-1";
        conn.send(request(7, "json"), 7L);
        Object[] r = nextReceived();
        assertThat(((ObjectNode) r[0]).path("result").path("via").asString()).isEqualTo("json");
        assertThat(r[1]).isEqualTo(7L);
        Request first = seen.take();
        assertThat(first.getHeaders().get("Authorization")).isEqualTo("Bearer s3cret");
        assertThat(first.getHeaders().get("Accept")).contains("application/json").contains("text/event-stream");

        sessionToIssue = null;
        conn.negotiated("2025-11-25");
        conn.send(request(8, "json"), 8L);
        nextReceived();
        Request second = seen.poll(5, TimeUnit.SECONDS);
        while (second != null && "GET".equals(second.getMethod())) {
            second = seen.poll(5, TimeUnit.SECONDS); // the GET stream the negotiation opened
        }
        assertThat(second).isNotNull();
        assertThat(second.getHeaders().get("Mcp-Session-Id")).isEqualTo("sess-1");
        assertThat(second.getHeaders().get("MCP-Protocol-Version")).isEqualTo("2025-11-25");
        assertThat(failures).isEmpty();
        conn.close();
    }

    @Test
    void sseAnswerDeliversEveryEventInOrder() throws Exception {
        HttpConnection conn = connect(Map.of());
        conn.send(request(3, "sse"), 3L);
        Object[] progress = nextReceived();
        Object[] result = nextReceived();
        assertThat(((ObjectNode) progress[0]).path("method").asString()).isEqualTo("notifications/progress");
        assertThat(((ObjectNode) result[0]).path("result").path("via").asString()).isEqualTo("sse");
        assertThat(progress[1]).isEqualTo(3L);
        assertThat(result[1]).isEqualTo(3L);
        conn.close();
    }

    @Test
    void acceptedNotificationDeliversNothingAndFailsNothing() throws Exception {
        HttpConnection conn = connect(Map.of());
        conn.send(Message.notification("notifications/initialized", null), null);
        assertThat(seenBodies.poll(5, TimeUnit.SECONDS)).contains("notifications/initialized");
        conn.send(request(4, "json"), 4L); // answered after the notification's 202: nothing came in between
        assertThat(((ObjectNode) nextReceived()[0]).path("id").asLong()).isEqualTo(4);
        assertThat(failures).isEmpty();
        conn.close();
    }

    @Test
    void serverErrorWithoutJsonFailsTheRequestAtOnce() throws Exception {
        HttpConnection conn = connect(Map.of());
        conn.send(request(5, "broken"), 5L);
        assertThat(failures.poll(5, TimeUnit.SECONDS)).startsWith("5: ").contains("HTTP 500");
        assertThat(received).isEmpty();
        conn.close();
    }

    @Test
    void unknownSessionClosesTheConnection() throws Exception {
        HttpConnection conn = connect(Map.of());
        sessionToIssue = "sess-2";
        conn.send(request(1, "json"), 1L);
        nextReceived();
        sessionToIssue = null;
        conn.send(request(2, "gone"), 2L);
        assertThat(closes.poll(5, TimeUnit.SECONDS)).contains("404");
        conn.close();
    }

    @Test
    void unreachableUpstreamFailsTheRequest() throws Exception {
        HttpConnection conn = connect(Map.of());
        server.stop();
        conn.send(request(9, "json"), 9L);
        assertThat(failures.poll(10, TimeUnit.SECONDS)).startsWith("9: ");
        conn.close();
    }

    @Test
    void anHttpErrorWithAJsonRpcErrorForNoRequestIsReportedWithItsStatusAndBody() throws Exception {
        HttpConnection conn = connect(Map.of());
        conn.send(request(6, "uninitialized"), 6L);
        assertThat(refusals.poll(5, TimeUnit.SECONDS)).startsWith("6: 400 ").contains("-32000").contains("not initialized");
        assertThat(failures.poll(5, TimeUnit.SECONDS)).contains("HTTP 400: Bad Request: Server not initialized");
        conn.close();
    }

    @Test
    void aModernConnectionSendsEachRequestsOwnHeadersAndOpensNoGetStream() throws Exception {
        HttpConnection conn = connect(Map.of());
        conn.negotiated("2026-07-28");
        conn.send(request(1, "json"), 1L, Map.of("MCP-Protocol-Version", "2026-07-28", "Mcp-Method", "json", "Mcp-Name", "n"));
        nextReceived();
        Request post = seen.take();
        assertThat(post.getHeaders().get("MCP-Protocol-Version")).isEqualTo("2026-07-28");
        assertThat(post.getHeaders().get("Mcp-Method")).isEqualTo("json");
        assertThat(post.getHeaders().get("Mcp-Name")).isEqualTo("n");
        assertThat(post.getHeaders().get("Mcp-Session-Id")).isNull();
        assertThat(seen.poll(500, TimeUnit.MILLISECONDS)).as("no GET stream in the stateless era").isNull();
        conn.close();
    }

    @Test
    void aModernStreamThatEndsWithoutTheAnswerFailsTheCallAtOnce() throws Exception {
        HttpConnection conn = connect(Map.of());
        conn.negotiated("2026-07-28");
        conn.send(request(2, "unanswered"), 2L);
        assertThat(((ObjectNode) nextReceived()[0]).path("method").asString()).isEqualTo("notifications/message");
        assertThat(failures.poll(5, TimeUnit.SECONDS)).startsWith("2: ").contains("ended without an answer");
        conn.close();

        // #11 item 21: a legacy stream could be resumed from an event id (SEP-1699), but this one has none
        HttpConnection legacy = connect(Map.of());
        legacy.send(request(3, "unanswered"), 3L);
        nextReceived();
        assertThat(failures.poll(5, TimeUnit.SECONDS)).startsWith("3: ").contains("without an event id");
        legacy.close();
    }

    @Test
    void abortEndsAnOpenExchangeAndCloseEndsTheRest() throws Exception {
        HttpConnection conn = connect(Map.of());
        conn.negotiated("2026-07-28");
        conn.send(request(4, "hang"), 4L);
        conn.send(request(5, "hang"), 5L);
        assertThat(hanging.poll(5, TimeUnit.SECONDS)).isNotNull();
        assertThat(hanging.poll(5, TimeUnit.SECONDS)).isNotNull();
        conn.abort(4L);
        assertThat(gone.poll(5, TimeUnit.SECONDS)).as("the upstream sees the aborted exchange go").isEqualTo(4L);
        assertThat(failures.poll(5, TimeUnit.SECONDS)).startsWith("4: ");
        assertThat(gone.poll(300, TimeUnit.MILLISECONDS)).as("the other exchange is still open").isNull();
        conn.close();
        assertThat(gone.poll(5, TimeUnit.SECONDS)).as("closing the connection ends its open exchanges").isEqualTo(5L);
    }
}
