package io.portcullis.it;

import io.portcullis.protocol.Json;
import io.portcullis.protocol.Message;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * An MCP server over Streamable HTTP (2025-11-25, legacy era, no GET stream) on a loopback port
 * whose health the test sets, for the breaker and retry tests of #14 item 1. It offers
 * {@code read} ({@code readOnlyHint}) and {@code write} (state-changing) and counts every
 * {@code tools/call} that reaches it, per tool. Its {@link Mode} decides how calls are answered:
 * normally, HTTP 503 before any body, never (until {@link #mode} changes), or a reset connection.
 * {@link #die()} closes its port (connection refused); {@link #revive()} opens the same port again.
 */
public final class BreakerServer implements AutoCloseable {
    public enum Mode { OK, UNAVAILABLE, HANG, RESET }

    private final Server server = new Server();
    private final ServerConnector connector;
    private final int port;
    private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    private volatile Mode mode = Mode.OK;
    /** Calls to answer with 503 before answering normally again (the flaky upstream). */
    private final AtomicInteger failNext = new AtomicInteger();
    private volatile CountDownLatch hang = new CountDownLatch(1);

    private BreakerServer() throws Exception {
        connector = LoopbackJetty.start(server, this::serve);
        port = connector.getLocalPort();
    }

    public static BreakerServer start() throws Exception {
        return new BreakerServer();
    }

    public URI url() {
        return URI.create("http://127.0.0.1:" + port + "/mcp");
    }

    /** How calls are answered from now on; leaving {@code HANG} lets the hanging calls answer. */
    public void mode(Mode m) {
        Mode old = mode;
        mode = m;
        if (old == Mode.HANG && m != Mode.HANG) {
            CountDownLatch l = hang;
            hang = new CountDownLatch(1);
            l.countDown();
        }
    }

    /** The next {@code n} tool calls get HTTP 503, then calls are answered again. */
    public void failNext(int n) {
        failNext.set(n);
    }

    /** How many tools/call of {@code tool} reached the server. */
    public int calls(String tool) {
        AtomicInteger c = calls.get(tool);
        return c == null ? 0 : c.get();
    }

    /** Closes the port: connections are refused. */
    public void die() throws Exception {
        connector.stop();
    }

    /** Opens the same port again. */
    public void revive() throws Exception {
        connector.setPort(port);
        connector.start();
    }

    private void serve(Request req, Response res, Callback cb) {
        res.getHeaders().put("Mcp-Session-Id", "breaker-session");
        if (!"POST".equals(req.getMethod())) {
            reply(res, cb, "DELETE".equals(req.getMethod()) ? 200 : 405, null, "");
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
        if (id == null) {
            reply(res, cb, 202, null, "");
            return;
        }
        switch (method) {
            case "initialize" -> {
                ObjectNode r = Json.object().put("protocolVersion", msg.path("params").path("protocolVersion").asString());
                r.putObject("capabilities").putObject("tools");
                r.putObject("serverInfo").put("name", "breaker-server").put("version", "1");
                json(res, cb, Message.result(id, r));
            }
            case "tools/list" -> {
                ObjectNode r = Json.object();
                var tools = r.putArray("tools");
                for (String t : new String[] {"read", "write"}) {
                    ObjectNode d = tools.addObject().put("name", t).put("description", t + " a record");
                    d.putObject("inputSchema").put("type", "object");
                    d.putObject("annotations").put("readOnlyHint", t.equals("read")).put("destructiveHint", false);
                }
                json(res, cb, Message.result(id, r));
            }
            case "tools/call" -> call(id, msg.path("params").path("name").asString(""), res, cb);
            default -> json(res, cb, Message.error(id, -32601, "Method not found: " + method, null));
        }
    }

    private void call(JsonNode id, String tool, Response res, Callback cb) {
        calls.computeIfAbsent(tool, k -> new AtomicInteger()).incrementAndGet();
        if (failNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            reply(res, cb, 503, "text/plain", "restarting");
            return;
        }
        switch (mode) {
            case OK -> json(res, cb, answer(id, tool + " done"));
            case UNAVAILABLE -> reply(res, cb, 503, "text/plain", "unavailable");
            case HANG -> {
                CountDownLatch l = hang;
                Thread.ofVirtual().start(() -> {
                    try {
                        l.await(60, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    json(res, cb, answer(id, tool + " done late"));
                });
            }
            case RESET -> {
                res.getRequest().getConnectionMetaData().getConnection().getEndPoint().close();
                cb.failed(new java.io.IOException("reset on purpose"));
            }
        }
    }

    private static ObjectNode answer(JsonNode id, String text) {
        ObjectNode r = Json.object();
        r.putArray("content").addObject().put("type", "text").put("text", text);
        return Message.result(id, r);
    }

    private static void json(Response res, Callback cb, ObjectNode msg) {
        reply(res, cb, 200, "application/json", Json.write(msg));
    }

    private static void reply(Response res, Callback cb, int status, String type, String body) {
        res.setStatus(status);
        if (type != null) {
            res.getHeaders().put("Content-Type", type);
        }
        res.write(true, ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)), cb);
    }

    @Override
    public void close() throws Exception {
        mode(Mode.OK);
        server.stop();
    }
}
