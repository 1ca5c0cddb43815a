package io.portcullis.ingress;

import io.portcullis.ingress.detached.DetachedCall;
import io.portcullis.call.GatewayException;
import io.portcullis.protocol.Json;
import io.portcullis.protocol.Message;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * One call of a 2026-07-28 client that runs inside the gateway across several HTTP requests
 * (multi round-trip requests): the input-round adapter on a {@link DetachedCall} (#12 item 5).
 * The detached call runs the call once and races "finished" against "input wanted"; this class
 * keeps what is particular to input rounds: the upstream's requests to the client ({@link #ask})
 * until a retry answers them, and which leg (HTTP request) notifications go to.
 */
final class PendingInput implements Outbound {
    /** Upper bound for one upstream request's wait, whatever the upstream's own timeout. */
    private static final Duration ANSWER_TIMEOUT = Duration.ofMinutes(10);

    private record Ask(String method, ObjectNode params, CompletableFuture<ObjectNode> answer) {}

    private final ClientSession session;
    private final RequestStates.Binding binding;
    private final Duration window;
    private final InputRounds rounds;
    private final DetachedCall<ObjectNode> call;
    /** Requests of the upstream the client has not answered yet, by their inputRequests key. */
    private final Map<String, Ask> asks = new LinkedHashMap<>();
    private long asked;
    /** Whether the state of the last input_required is with the client (a retry may claim the call). */
    private boolean withClient;
    private Outbound leg = Outbound.DROP;
    private JsonNode legProgressToken;
    private boolean admitted;

    PendingInput(ClientSession session, RequestStates.Binding binding, Duration window, InputRounds rounds,
                 DetachedCall<ObjectNode> call) {
        this.session = session;
        this.binding = binding;
        this.window = window;
        this.rounds = rounds;
        this.call = call;
    }

    DetachedCall<ObjectNode> call() {
        return call;
    }

    RequestStates.Binding binding() {
        return binding;
    }

    /** How long a state stays valid after it was handed to the client. */
    Duration window() {
        return window;
    }

    /**
     * Called by the relay when the upstream asks the client something while serving this call:
     * waits until a retry of the client answers it.
     *
     * @return the client's answer as a response message ({@code result})
     * @throws GatewayException.Refused when the caller already has too many calls awaiting input
     * @throws GatewayException.UpstreamFailure when the call ends, the state expires or no answer comes in time
     */
    ObjectNode ask(String method, ObjectNode params) throws GatewayException {
        String key;
        Ask a;
        synchronized (this) {
            if (call.state() != DetachedCall.State.RUNNING) {
                throw new GatewayException.UpstreamFailure("relay", null, "the client's call has ended; " + method + " cannot reach it");
            }
            if (!admitted) {
                String why = rounds.admit(this);
                if (why != null) {
                    throw new GatewayException.Refused("relay", why);
                }
                admitted = true;
            }
            key = "portcullis-" + (++asked);
            a = new Ask(method, params == null ? null : params.deepCopy(), new CompletableFuture<>());
            asks.put(key, a);
        }
        call.interim();
        try {
            return a.answer().get(ANSWER_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof GatewayException g) {
                throw g;
            }
            throw new GatewayException.UpstreamFailure("relay", null, "the client did not answer " + method);
        } catch (TimeoutException | CancellationException e) {
            throw new GatewayException.UpstreamFailure("relay", null, "the client did not answer " + method + " in time");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GatewayException.UpstreamFailure("relay", null, "interrupted");
        } finally {
            synchronized (this) {
                asks.remove(key, a);
            }
        }
    }

    /** Called once the call ended: upstream requests still waiting for the client fail. */
    synchronized void ended() {
        failAsks("the call ended before the client answered");
    }

    /** The requests the client must answer now (keyed like inputRequests); the leg is about to be answered. */
    synchronized ObjectNode inputRequests() {
        leg = Outbound.DROP;
        ObjectNode requests = Json.object();
        asks.forEach((k, a) -> {
            ObjectNode r = requests.putObject(k).put("method", a.method());
            if (a.params() != null) {
                r.set("params", a.params());
            }
        });
        return requests;
    }

    /** The leg answered input_required: until a retry claims the call, notifications have nowhere to go. */
    synchronized void awaitClient() {
        withClient = true;
        leg = Outbound.DROP;
    }

    /**
     * A retry claims the call: only while its state is with the client and its lifetime has not
     * run out; a state is claimed once.
     */
    synchronized boolean claim() {
        if (!withClient || !call.disarm()) {
            return false;
        }
        withClient = false;
        return true;
    }

    /** The claiming retry's leg gets the notifications, and its answers go to the waiting upstream requests. */
    void resume(Outbound retryLeg, JsonNode progressToken, ObjectNode inputResponses) {
        boolean unanswered;
        synchronized (this) {
            leg = retryLeg;
            legProgressToken = progressToken;
            if (inputResponses != null) {
                for (var e : inputResponses.properties()) {
                    Ask a = asks.remove(e.getKey());
                    if (a != null) {
                        ObjectNode response = Json.object().put("jsonrpc", "2.0");
                        response.set("result", e.getValue());
                        a.answer().complete(response);
                    }
                }
            }
            unanswered = !asks.isEmpty();
        }
        if (unanswered) {
            call.interim(); // the retry did not answer everything: it is asked again
        }
    }

    /** The first leg starts. */
    synchronized void firstLeg(Outbound first, JsonNode progressToken) {
        leg = first;
        legProgressToken = progressToken;
    }

    /** The state expired before a retry came: pending upstream requests fail (the detached call then cancels the call). */
    synchronized void expired() {
        withClient = false;
        leg = Outbound.DROP;
        failAsks("the client did not continue the call within " + window.toMillis() + " ms");
    }

    private void failAsks(String why) {
        asks.values().forEach(a -> a.answer().completeExceptionally(new GatewayException.UpstreamFailure("relay", null, why)));
        asks.clear();
    }

    /**
     * Notifications about the call reach the leg being answered. Progress carries the token of
     * that leg (each leg is its own request); a leg without one gets no progress.
     */
    @Override
    public void send(ObjectNode message) {
        Outbound target;
        JsonNode token;
        synchronized (this) {
            target = leg;
            token = legProgressToken;
        }
        if ("notifications/progress".equals(message.path("method").asString(""))) {
            if (token == null) {
                return;
            }
            ObjectNode copy = message.deepCopy();
            if (copy.get("params") instanceof ObjectNode params) {
                params.set("progressToken", token);
            }
            message = copy;
        }
        if (message.has("id") && message.has("method")) {
            return; // a request would need an answer on this leg's stream: 2026-07-28 uses input_required instead
        }
        target.send(message);
    }

    static JsonNode progressToken(Message msg) {
        ObjectNode meta = msg.meta();
        return meta == null ? null : meta.get("progressToken");
    }
}
