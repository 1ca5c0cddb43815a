package io.portcullis.ingress;

import io.portcullis.call.ClientKey;
import io.portcullis.call.GatewayException;
import io.portcullis.call.Relay;
import io.portcullis.protocol.Json;
import io.portcullis.protocol.Message;
import io.portcullis.tracing.TraceContext;
import io.portcullis.tracing.Tracing;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The relay of one client request: notifications go out on the request's own stream, requests
 * to the client get a gateway id ({@code pc-N}) and wait for the client's answer, and the
 * upstream's cancel handle is kept under the client's request id.
 */
final class SessionRelay implements Relay {
    private static final Duration CLIENT_ANSWER_TIMEOUT = Duration.ofMinutes(10);
    private static final Map<String, Integer> LEVELS = Map.of("debug", 0, "info", 1, "notice", 2, "warning", 3,
            "error", 4, "critical", 5, "alert", 6, "emergency", 7);
    private static final Map<String, String> NEEDS = Map.of("sampling/createMessage", "sampling",
            "elicitation/create", "elicitation", "roots/list", "roots");

    private final ClientSession session;
    private final Outbound out;
    private final String clientRequestId;
    /** The upstream call's trace context and upstream, from {@link #reached} (#18 item 2); empty and null before. */
    private volatile Map<String, String> callTrace = Map.of();
    private volatile String upstream;

    SessionRelay(ClientSession session, Outbound out, JsonNode clientRequestId) {
        this.session = session;
        this.out = out;
        this.clientRequestId = clientRequestId == null ? null : clientRequestId.toString();
    }

    @Override
    public void notify(ObjectNode notification) {
        if (wanted(session, notification)) {
            out.send(notification);
        }
    }

    /**
     * Whether {@code session} wants {@code notification}: everything but log messages below the
     * level it set with {@code logging/setLevel}. #11 item 21: a session that never set a level
     * gets what the upstream sends, as it would directly (the spec leaves the default level to
     * the server, and the upstream applies its own).
     */
    static boolean wanted(ClientSession session, ObjectNode notification) {
        if (!"notifications/message".equals(notification.path("method").asString(""))) {
            return true;
        }
        String level = notification.path("params").path("level").asString("info");
        String min = session.logLevel();
        return min == null || LEVELS.getOrDefault(level, 1) >= LEVELS.getOrDefault(min, 1);
    }

    /**
     * #18 item 2: under a CLIENT span ({@code tracing.RelaySpans}) continued from the upstream's trace
     * context, else from the upstream call's ({@link #reached}); tracing off: no span, params as they came.
     */
    @Override
    public ObjectNode request(String method, ObjectNode params) throws GatewayException {
        return Tracing.current().relayed(method, params, callTrace, upstream, p -> send(method, p));
    }

    private ObjectNode send(String method, ObjectNode params) throws GatewayException {
        String capability = NEEDS.get(method);
        if (session.version().isModern()) {
            return modern(method, params);
        }
        if (capability != null && !session.can(capability)) {
            throw new GatewayException.Refused("relay", "the client did not declare the " + capability + " capability");
        }
        String id = "pc-" + session.outgoingIds.incrementAndGet();
        CompletableFuture<ObjectNode> answer = new CompletableFuture<>();
        session.awaitingClient.put(id, answer);
        try {
            out.send(Message.request(Json.object().stringNode(id), method, params));
            return answer.get(CLIENT_ANSWER_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new GatewayException.UpstreamFailure("relay", null, "the client did not answer " + method + " in time");
        } catch (ExecutionException | java.util.concurrent.CancellationException e) {
            throw new GatewayException.UpstreamFailure("relay", null, "the client session ended before answering " + method);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GatewayException.UpstreamFailure("relay", null, "interrupted");
        } finally {
            session.awaitingClient.remove(id);
        }
    }

    /**
     * 2026-07-28 has no server-to-client requests on the wire: the request waits in the call's
     * {@link PendingInput} and reaches the client inside an {@code input_required} result, when
     * the client's capabilities (from the request's {@code _meta}) cover it.
     */
    private ObjectNode modern(String method, ObjectNode params) throws GatewayException {
        PendingInput pending = session.pendingInput();
        if (pending == null) {
            throw new GatewayException.Refused("relay", method + " cannot be relayed to a 2026-07-28 client during "
                    + "this request (input_required serves tools/call, prompts/get and resources/read)");
        }
        if (!NEEDS.containsKey(method)) {
            throw new GatewayException.Refused("relay", method + " is not a request a 2026-07-28 client can be asked (only "
                    + "sampling/createMessage, elicitation/create and roots/list)");
        }
        String missing = missingCapability(method, params, session.clientCapabilities());
        if (missing != null) {
            throw new GatewayException.Refused("relay", "the client did not declare the " + missing + " capability");
        }
        return pending.ask(method, params);
    }

    /**
     * The capability a 2026-07-28 client must have declared for an embedded input request, when
     * it has not (as the SDK decides: URL-mode elicitation needs {@code elicitation.url}, form
     * mode {@code elicitation.form} or an empty {@code elicitation}; sampling with tools needs
     * {@code sampling.tools}); null when it has.
     */
    static String missingCapability(String method, ObjectNode params, ObjectNode caps) {
        JsonNode p = params == null ? Json.object() : params;
        ObjectNode declared = caps == null ? Json.object() : caps;
        return switch (method) {
            case "elicitation/create" -> {
                if (!(declared.get("elicitation") instanceof ObjectNode e)) {
                    yield "elicitation";
                }
                if ("url".equals(p.path("mode").asString(""))) {
                    yield e.has("url") ? null : "elicitation.url";
                }
                yield e.has("form") || !e.has("url") ? null : "elicitation.form";
            }
            case "sampling/createMessage" -> {
                if (!(declared.get("sampling") instanceof ObjectNode smp)) {
                    yield "sampling";
                }
                yield (p.has("tools") || p.has("toolChoice")) && !smp.has("tools") ? "sampling.tools" : null;
            }
            case "roots/list" -> declared.get("roots") instanceof ObjectNode ? null : "roots";
            default -> method;
        };
    }

    @Override
    public void attach(Runnable canceller) {
        if (clientRequestId != null) {
            session.inFlight.put(clientRequestId, canceller);
        }
    }

    @Override
    public ClientKey owner() {
        return session.key();
    }

    /** Also keeps the trace context of the upstream call (its CLIENT span, current here) for the requests it relays (#18 item 2). */
    @Override
    public void reached(String upstream) {
        session.upstreams.add(upstream);
        this.upstream = upstream;
        this.callTrace = TraceContext.current();
    }

    void done() {
        if (clientRequestId != null) {
            session.inFlight.remove(clientRequestId);
        }
    }
}
