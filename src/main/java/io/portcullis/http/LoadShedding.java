package io.portcullis.http;

import io.portcullis.protocol.ErrorCodes;
import io.portcullis.protocol.Json;
import io.portcullis.protocol.Message;
import io.portcullis.resilience.Admission;
import io.portcullis.resilience.AdmissionConfig;
import io.portcullis.resilience.Overloaded;
import java.time.Duration;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Bounded admission of MCP requests on the listener (#21 item 14) and the draining state of a
 * stopping gateway (#21 item 12), in front of the MCP endpoint. Every POST to {@code /mcp...} takes
 * a slot of the listener's {@link Admission} ({@code server.max_concurrent}, {@code max_queue},
 * {@code queue_wait}) for as long as its answer takes; when none can be had, or while the gateway
 * drains, it is answered at once with 503, {@code Retry-After} and a JSON-RPC error naming the
 * control ({@code overload} or {@code draining}), before its body is read. GET streams and DELETE
 * are not counted (a stream lives as long as its session).
 *
 * <p>Runs after {@link HostGuard}: a request from a foreign origin is refused for that first.
 */
public final class LoadShedding extends Handler.Wrapper {
    private final Admission admission;
    private final Object idle = new Object();
    private volatile boolean draining;
    private int inFlight; // guarded by idle

    public LoadShedding(AdmissionConfig config, Handler next) {
        super(next);
        this.admission = Admission.of("the gateway", "overload", config);
    }

    @Override
    public boolean handle(Request req, Response res, Callback callback) throws Exception {
        String path = Request.getPathInContext(req);
        if (!"POST".equals(req.getMethod()) || !(path.equals("/mcp") || path.startsWith("/mcp/"))) {
            return super.handle(req, res, callback);
        }
        if (draining) {
            refuse(res, callback, new Overloaded("draining", "the gateway is shutting down; retry on another instance or shortly", 1));
            return true;
        }
        Admission.Permit permit;
        try {
            permit = admission.enter();
        } catch (Overloaded o) {
            refuse(res, callback, o);
            return true;
        }
        synchronized (idle) {
            inFlight++;
        }
        java.util.concurrent.atomic.AtomicBoolean freed = new java.util.concurrent.atomic.AtomicBoolean();
        Runnable free = () -> {
            if (freed.compareAndSet(false, true)) {
                permit.close();
                done();
            }
        };
        // the slot is held until the answer is complete, whichever way it ends
        Callback tracked = Callback.from(callback.getInvocationType(), () -> {
            callback.succeeded();
            free.run();
        }, x -> {
            callback.failed(x);
            free.run();
        });
        try {
            if (!super.handle(req, res, tracked)) {
                free.run();
                return false;
            }
            return true;
        } catch (Exception | Error e) {
            free.run();
            throw e;
        }
    }

    private void done() {
        synchronized (idle) {
            inFlight--;
            idle.notifyAll();
        }
    }

    private static void refuse(Response res, Callback callback, Overloaded o) {
        try {
            res.getHeaders().put(HttpHeader.RETRY_AFTER, String.valueOf(o.retryAfterSeconds()));
            Replies.json(res, 503, Message.error(null, ErrorCodes.UPSTREAM_FAILED, o.getMessage(),
                    Json.object().put("control", o.control()).put("retryable", true)));
            callback.succeeded();
        } catch (Exception e) {
            callback.failed(e);
        }
    }

    /** From now on every new MCP request is refused (503, control {@code draining}). */
    public void startDraining() {
        draining = true;
    }

    public boolean draining() {
        return draining;
    }

    /** MCP requests being answered now. */
    public int inFlight() {
        synchronized (idle) {
            return inFlight;
        }
    }

    /** Waits until no MCP request is being answered or {@code limit} has passed; true when none is. */
    public boolean awaitIdle(Duration limit) throws InterruptedException {
        long end = System.nanoTime() + limit.toNanos();
        synchronized (idle) {
            while (inFlight > 0) {
                long left = end - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                idle.wait(Math.max(1, left / 1_000_000));
            }
            return true;
        }
    }
}
