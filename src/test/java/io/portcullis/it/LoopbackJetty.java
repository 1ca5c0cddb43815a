package io.portcullis.it;

import io.portcullis.protocol.Json;
import java.nio.ByteBuffer;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;

/**
 * How the test tree's own HTTP peers start (BreakerServer, HttpFaultServer, the identity tests'
 * upstreams): one Jetty connector on 127.0.0.1 and a free port, every request handed to one method.
 */
public final class LoopbackJetty {
    /** Serves one request; it completes {@code cb} itself (now or later). */
    @FunctionalInterface
    public interface Serve {
        void serve(Request req, Response res, Callback cb) throws Exception;
    }

    private LoopbackJetty() {
    }

    /** Adds a loopback connector on a free port to {@code server}, routes every request to {@code serve}, starts it. */
    public static ServerConnector start(Server server, Serve serve) throws Exception {
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request req, Response res, Callback cb) throws Exception {
                serve.serve(req, res, cb);
                return true;
            }
        });
        server.start();
        return connector;
    }

    /** Answers with {@code status} and no body. */
    public static void status(Response res, Callback cb, int status) {
        res.setStatus(status);
        cb.succeeded();
    }

    /** A JSON-RPC answer: {@code null} (a notification or a response) is 202 Accepted, else 200 with the JSON. */
    public static void json(Response res, Callback cb, tools.jackson.databind.JsonNode answer) {
        if (answer == null) {
            status(res, cb, 202);
            return;
        }
        res.setStatus(200);
        res.getHeaders().put("Content-Type", "application/json");
        res.write(true, ByteBuffer.wrap(Json.bytes(answer)), cb);
    }
}
