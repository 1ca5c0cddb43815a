package io.portcullis.server;

import io.portcullis.Gateway;
import io.portcullis.admin.AdminAccess;
import io.portcullis.admin.AdminApi;
import io.portcullis.admin.ApprovalPage;
import io.portcullis.admin.AuditApi;
import io.portcullis.admin.ConsolePage;
import io.portcullis.admin.KillSwitchPage;
import io.portcullis.admin.LocalAdmin;
import io.portcullis.admin.ReadinessApi;
import io.portcullis.settings.ServerSettings;
import io.portcullis.http.HostGuard;
import io.portcullis.http.JsonErrorPage;
import io.portcullis.http.LoadShedding;
import io.portcullis.http.ServerTls;
import io.portcullis.ingress.Dispatcher;
import io.portcullis.ingress.McpEndpoint;
import io.portcullis.ingress.Sessions;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The HTTP listener: the MCP endpoint, the RFC 9728 metadata, the admin API (identity and audit),
 * {@code /metrics} (#18 item 1), {@code /healthz} and {@code /readyz} (503 while draining). In front of every route: the Host/Origin
 * guard, then bounded admission of MCP requests; {@link #drain} is the graceful stop. Binds loopback unless configured otherwise; speaks HTTPS (with optional
 * or required client certificates) when {@code identity.tls} is configured (a change to it needs
 * a restart).
 */
public final class HttpServer implements AutoCloseable {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(HttpServer.class);
    private final Server server;
    private final ServerConnector connector;
    private final McpEndpoint endpoint;
    private final Sessions sessions;
    private final Gateway gateway;
    private final String scheme;
    private final AuditApi auditApi;
    private final LoadShedding shedding;
    private final MetricsRoute metrics;
    private io.portcullis.admin.LocalAdmin localAdmin;
    private io.portcullis.cluster.Membership membership;
    /** The server certificate's SHA-256 for the local CLI to pin (null without TLS), read once started. */
    private java.util.function.Supplier<String> pin = () -> null;

    public HttpServer(Gateway gateway, ServerSettings settings) {
        this(gateway, settings, java.time.Clock.systemUTC());
    }

    /** @param sessionClock what "now" is for session idleness (#12 item 7: tests advance it instead of waiting) */
    public HttpServer(Gateway gateway, ServerSettings settings, java.time.Clock sessionClock) {
        QueuedThreadPool pool = new QueuedThreadPool(200, 8);
        pool.setName("http");
        // Jetty runs blocking handler work (our requests) on virtual threads itself, straight
        // from the selector: one thread hand-off per request instead of selector → pool thread →
        // our own virtual thread (measured with bench/).
        pool.setVirtualThreadsExecutor(McpEndpoint.requestThreads());
        server = new Server(pool);
        var tls = gateway.config().identity().tls();
        // #11 item 12 (C1.4): Jetty keeps a per-connection cache of header fields and, by default,
        // matches a new field against it case-insensitively, handing back the cached value: an
        // upper-cased API key sent after the real one on a keep-alive connection arrived as the
        // real key. Credentials are compared exactly, so the cache must be exact too.
        HttpConfiguration http = new HttpConfiguration();
        http.setHeaderCacheCaseSensitive(true);
        if (tls != null) {
            SecureRequestCustomizer secure = new SecureRequestCustomizer();
            secure.setSniHostCheck(false); // clients may connect by IP address; the Host check is Origins' job
            http.addCustomizer(secure);
            var ssl = ServerTls.contextFactory(tls);
            pin = () -> ServerTls.fingerprint(ssl);
            connector = new ServerConnector(server, ssl, new HttpConnectionFactory(http));
        } else {
            connector = new ServerConnector(server, new HttpConnectionFactory(http));
        }
        this.gateway = gateway;
        this.scheme = tls != null ? "https" : "http";
        connector.setHost(settings.host());
        connector.setPort(settings.port());
        server.addConnector(connector);
        sessions = new Sessions(() -> gateway.config().server().sessionIdleTimeout(), sessionClock);
        if (gateway.store().dialect() == io.portcullis.store.Store.Dialect.POSTGRES) {
            sessions.share(new io.portcullis.ingress.EndedSessions(gateway.store())); // #19: a DELETE ends the session on every node
        }
        gateway.onEvent(sessions::onGatewayEvent);
        if (gateway.credentials().sessions() != null) { // #16 item 4: a per-user connection's messages to its user alone
            gateway.credentials().sessions().onEvents(new io.portcullis.ingress.UserEventsRelay(gateway, sessions));
        }
        endpoint = new McpEndpoint(new Dispatcher(gateway), sessions);
        Handler health = new Healthz(gateway, this::draining);
        var local = AuditApi.tokenOrLoopback(() -> gateway.config().audit());
        // C4.3: with an identity section, audit readers authenticate like every admin: a principal with an admin role
        // #21 item 13: and the CLI beside this gateway, with the token of its admin.local file
        AuditApi.Access adminOnly = (req, res) -> AdminAccess.localCli(gateway, req)
                || (gateway.identity().enabled() ? AdminAccess.admin(gateway, req, res) != null : local.admit(req, res));
        auditApi = new AuditApi(gateway.audit(), adminOnly);
        metrics = new MetricsRoute(gateway, sessions, adminOnly); // #18 item 1: /metrics, protected as the audit API is
        // #11 item 9: the Host/Origin guard runs before every route (unknown paths included)
        // then bounded admission of MCP requests, refused fast when full or draining (#21 items 14, 12)
        shedding = new LoadShedding(settings.admission(), new Handler.Sequence(endpoint, new WellKnown(gateway),
                auditApi, new ApprovalPage(gateway), new KillSwitchPage(gateway), new ConsolePage(gateway), new ReadinessApi(gateway),
                new AdminApi(gateway), new io.portcullis.admin.ConsentRoutes(gateway), metrics, health)); // #16: /oauth/connect, /oauth/callback
        server.setHandler(new HostGuard(() -> gateway.config().server(), shedding));
        server.setErrorHandler(new JsonErrorPage());
        server.setStopTimeout(2000);
    }

    public void start() throws Exception {
        server.start();
        gateway.identity().listening(scheme, connector.getHost(), port());
        // #21 item 13: the CLI's way in (admin.local in the data directory), on loopback whatever the bind address
        String host = connector.getHost();
        String local = host == null || host.isBlank() || host.equals("0.0.0.0") ? "127.0.0.1"
                : host.equals("::") || host.equals("[::]") ? "[::1]" : host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
        localAdmin = io.portcullis.admin.LocalAdmin.publish(gateway.config().server().dataDir(),
                scheme + "://" + local + ":" + port(), pin.get(), gateway.config().defaultEnvironment().name());
        // #19 item 2: this node in the store's member list, with a heartbeat
        membership = NodeRegistration.start(gateway, scheme, host, port());
    }

    /** The port actually bound (useful with port 0 in tests). */
    public int port() {
        return connector.getLocalPort();
    }

    public Sessions sessions() {
        return sessions;
    }

    /**
     * #21 item 12, the first half of a graceful stop: new MCP requests are refused at once (503,
     * {@code Retry-After}, control {@code draining}) and {@code /readyz} answers 503; calls in flight
     * may finish within {@code grace}. Those still running then are ended with a retryable error
     * (control {@code draining}) by their upstreams, and their answers get a moment to reach the
     * clients. {@link #close()} follows.
     *
     * @return how many MCP requests were still unanswered when the grace period ended (0: all finished)
     */
    public int drain(java.time.Duration grace) throws InterruptedException {
        shedding.startDraining();
        if (shedding.awaitIdle(grace)) {
            return 0;
        }
        int cut = shedding.inFlight();
        LOG.warn("drain: {} call(s) still in flight after the {} s grace period; ending them with a retryable error",
                cut, grace.toSeconds());
        gateway.upstreams().forEach(u -> u.failInFlight("the gateway is shutting down; retry the call"));
        shedding.awaitIdle(java.time.Duration.ofSeconds(2));
        return cut;
    }

    @Override
    public void close() throws Exception {
        if (membership != null) {
            membership.close(); // listed as stopped; the store is still open (the gateway closes it after this)
        }
        if (localAdmin != null) {
            localAdmin.close();
        }
        sessions.close();
        endpoint.close();
        auditApi.close();
        server.stop();
        metrics.close();
    }

    /** Whether SIGTERM started the drain (for {@code /readyz}). */
    private boolean draining() {
        return shedding.draining();
    }
}
