package io.portcullis.ingress;

import io.portcullis.protocol.ErrorCodes;
import io.portcullis.protocol.Json;
import io.portcullis.protocol.Message;
import io.portcullis.protocol.ProtocolException;
import io.portcullis.ingress.detached.DetachedCall;
import io.portcullis.ingress.detached.DetachedCalls;
import io.portcullis.ingress.detached.Ticker;
import io.portcullis.call.ClientKey;
import java.time.Duration;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Multi round-trip requests of 2026-07-28 clients: when an upstream asks the client something
 * (sampling, elicitation, roots) during a {@code tools/call}, {@code prompts/get} or
 * {@code resources/read}, the client's POST is answered {@code input_required} with the
 * upstream's requests in {@code inputRequests} and a {@link RequestStates signed requestState};
 * the call stays pending here. The client's retry (same request, plus {@code inputResponses} and
 * the state) is authenticated like any request, checked against the state (same caller, same
 * environment, method, name and arguments), and its answers go to the upstream; the retry is then
 * answered with the final result or the next {@code input_required}. The call runs through the
 * pipeline once, so it is checked, sent upstream and audited once.
 *
 * <p>The call is a {@link DetachedCall} (#12 item 5): this class is its input-round adapter.
 * Limits: a state expires {@link PendingInput#window()} after it was issued (the call's
 * upstream timeout): the upstream's requests then fail and the call is cancelled. A caller holds
 * at most {@link #MAX_PER_CALLER} calls awaiting input, the gateway at most {@link #MAX_TOTAL}.
 */
final class InputRounds {
    private static final Logger LOG = LoggerFactory.getLogger(InputRounds.class);
    /** The methods whose 2026-07-28 results may be {@code input_required}. */
    static final Set<String> METHODS = Set.of("tools/call", "prompts/get", "resources/read");
    static final int MAX_PER_CALLER = 16;
    static final int MAX_TOTAL = 1024;

    private final RequestStates states = new RequestStates();
    /**
     * Calls that asked their client something, by the id of their current state (a new id each
     * round, so a state is used once); a call leaves when it ends or its state expires. The owner
     * is the caller, so the per-caller limit is the registry's per-owner limit.
     */
    private final DetachedCalls<PendingInput> pending;

    /** Runs the call (the dispatcher) with the given outbound; returns its response message, never throws. */
    @FunctionalInterface
    interface Call {
        ObjectNode run(Outbound out);
    }

    /** @param ticker the time the state windows run on (tests move it by hand) */
    InputRounds(Ticker ticker, int maxPerCaller, int maxTotal) {
        this.pending = new DetachedCalls<>(ticker, maxPerCaller, maxTotal, "calls awaiting input", PendingInput::call);
    }

    /** Whether this request may be a leg of a multi round-trip call. */
    static boolean serves(Message msg) {
        return METHODS.contains(msg.method());
    }

    /**
     * Whether this request continues a call waiting here: it carries a requestState of the
     * gateway's own form. Any other requestState (and inputResponses without one) belongs to a
     * 2026-07-28 upstream's own round trip: such a request is a new call, passed through the
     * pipeline to the upstream, which judges its state.
     */
    static boolean isRetry(Message msg) {
        return msg.params().get("requestState") instanceof JsonNode s && s.isString() && RequestStates.claims(s.asString());
    }

    /**
     * The first leg: runs the call on its own thread and answers with its result, or with
     * {@code input_required} as soon as the upstream asks the client something.
     *
     * @param window how long the client has to continue after each {@code input_required}
     */
    ObjectNode begin(ClientSession s, Message msg, Duration window, Outbound leg, Call call) {
        RequestStates.Binding binding = RequestStates.Binding.of(s.principal(), s.environment(), msg);
        DetachedCall<ObjectNode> detached = new DetachedCall<>(new ClientKey(binding.caller()), pending.ticker());
        PendingInput p = new PendingInput(s, binding, window, this, detached);
        s.pendingInput(p);
        p.firstLeg(leg, PendingInput.progressToken(msg));
        detached.onCancel(s::close); // an expired state cancels the call: the session's cancellers tell the upstream
        detached.onEnd(p::ended);
        detached.start("call-" + msg.method(), () -> call.run(p),
                e -> Message.error(msg.id(), ErrorCodes.INTERNAL_ERROR, "internal error in the gateway", null));
        return answerLeg(p, msg.id());
    }

    /**
     * A retry: checks its state and request, hands its answers to the upstream's requests and
     * answers with the final result or the next {@code input_required}. A state that is malformed,
     * unknown, expired, altered, another caller's, or presented with a different request is
     * refused with -32602 and left as it was.
     */
    ObjectNode resume(ClientSession s, Message msg, Outbound leg) {
        PendingInput p;
        ObjectNode responses;
        try {
            responses = responses(msg.params());
            p = claim(s, msg);
        } catch (ProtocolException e) {
            return Message.error(msg.id(), e.code(), e.getMessage(), e.data());
        }
        p.resume(leg, PendingInput.progressToken(msg), responses);
        return answerLeg(p, msg.id());
    }

    private ObjectNode answerLeg(PendingInput p, JsonNode legId) {
        DetachedCall<ObjectNode> call = p.call();
        DetachedCall.Event<ObjectNode> event;
        try {
            event = call.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Message.error(legId, ErrorCodes.INTERNAL_ERROR, "interrupted", null);
        }
        return switch (event) {
            case DetachedCall.Event.Finished<ObjectNode> done -> {
                pending.remove(call);
                ObjectNode answer = done.result().deepCopy();
                answer.set("id", legId);
                yield answer;
            }
            case DetachedCall.Event.Expired<ObjectNode> expired ->
                    Message.error(legId, ErrorCodes.INTERNAL_ERROR, "the call expired", null);
            case DetachedCall.Event.Interim<ObjectNode> interim -> {
                String id = states.newId();
                pending.rekey(p, id); // the state just used (if any) names nothing any more
                p.awaitClient();
                // armed once the state is registered, and before the client can know it
                call.expireIn(p.window(), () -> {
                    LOG.info("{} of {}: the client did not continue within {} ms; the call is cancelled",
                            p.binding().method(), p.binding().subject(), p.window().toMillis());
                    p.expired();
                });
                ObjectNode result = Json.object().put("resultType", "input_required");
                result.set("inputRequests", p.inputRequests());
                result.put("requestState", states.issue(id, p.binding()));
                yield Message.result(legId, result);
            }
        };
    }

    /** The retry's inputResponses: the bare result objects; anything else is not an answer (the request is asked again). */
    private static ObjectNode responses(ObjectNode params) throws ProtocolException {
        JsonNode state = params.get("requestState");
        if (state == null) {
            throw invalid("inputResponses came without a requestState: nothing is waiting for them", "invalid_request_state");
        }
        if (!state.isString()) {
            throw invalid("requestState must be a string", "invalid_request_state");
        }
        JsonNode given = params.get("inputResponses");
        if (given == null || given.isNull()) {
            return null;
        }
        if (!given.isObject()) {
            throw new ProtocolException(ErrorCodes.INVALID_PARAMS, "inputResponses must be an object keyed like inputRequests");
        }
        ObjectNode accepted = Json.object();
        for (var e : given.properties()) {
            // a wrapped {method, result} is not a response (as the SDK decides): the request stays open
            if (e.getValue() instanceof ObjectNode o && !o.has("method") && !o.has("result")) {
                accepted.set(e.getKey(), o);
            }
        }
        return accepted;
    }

    private PendingInput claim(ClientSession s, Message msg) throws ProtocolException {
        String given = msg.params().get("requestState").asString();
        RequestStates.Parsed parsed = RequestStates.parse(given);
        if (parsed == null) {
            throw refused(s, "it is malformed");
        }
        PendingInput p = pending.find(parsed.id()).orElse(null);
        RequestStates.Binding now = RequestStates.Binding.of(s.principal(), s.environment(), msg);
        if (p == null && states.verify(parsed, now)) {
            // #19 item 1: genuine (signed with the cluster key, for this very request) but not waiting here: the
            // node that holds the call's upstream request issued it, and a call in flight cannot move between nodes
            LOG.info("requestState of {} refused: issued by another node of the cluster, or the call ended", s.principal().subject());
            throw invalid("Invalid or expired requestState: it is unknown or has expired on this node: the call it continues "
                    + "is not waiting here (another gateway node of the cluster issued it and holds the call, or the call has "
                    + "ended); send the request again without requestState and inputResponses to start it anew", "invalid_request_state");
        }
        if (p == null) {
            throw refused(s, "it is unknown or has expired (a state is used once, within the call's upstream timeout)");
        }
        // The tag must verify for THIS request's caller, environment and request: the binding is
        // enforced by the HMAC itself. When it does not, the stored binding says why, for a clear error.
        if (!states.verify(parsed, now)) {
            if (!states.verify(parsed, p.binding())) {
                throw refused(s, "it does not verify (it was altered)");
            }
            if (!p.binding().sameCaller(now)) {
                throw refused(s, "it was issued to another caller");
            }
            if (!p.binding().environment().equals(now.environment())) {
                throw refused(s, "it was issued in environment " + p.binding().environment());
            }
            LOG.info("requestState of {} refused: presented with a different request", s.principal().subject());
            throw invalid("requestState does not match this request: a retry must repeat the original "
                    + p.binding().method() + " of " + p.binding().name() + " with the same arguments", "request_mismatch");
        }
        if (!parsed.id().equals(p.call().id()) || !p.claim()) {
            throw refused(s, "it is unknown or has expired"); // a concurrent retry or the expiry won
        }
        return p;
    }

    private static ProtocolException refused(ClientSession s, String why) {
        LOG.info("requestState of {} refused: {}", s.principal().subject(), why);
        return invalid("Invalid or expired requestState: " + why, "invalid_request_state");
    }


    private static ProtocolException invalid(String message, String reason) {
        return new ProtocolException(ErrorCodes.INVALID_PARAMS, message, Json.object().put("reason", reason));
    }

    /** Takes one of the caller's pending slots for {@code p} (its first request to the client); returns why not, or null. */
    String admit(PendingInput p) {
        return pending.admit(states.newId(), p);
    }

    /** Calls that asked their client something and have not ended (nor expired). */
    int awaitingClient() {
        return pending.size();
    }
}
