package io.portcullis.demo;

import io.portcullis.protocol.ErrorCodes;
import io.portcullis.protocol.Json;
import io.portcullis.protocol.Message;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** The demo upstream over Streamable HTTP at {@code /mcp}: JSON responses, no session needed, loopback only. */
final class DemoHttp {
    private DemoHttp() {}

    static void serve(DemoServer server, int port) throws Exception {
        Server jetty = new Server();
        ServerConnector c = new ServerConnector(jetty);
        c.setHost("127.0.0.1");
        c.setPort(port);
        jetty.addConnector(c);
        ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
        jetty.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request req, Response res, Callback callback) {
                if (!"POST".equals(req.getMethod())) {
                    res.setStatus(405);
                    callback.succeeded();
                    return true;
                }
                threads.execute(() -> {
                    try (InputStream in = Content.Source.asInputStream(req)) {
                        JsonNode body = Json.MAPPER.readTree(in);
                        ObjectNode answer = body instanceof ObjectNode o ? server.answer(o)
                                : Message.error(null, ErrorCodes.INVALID_REQUEST, "not a message", null);
                        if (answer == null) {
                            res.setStatus(202);
                            callback.succeeded();
                            return;
                        }
                        res.setStatus(200);
                        res.getHeaders().put("Content-Type", "application/json");
                        res.write(true, ByteBuffer.wrap(Json.bytes(answer)), callback);
                    } catch (Exception e) {
                        callback.failed(e);
                    }
                });
                return true;
            }
        });
        jetty.start();
        System.err.println("demo upstream listening on http://127.0.0.1:" + c.getLocalPort() + "/mcp");
        jetty.join();
    }
}
