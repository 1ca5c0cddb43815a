package io.portcullis.it;

import io.portcullis.protocol.Json;
import io.portcullis.protocol.Message;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * #18 item 2: an MCP server over Streamable HTTP (plain JSON answers) of the project's own, in the
 * test's JVM, that logs the trace context each {@code tools/call} reached it with: the HTTP
 * {@code traceparent} header and {@code params._meta.traceparent}. Its one tool {@code trace_echo}
 * also answers them, so a client sees what went upstream.
 */
public final class TraceUpstream implements AutoCloseable {
    /** What one tools/call arrived with. */
    public record Arrival(String header, String tracestate, String meta) {}

    public final List<Arrival> arrivals = new CopyOnWriteArrayList<>();
    private final Server server = new Server();
    private final int port;

    private TraceUpstream() throws Exception {
        ServerConnector c = new ServerConnector(server);
        c.setHost("127.0.0.1");
        c.setPort(0);
        server.addConnector(c);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request req, Response res, Callback cb) throws Exception {
                serve(req, res, cb);
                return true;
            }
        });
        server.start();
        port = c.getLocalPort();
    }

    public static TraceUpstream start() throws Exception {
        return new TraceUpstream();
    }

    public URI url() {
        return URI.create("http://127.0.0.1:" + port + "/mcp");
    }

    private void serve(Request req, Response res, Callback cb) throws Exception {
        if (!"POST".equals(req.getMethod())) {
            reply(res, cb, 405, "");
            return;
        }
        JsonNode msg = Json.parse(Content.Source.asString(req, StandardCharsets.UTF_8));
        JsonNode id = msg.get("id");
        if (id == null) {
            reply(res, cb, 202, "");
            return;
        }
        ObjectNode r = Json.object();
        switch (msg.path("method").asString("")) {
            case "initialize" -> {
                r.put("protocolVersion", "2025-11-25");
                r.putObject("capabilities").putObject("tools");
                r.putObject("serverInfo").put("name", "trace-upstream").put("version", "1");
            }
            case "tools/list" -> r.putArray("tools").addObject().put("name", "trace_echo").put("description", "echoes its trace context")
                    .putObject("inputSchema").put("type", "object");
            case "tools/call" -> {
                Arrival a = new Arrival(req.getHeaders().get("traceparent"), req.getHeaders().get("tracestate"),
                        msg.path("params").path("_meta").path("traceparent").asString(null));
                arrivals.add(a);
                System.err.println("trace-upstream: tools/call with traceparent " + a.header() + ", _meta " + a.meta());
                ObjectNode text = Json.object().put("header", a.header()).put("meta", a.meta());
                r.putArray("content").addObject().put("type", "text").put("text", Json.write(text));
            }
            default -> {
                reply(res, cb, 200, Json.write(Message.error(id, -32601, "Method not found", null)));
                return;
            }
        }
        reply(res, cb, 200, Json.write(Message.result(id, r)));
    }

    private static void reply(Response res, Callback cb, int status, String body) {
        res.setStatus(status);
        if (!body.isEmpty()) {
            res.getHeaders().put("Content-Type", "application/json");
        }
        res.write(true, ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)), cb);
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }
}
