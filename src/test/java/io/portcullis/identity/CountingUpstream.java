package io.portcullis.identity;

import io.portcullis.demo.DemoServer;
import io.portcullis.protocol.Json;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import tools.jackson.databind.node.ObjectNode;

/**
 * The bundled demo upstream (echo only) over Streamable HTTP on loopback, counting the
 * {@code tools/call} requests (and reads, task results: {@link RecordedItems}) that reach it: the proof
 * that a refused request called no upstream. It also records the {@code Authorization} header of each
 * (#16 item 1: whose credential it carried).
 */
final class CountingUpstream implements AutoCloseable {
    private final Server jetty = new Server();
    private final ServerConnector connector = new ServerConnector(jetty);
    private final AtomicInteger calls = new AtomicInteger();
    private final java.util.Map<String, String> seen = new java.util.concurrent.ConcurrentHashMap<>();
    private final DemoServer demo = new DemoServer(true);

    CountingUpstream() throws Exception {
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        jetty.addConnector(connector);
        jetty.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request req, Response res, Callback callback) throws Exception {
                if (!"POST".equals(req.getMethod())) {
                    res.setStatus(405);
                    callback.succeeded();
                    return true;
                }
                try (InputStream in = Content.Source.asInputStream(req)) {
                    ObjectNode body = (ObjectNode) Json.MAPPER.readTree(in);
                    String method = body.path("method").asString("");
                    String marker = RecordedItems.marker(method, body.path("params"));
                    if (marker != null) {
                        calls.incrementAndGet();
                        // #16 item 1: which Authorization header each call (or read, or task result) carried, by its marker
                        seen.put(marker, String.valueOf(req.getHeaders().get("Authorization")));
                    }
                    ObjectNode item = RecordedItems.answer(method, body.path("params"));
                    ObjectNode answer = item != null ? io.portcullis.protocol.Message.result(body.get("id"), item) : demo.answer(body);
                    if ("initialize".equals(method) && answer != null) {
                        RecordedItems.capabilities(answer);
                    }
                    if (answer == null) {
                        res.setStatus(202);
                        callback.succeeded();
                        return true;
                    }
                    res.setStatus(200);
                    res.getHeaders().put("Content-Type", "application/json");
                    res.write(true, ByteBuffer.wrap(Json.bytes(answer)), callback);
                }
                return true;
            }
        });
        jetty.start();
    }

    String url() {
        return "http://127.0.0.1:" + connector.getLocalPort() + "/mcp";
    }

    int calls() {
        return calls.get();
    }

    /** The Authorization header the tools/call with echo message {@code message} carried ("null" without one), or null if none came. */
    String authorizationOf(String message) {
        return seen.get(message);
    }

    @Override
    public void close() throws Exception {
        jetty.stop();
    }
}
