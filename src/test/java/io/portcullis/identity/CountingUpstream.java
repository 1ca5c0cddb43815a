package io.portcullis.identity;

import io.portcullis.demo.DemoServer;
import io.portcullis.it.LoopbackJetty;
import io.portcullis.protocol.Json;
import java.io.InputStream;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import tools.jackson.databind.node.ObjectNode;

/**
 * The bundled demo upstream (echo only) over Streamable HTTP on loopback, counting the
 * {@code tools/call} requests (and reads, task results: {@link RecordedItems}) that reach it: the proof
 * that a refused request called no upstream. It also records the {@code Authorization} header of each
 * (#16 item 1: whose credential it carried).
 */
final class CountingUpstream implements AutoCloseable {
    private final Server jetty = new Server();
    private final ServerConnector connector;
    private final AtomicInteger calls = new AtomicInteger();
    private final java.util.Map<String, String> seen = new java.util.concurrent.ConcurrentHashMap<>();
    private final DemoServer demo = new DemoServer(true);

    CountingUpstream() throws Exception {
        connector = LoopbackJetty.start(jetty, (req, res, callback) -> {
            if (!"POST".equals(req.getMethod())) {
                LoopbackJetty.status(res, callback, 405);
                return;
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
                LoopbackJetty.json(res, callback, answer);
            }
        });
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
