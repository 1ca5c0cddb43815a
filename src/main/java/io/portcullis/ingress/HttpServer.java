package io.portcullis.ingress;

import io.portcullis.Gateway;
import io.portcullis.config.ServerSettings;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The HTTP listener: the MCP endpoint, the RFC 9728 metadata, the admin API (identity and audit)
 * and {@code /healthz}. Binds loopback unless configured otherwise; speaks HTTPS (with optional
 * or required client certificates) when {@code identity.tls} is configured (a change to it needs
 * a restart).
 */
public final class HttpServer implements AutoCloseable {
    private final Server server;
    private final ServerConnector connector;
    private final McpEndpoint endpoint;
    private final Sessions sessions;
    private final Gateway gateway;
    private final String scheme;
    private final io.portcullis.audit.AuditApi auditApi;

    public HttpServer(Gateway gateway, ServerSettings settings) {
        QueuedThreadPool pool = new QueuedThreadPool(200, 8);
        pool.setName("http");
        // Jetty runs blocking handler work (our requests) on virtual threads itself, straight
        // from the selector: one thread hand-off per request instead of selector → pool thread →
        // our own virtual thread (measured with bench/).
        pool.setVirtualThreadsExecutor(McpEndpoint.requestThreads());
        server = new Server(pool);
        var tls = gateway.config().identity().tls();
        if (tls != null) {
            HttpConfiguration https = new HttpConfiguration();
            SecureRequestCustomizer secure = new SecureRequestCustomizer();
            secure.setSniHostCheck(false); // clients may connect by IP address; the Host check is Origins' job
            https.addCustomizer(secure);
            connector = new ServerConnector(server, ServerTls.contextFactory(tls), new HttpConnectionFactory(https));
        } else {
            connector = new ServerConnector(server);
        }
        this.gateway = gateway;
        this.scheme = tls != null ? "https" : "http";
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
        var local = io.portcullis.audit.AuditApi.tokenOrLoopback(() -> gateway.config().audit());
        // C4.3: with an identity section, audit readers authenticate like every admin: a principal with an admin role
        auditApi = new io.portcullis.audit.AuditApi(gateway.audit(), (req, res) -> gateway.identity().enabled()
                ? io.portcullis.admin.AdminAccess.admin(gateway, req, res) != null : local.admit(req, res));
        // #11 item 9: the Host/Origin guard runs before every route (unknown paths included)
        server.setHandler(new HostGuard(() -> gateway.config().server(), new Handler.Sequence(endpoint, new WellKnown(gateway),
                auditApi, new io.portcullis.admin.ApprovalPage(gateway), new io.portcullis.admin.ReadinessApi(gateway),
                new io.portcullis.admin.AdminApi(gateway), health)));
        server.setErrorHandler(new JsonErrorPage());
        server.setStopTimeout(2000);
    }

    public void start() throws Exception {
        server.start();
        gateway.identity().listening(scheme, connector.getHost(), port());
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
