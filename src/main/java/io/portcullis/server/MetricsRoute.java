package io.portcullis.server;

import io.portcullis.Gateway;
import io.portcullis.admin.AuditApi;
import io.portcullis.http.Replies;
import io.portcullis.ingress.Sessions;
import io.portcullis.metrics.PrometheusMetrics;
import io.portcullis.protocol.Json;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * {@code GET /metrics} (#18 item 1): the gateway's metrics in the Prometheus text format, on the
 * listener that serves the admin API and protected exactly as its audit API is ({@code access}): with
 * an {@code identity:} section a principal holding an admin role (an API key of an admin, for the
 * scraper), the CLI's local token, and without one only loopback peers (or the audit token when one
 * is configured). docs/operations/metrics.md names every metric.
 */
final class MetricsRoute extends Handler.Abstract implements AutoCloseable {
    static final String PATH = "/metrics";

    private final Gateway gateway;
    private final AuditApi.Access access;
    /** Null when {@code metrics: enabled: false} (#18 item 1): no registry, no gauge, no observer, no route. */
    private final PrometheusMetrics metrics;
    private final GatewayGauges gauges;

    MetricsRoute(Gateway gateway, Sessions sessions, AuditApi.Access access) {
        this.gateway = gateway;
        this.access = access;
        if (gateway.config().metrics().enabled()) {
            this.metrics = new PrometheusMetrics();
            this.gauges = new GatewayGauges(gateway, sessions, metrics.registry());
            gateway.callObservers().add(metrics.calls());
        } else {
            this.metrics = null;
            this.gauges = null;
        }
    }

    @Override
    public boolean handle(Request req, Response res, Callback callback) throws Exception {
        if (!Request.getPathInContext(req).equals(PATH)) {
            return false;
        }
        try {
            if (metrics == null) {
                // switched off: say so (to an admitted caller only), as any unknown path would answer 404
                if (access.admit(req, res)) {
                    Replies.json(res, 404, Json.object().put("error", "metrics are switched off (metrics: enabled: false)"));
                }
            } else if (access.admit(req, res)) {
                if (!req.getMethod().equals("GET")) {
                    Replies.json(res, 405, Json.object().put("error", "use GET " + PATH));
                } else {
                    gauges.refresh();
                    byte[] body = metrics.scrape().getBytes(StandardCharsets.UTF_8);
                    res.setStatus(200);
                    res.getHeaders().put(HttpHeader.CONTENT_TYPE, PrometheusMetrics.CONTENT_TYPE);
                    res.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
                    res.write(true, java.nio.ByteBuffer.wrap(body), callback);
                    return true;
                }
            }
            callback.succeeded();
        } catch (Exception e) {
            callback.failed(e);
        }
        return true;
    }

    @Override
    public void close() {
        if (metrics == null) {
            return;
        }
        gateway.callObservers().remove(metrics.calls());
        metrics.close();
    }
}
