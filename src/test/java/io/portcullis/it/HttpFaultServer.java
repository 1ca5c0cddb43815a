package io.portcullis.it;

import io.portcullis.protocol.Json;
import io.portcullis.protocol.Message;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.Callback;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A misbehaving MCP server over Streamable HTTP (2025-11-25, with a session and a GET stream), in
 * the test's JVM on a loopback port, for the fault tests of issue #21. Its tools are its modes:
 * <ul>
 *   <li>{@code echo}: answers its {@code message} argument as JSON;</li>
 *   <li>{@code sse_forever}: answers over SSE, then keeps the stream open for ever (#21 item 2);</li>
 *   <li>{@code slow}: answers only once {@link #release()} is called (#21 item 4);</li>
 *   <li>{@code huge}, {@code huge_sse}: a result of about 40 MB, as JSON or as one SSE event (#21 item 7);</li>
 *   <li>{@code reset}: drops the connection without an answer (#21 item 8);</li>
 *   <li>{@code poll}: SEP-1699 polling: an event id and {@code retry}, then the POST stream ends; the
 *       answer waits for the GET that resumes with {@code Last-Event-ID} (#11 item 21);</li>
 *   <li>{@code log_tied}: a log message on the call's own stream, then the answer;</li>
 *   <li>{@code log_untied}: a log message on the session's GET stream, then the answer.</li>
 * </ul>
 * It declares resources but answers {@code resources/templates/list} with "Method not found", and
 * lists its tools in an order that is not alphabetical.
 */
public final class HttpFaultServer implements AutoCloseable {
    /** Listed in this order on purpose (not sorted), for the tools/list order test. */
    public static final List<String> TOOLS = List.of("sse_forever", "echo", "slow", "huge", "huge_sse", "reset", "poll",
            "log_tied", "log_untied");
    private static final int HUGE_CHUNKS = 40; // well over the gateway's 16 MB bound
    private static final byte[] MEGABYTE = "a".repeat(1 << 20).getBytes(StandardCharsets.UTF_8);

    /** The {@code message} argument of every tools/call that reached the server, in order of arrival. */
    public final List<String> arrivals = new CopyOnWriteArrayList<>();
    /** How many {@code Last-Event-ID} resumptions were served. */
    public final AtomicInteger resumptions = new AtomicInteger();
    /** h9, #16: the Authorization header of each served resumption ("null" when none was sent). */
    public final List<String> resumedWith = new CopyOnWriteArrayList<>();
    private final Server server = new Server();
    private final Map<String, String> parked = new ConcurrentHashMap<>();
    private final AtomicInteger eventIds = new AtomicInteger();
    private volatile CountDownLatch slow = new CountDownLatch(1);
    private volatile GetStream getStream;
    private final int port;

    private record GetStream(Response response, Callback callback) {}

    private HttpFaultServer() throws Exception {
        port = LoopbackJetty.start(server, this::serve).getLocalPort();
    }

    public static HttpFaultServer start() throws Exception {
        return new HttpFaultServer();
    }

    public URI url() {
        return URI.create("http://127.0.0.1:" + port + "/mcp");
    }

    /** Lets every {@code slow} call in progress answer (and later ones wait again). */
    public void release() {
        CountDownLatch l = slow;
        slow = new CountDownLatch(1);
        l.countDown();
    }

    private void serve(Request req, Response res, Callback cb) {
        res.getHeaders().put("Mcp-Session-Id", "fault-session");
        if ("GET".equals(req.getMethod())) {
            get(req, res, cb);
            return;
        }
        if ("DELETE".equals(req.getMethod())) {
            reply(res, cb, 200, null, "");
            return;
        }
        ObjectNode msg;
        try {
            msg = (ObjectNode) Json.parse(Content.Source.asString(req, StandardCharsets.UTF_8));
        } catch (Exception e) {
            reply(res, cb, 400, null, "");
            return;
        }
        JsonNode id = msg.get("id");
        String method = msg.path("method").asString("");
        if (id == null || !msg.has("method")) {
            reply(res, cb, 202, null, "");
            return;
        }
        switch (method) {
            case "initialize" -> {
                ObjectNode r = Json.object().put("protocolVersion", msg.path("params").path("protocolVersion").asString());
                ObjectNode caps = r.putObject("capabilities");
                caps.putObject("tools");
                caps.putObject("resources");
                caps.putObject("logging");
                r.putObject("serverInfo").put("name", "http-fault-server").put("version", "1");
                json(res, cb, Message.result(id, r));
            }
            case "tools/list" -> {
                ObjectNode r = Json.object();
                ArrayNode tools = r.putArray("tools");
                for (String t : TOOLS) {
                    tools.addObject().put("name", t).put("description", "fault mode " + t)
                            .putObject("annotations").put("readOnlyHint", true);
                    ((ObjectNode) tools.get(tools.size() - 1)).putObject("inputSchema").put("type", "object");
                }
                json(res, cb, Message.result(id, r));
            }
            case "resources/list" -> {
                ObjectNode r = Json.object();
                r.putArray("resources").addObject().put("uri", "fault://one").put("name", "one");
                json(res, cb, Message.result(id, r));
            }
            case "tools/call" -> call(id, msg.path("params"), res, cb);
            default -> json(res, cb, Message.error(id, -32601, "Method not found: " + method, null));
        }
    }

    private void call(JsonNode id, JsonNode params, Response res, Callback cb) {
        String tool = params.path("name").asString("");
        String message = params.path("arguments").path("message").asString("");
        arrivals.add(message);
        switch (tool) {
            case "echo" -> json(res, cb, answer(id, message));
            case "sse_forever" -> {
                res.setStatus(200);
                res.getHeaders().put("Content-Type", "text/event-stream");
                // the answer, then nothing: the stream stays open until the client goes away
                res.write(false, utf8(event(null, answer(id, message))), Callback.NOOP);
            }
            case "slow" -> {
                CountDownLatch l = slow;
                Thread.ofVirtual().start(() -> {
                    try {
                        l.await(30, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    json(res, cb, answer(id, message));
                });
            }
            case "huge", "huge_sse" -> Thread.ofVirtual().start(() -> huge(id, tool.equals("huge_sse"), res, cb));
            case "reset" -> {
                res.getHeaders().put("Content-Type", "application/json");
                // no answer: the connection is dropped under the request
                req(res).getConnectionMetaData().getConnection().getEndPoint().close();
                cb.failed(new java.io.IOException("reset on purpose"));
            }
            case "poll" -> {
                String eventId = "ev-" + eventIds.incrementAndGet();
                parked.put(eventId, Json.write(answer(id, message)));
                res.setStatus(200);
                res.getHeaders().put("Content-Type", "text/event-stream");
                // SEP-1699: a priming event with an id and the retry delay, then the stream ends
                res.write(true, utf8("id: " + eventId + "\nretry: 200\ndata: \n\n"), cb);
            }
            case "log_tied" -> {
                res.setStatus(200);
                res.getHeaders().put("Content-Type", "text/event-stream");
                res.write(true, utf8(event(null, log("tied to " + message)) + event(null, answer(id, message))), cb);
            }
            case "log_untied" -> {
                GetStream g = getStream;
                if (g != null) {
                    Callback.Completable written = new Callback.Completable();
                    g.response().write(false, utf8(event(null, log("untied " + message))), written);
                    written.join();
                }
                json(res, cb, answer(id, g == null ? "no GET stream" : message));
            }
            default -> json(res, cb, Message.error(id, -32602, "unknown tool " + tool, null));
        }
    }

    private static Request req(Response res) {
        return res.getRequest();
    }

    /** The GET stream: a resumption (Last-Event-ID) gets the parked answer; otherwise it is the session's stream. */
    private void get(Request req, Response res, Callback cb) {
        String last = req.getHeaders().get("Last-Event-ID");
        res.setStatus(200);
        res.getHeaders().put("Content-Type", "text/event-stream");
        String answer = last == null ? null : parked.remove(last);
        if (answer != null) {
            resumedWith.add(String.valueOf(req.getHeaders().get("Authorization")));
            resumptions.incrementAndGet();
            res.write(true, utf8("id: " + last + "-answer\ndata: " + answer + "\n\n"), cb);
            return;
        }
        getStream = new GetStream(res, cb);
        res.write(false, utf8(": open\n\n"), Callback.NOOP);
    }

    private void huge(JsonNode id, boolean sse, Response res, Callback cb) {
        res.setStatus(200);
        res.getHeaders().put("Content-Type", sse ? "text/event-stream" : "application/json");
        String head = (sse ? "event: message\ndata: " : "") + "{\"jsonrpc\":\"2.0\",\"id\":" + id
                + ",\"result\":{\"content\":[{\"type\":\"text\",\"text\":\"";
        try {
            write(res, utf8(head));
            for (int i = 0; i < HUGE_CHUNKS; i++) {
                write(res, ByteBuffer.wrap(MEGABYTE));
            }
            res.write(true, utf8("\"}]}}" + (sse ? "\n\n" : "")), cb);
        } catch (Exception e) {
            cb.failed(e); // the client cut the answer off
        }
    }

    private static void write(Response res, ByteBuffer buf) throws Exception {
        Callback.Completable written = new Callback.Completable();
        res.write(false, buf, written);
        written.get(30, TimeUnit.SECONDS);
    }

    private static ObjectNode answer(JsonNode id, String text) {
        ObjectNode r = Json.object();
        r.putArray("content").addObject().put("type", "text").put("text", text);
        return Message.result(id, r);
    }

    private static ObjectNode log(String text) {
        return Message.notification("notifications/message", Json.object().put("level", "info").put("logger", "fault")
                .put("data", text));
    }

    private static String event(String eventId, ObjectNode msg) {
        return (eventId == null ? "" : "id: " + eventId + "\n") + "event: message\ndata: " + Json.write(msg) + "\n\n";
    }

    private static void json(Response res, Callback cb, ObjectNode msg) {
        reply(res, cb, 200, "application/json", Json.write(msg));
    }

    private static void reply(Response res, Callback cb, int status, String type, String body) {
        res.setStatus(status);
        if (type != null) {
            res.getHeaders().put("Content-Type", type);
        }
        res.write(true, utf8(body), cb);
    }

    private static ByteBuffer utf8(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void close() throws Exception {
        release();
        server.stop();
    }
}
