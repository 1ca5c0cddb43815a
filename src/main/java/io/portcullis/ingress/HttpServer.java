package io.portcullis.ingress;

import io.portcullis.Gateway;
import io.portcullis.config.ServerSettings;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/** The HTTP listener: the MCP endpoint, {@code /healthz} and the audit admin API ({@code /admin/api/audit/...}). Binds loopback unless configured otherwise. */
public final class HttpServer implements AutoCloseable {
    private final Server server;
    private final ServerConnector connector;
    private final McpEndpoint endpoint;
    private final Sessions sessions;
    private final io.portcullis.audit.AuditApi auditApi;

    public HttpServer(Gateway gateway, ServerSettings settings) {
        QueuedThreadPool pool = new QueuedThreadPool(200, 8);
        pool.setName("http");
        server = new Server(pool);
        connector = new ServerConnector(server);
        connector.setHost(settings.host());
        connector.setPort(settings.port());
        server.addConnector(connector);
        sessions = new Sessions(() -> gateway.config().server().sessionIdleTimeout());
        gateway.onEvent(sessions::onGatewayEvent);
        endpoint = new McpEndpoint(new Dispatcher(gateway), sessions);
        Handler health = new Handler.Abstract() {
            @Override
            public boolean handle(org.eclipse.jetty.server.Request request, org.eclipse.jetty.server.Response response, Callback callback) {
                if (!"/healthz".equals(org.eclipse.jetty.server.Request.getPathInContext(request))) {
                    return false;
                }
                response.setStatus(200);
                response.write(true, java.nio.ByteBuffer.wrap("ok\n".getBytes(java.nio.charset.StandardCharsets.UTF_8)), callback);
                return true;
            }
        };
        auditApi = new io.portcullis.audit.AuditApi(gateway.audit(), () -> gateway.config().audit());
        server.setHandler(new Handler.Sequence(endpoint, health, auditApi));
        server.setStopTimeout(2000);
    }

    public void start() throws Exception {
        server.start();
    }

    /** The port actually bound (useful with port 0 in tests). */
    public int port() {
        return connector.getLocalPort();
    }

    public Sessions sessions() {
        return sessions;
    }

    @Override
    public void close() throws Exception {
        sessions.close();
        endpoint.close();
        auditApi.close();
        server.stop();
    }
}
