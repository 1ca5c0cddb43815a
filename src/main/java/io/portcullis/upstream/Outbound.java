package io.portcullis.upstream;

import io.portcullis.settings.UpstreamConfig;
import io.portcullis.call.GatewayException;
import io.portcullis.call.Relay;
import io.portcullis.protocol.Json;
import io.portcullis.protocol.Message;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * One request of an {@link Upstream} on the wire (#12 item 4: what the gateway sends, apart from
 * what it reads): our own id and progress token, the era's envelope, the deadline, the wait for
 * the answer, and the cancellation the upstream is told of when the call ends without one.
 */
final class Outbound {
    /** The upstream's logger: operators read these lines under the upstream's name. */
    private static final Logger LOG = LoggerFactory.getLogger(Upstream.class);

    private final Upstream up;

    Outbound(Upstream up) {
        this.up = up;
    }

    private String name() {
        return up.name();
    }

    /**
     * Sends one request and waits for its answer until its deadline. #21 item 4: the deadline is
     * fixed here and travels with the request into the transport's queues; a request still queued
     * when it passes is never sent, and the failure says whether the upstream was reached. #21
     * item 2: whatever the transport holds for the call is released when it ends, however it ends.
     */
    ObjectNode send(String method, ObjectNode params, Duration timeout, Relay relay) throws GatewayException {
        return send(method, params, timeout, relay, java.util.Map.of());
    }

    /** The same, with headers of this request alone (#16 item 1: the caller's credential), after the era's own. */
    ObjectNode send(String method, ObjectNode params, Duration timeout, Relay relay, java.util.Map<String, String> own)
            throws GatewayException {
        long deadline = System.nanoTime() + timeout.toNanos();
        UpstreamConfig config = up.config;
        Calls calls = up.calls;
        Connection c = up.connection;
        long id = up.ids.incrementAndGet();
        Calls.Pending pending = calls.open(id, relay, params);
        boolean speakModern = up.modern;
        ObjectNode outgoing = Calls.withOurToken(params, id);
        outgoing = speakModern ? ModernEnvelope.wrap(outgoing, up.negotiatedVersion, up.logLevel) : ModernEnvelope.strip(outgoing);
        try {
            if (c == null) {
                throw new IOException("not connected");
            }
            ObjectNode message = Message.request(Json.object().numberNode(id), method, outgoing);
            // both transports mark the request reached (Sink.sent) only as it is handed to the wire
            java.util.Map<String, String> headers = new java.util.LinkedHashMap<>(speakModern && config.transport() == UpstreamConfig.Transport.HTTP
                    ? ModernEnvelope.headers(message, Listings.inputSchema(up.listing, method, params)) : java.util.Map.of());
            headers.putAll(own);
            // before the send: the upstream may answer and then log a line tied to no call (#11 item 21)
            // before this thread runs again, and that line goes only to sessions already marked
            relay.reached(name());
            c.send(message, id, headers, deadline);
            relay.attach(() -> cancel(id, "cancelled by the client"));
            JsonNode response = pending.response().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            up.health.answered();
            if (speakModern && !ModernEnvelope.fromModernClient(params)) {
                ModernEnvelope.refuseInputRequired(name(), method, response);
            }
            return result(method, response);
        } catch (TimeoutException | HttpConnection.Released e) {
            up.health.unanswered();
            // let go of the exchange first: what was not sent by now never will be, so "reached" is final
            if (c != null) {
                c.release(id);
            }
            boolean reached = pending.reached().get();
            if (reached) {
                cancel(id, "timed out in the gateway");
            }
            throw new GatewayException.UpstreamFailure("timeout", name(),
                    "upstream " + name() + " did not answer " + method + " within " + timeout.toMillis() + " ms"
                            + (reached ? "" : " (it was not sent)"), reached);
        } catch (IOException e) {
            up.health.unanswered();
            throw new GatewayException.UpstreamFailure("upstream", name(), "upstream " + name() + " is unreachable: "
                    + config.scrub(e.getMessage()), pending.reached().get());
        } catch (ExecutionException e) {
            if (e.getCause() instanceof GatewayException.UpstreamFailure u && u.reached() == null) {
                throw new GatewayException.UpstreamFailure(u.control(), u.upstream(), u.getMessage(), u.retryAfterSeconds(),
                        pending.reached().get());
            }
            if (e.getCause() instanceof GatewayException g) {
                throw g;
            }
            if (e.getCause() instanceof Calls.HttpRefusal r) {
                throw new GatewayException.UpstreamFailure("upstream", name(), r.getMessage(), true);
            }
            LOG.warn("upstream {}: {} failed", name(), method, e.getCause());
            throw new GatewayException.UpstreamFailure("upstream", name(), "upstream " + name() + " failed to answer " + method);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GatewayException.UpstreamFailure("upstream", name(), "interrupted");
        } finally {
            calls.close(id, pending);
            if (c != null) {
                c.release(id);
            }
        }
    }

    private ObjectNode result(String method, JsonNode response) throws GatewayException {
        if (response.get("error") instanceof ObjectNode err) {
            throw new GatewayException.UpstreamError(name(), err);
        }
        if (response.get("result") instanceof ObjectNode r) {
            return r;
        }
        throw new GatewayException.UpstreamFailure("upstream", name(), "upstream " + name() + " answered " + method + " with a result that is not an object");
    }

    private void cancel(long id, String reason) {
        if (!up.calls.isOpen(id)) {
            return;
        }
        up.calls.cancelled(id, name());
        try {
            Connection c = up.connection;
            if (c != null) {
                boolean modern = up.modern;
                if (modern) {
                    c.abort(id);
                }
                // a stateless HTTP upstream learns of it from the aborted POST: a notification would reach a fresh instance
                if (!(modern && up.config.transport() == UpstreamConfig.Transport.HTTP)) {
                    ObjectNode params = Json.object().put("requestId", id).put("reason", reason);
                    c.send(Message.notification("notifications/cancelled", modern ? ModernEnvelope.wrap(params, up.negotiatedVersion, null) : params), null);
                }
            }
        } catch (IOException e) {
            LOG.debug("could not tell upstream {} to cancel {}: {}", name(), id, e.getMessage());
        }
    }
}
