package io.portcullis.server;

import io.portcullis.Gateway;
import io.portcullis.protocol.Json;
import io.portcullis.upstream.Upstream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code GET /healthz} (issue #21 item 10): true, not merely "the process answers HTTP".
 * <ul>
 *   <li>{@code ok} (200): the store answers and every upstream is ready;</li>
 *   <li>{@code degraded} (200): the store answers and some upstreams are not ready (starting, down,
 *       degraded or unresponsive): some calls are refused, others served;</li>
 *   <li>{@code unhealthy} (503): the store does not answer within {@value #STORE_WAIT_MS} ms, or no
 *       upstream is ready: every call would fail.</li>
 * </ul>
 * {@code GET /readyz} (for load balancers and Kubernetes readiness, #19 item 2) answers the same body,
 * and is 200 only when the store answers, the config is applied (the listener opens only after the
 * config has been applied, and a reload swaps configs atomically) and at least one upstream is ready:
 * with no upstream ready (none configured included) it is 503, and it is 503 as soon as the node is
 * draining after SIGTERM (#21 item 12), so that no new call is sent here.
 * {@code GET /livez} (Kubernetes liveness, #19 item 4) is 200 whenever the process answers, draining
 * included: it depends on nothing, so that a store outage does not make Kubernetes restart every node.
 * The body is unauthenticated, so it carries counts only: upstream names, states and errors are
 * for admins ({@code /admin/api/upstreams}). The store is probed at most once per second, so the
 * endpoint cannot be used to hammer the database.
 */
final class Healthz extends Handler.Abstract {
    static final long STORE_WAIT_MS = 2000;
    private static final long PROBE_EVERY_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final Gateway gateway;
    private final java.util.function.BooleanSupplier draining;
    private volatile CompletableFuture<String> probe;
    private volatile long probedAt;

    Healthz(Gateway gateway, java.util.function.BooleanSupplier draining) {
        this.gateway = gateway;
        this.draining = draining;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        String path = Request.getPathInContext(request);
        boolean readyz = "/readyz".equals(path);
        if ("/livez".equals(path)) {
            response.setStatus(200);
            response.getHeaders().put("Content-Type", "application/json");
            response.getHeaders().put("Cache-Control", "no-store");
            response.write(true, ByteBuffer.wrap("{\"status\":\"alive\"}\n".getBytes(StandardCharsets.UTF_8)), callback);
            return true;
        }
        if (!"/healthz".equals(path) && !readyz) {
            return false;
        }
        if (readyz && draining.getAsBoolean()) {
            response.setStatus(503);
            response.getHeaders().put("Content-Type", "application/json");
            response.getHeaders().put("Cache-Control", "no-store");
            response.write(true, ByteBuffer.wrap("{\"status\":\"draining\"}\n".getBytes(StandardCharsets.UTF_8)), callback);
            return true;
        }
        String store = store();
        int ready = 0;
        int notReady = 0;
        for (Upstream u : gateway.upstreams()) {
            if ("ready".equals(u.status())) {
                ready++;
            } else {
                notReady++;
            }
        }
        boolean unhealthy = !"ok".equals(store) || (ready == 0 && notReady > 0);
        // #19 item 2: a node with no upstream ready serves no call, so a load balancer sends it none
        boolean notReadyForCalls = readyz && !unhealthy && ready == 0;
        String status = unhealthy ? "unhealthy" : notReadyForCalls ? "no_upstream_ready" : notReady > 0 ? "degraded" : "ok";
        ObjectNode body = Json.object().put("status", status).put("store", store);
        body.putObject("upstreams").put("ready", ready).put("not_ready", notReady);
        response.setStatus(unhealthy || notReadyForCalls ? 503 : 200);
        response.getHeaders().put("Content-Type", "application/json");
        response.getHeaders().put("Cache-Control", "no-store");
        response.write(true, ByteBuffer.wrap((Json.write(body) + "\n").getBytes(StandardCharsets.UTF_8)), callback);
        return true;
    }

    /** "ok", "unreachable" or "unresponsive"; a probe that is still running after the wait counts as unresponsive. */
    private String store() {
        CompletableFuture<String> p = probe;
        long now = System.nanoTime();
        if (p == null || (p.isDone() && now - probedAt > PROBE_EVERY_NANOS)) {
            synchronized (this) {
                if (probe == p) {
                    probedAt = now;
                    probe = p = CompletableFuture.supplyAsync(this::probeStore, Thread::startVirtualThread);
                } else {
                    p = probe;
                }
            }
        }
        try {
            return p.get(STORE_WAIT_MS, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            return "unresponsive";
        } catch (Exception e) {
            return "unreachable";
        }
    }

    private String probeStore() {
        try (Connection c = gateway.store().connection()) {
            return c.isValid(2) ? "ok" : "unreachable";
        } catch (Exception e) {
            return "unreachable";
        }
    }
}
