package io.portcullis.ingress;

import io.portcullis.call.GatewayException;
import io.portcullis.protocol.Json;
import io.portcullis.protocol.Message;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * One call of a 2026-07-28 client that runs inside the gateway across several HTTP requests
 * (multi round-trip requests). The call itself runs once, on its own thread; an upstream request
 * to the client ({@link #ask}) waits here until a leg of the client (the first POST, or a retry
 * carrying {@code inputResponses}) collects it as an {@code input_required} result and a later
 * retry brings the answer. Notifications about the call go to whichever leg is being answered.
 */
final class PendingInput implements Outbound {
    /** Upper bound for one upstream request's wait, whatever the upstream's own timeout. */
    private static final Duration ANSWER_TIMEOUT = Duration.ofMinutes(10);

    enum State { RUNNING, AWAITING_CLIENT, DONE }

    /** What a waiting leg learns: the call's final answer, or the requests the client must answer first. */
    sealed interface Event {
        record Done(ObjectNode answer) implements Event {}

        record NeedsInput(ObjectNode inputRequests) implements Event {}
    }

    private record Ask(String method, ObjectNode params, CompletableFuture<ObjectNode> answer) {}

    private final ClientSession session;
    private final RequestStates.Binding binding;
    private final Duration window;
    private final InputRounds rounds;
    /** Requests of the upstream the client has not answered yet, by their inputRequests key. */
    private final Map<String, Ask> asks = new LinkedHashMap<>();
    private long asked;
    private State state = State.RUNNING;
    private ObjectNode finalAnswer;
    private Outbound leg = Outbound.DROP;
    private JsonNode legProgressToken;
    private boolean admitted;
    private ScheduledFuture<?> expiry;

    PendingInput(ClientSession session, RequestStates.Binding binding, Duration window, InputRounds rounds) {
        this.session = session;
        this.binding = binding;
        this.window = window;
        this.rounds = rounds;
    }

    ClientSession session() {
        return session;
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
            if (state == State.DONE || finalAnswer != null) {
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
            notifyAll();
        }
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

    /** Called once by the call's own thread with the call's response message. */
    synchronized void finish(ObjectNode answer) {
        finalAnswer = answer;
        failAsks("the call ended before the client answered");
        notifyAll();
    }

    /**
     * Waits (on a leg's thread, while {@link State#RUNNING}) until the call has its answer or the
     * upstream has asked something the client has not answered.
     */
    Event awaitEvent() throws InterruptedException {
        synchronized (this) {
            while (finalAnswer == null && asks.isEmpty()) {
                wait();
            }
            if (finalAnswer != null) {
                state = State.DONE;
                leg = Outbound.DROP;
                return new Event.Done(finalAnswer);
            }
            leg = Outbound.DROP; // this leg is about to be answered
            ObjectNode requests = Json.object();
            asks.forEach((k, a) -> {
                ObjectNode r = requests.putObject(k).put("method", a.method());
                if (a.params() != null) {
                    r.set("params", a.params());
                }
            });
            return new Event.NeedsInput(requests);
        }
    }

    /** The leg answered input_required: from now until a retry claims the call, notifications have nowhere to go. */
    synchronized void awaitClient(ScheduledFuture<?> expiryTask) {
        state = State.AWAITING_CLIENT;
        leg = Outbound.DROP;
        expiry = expiryTask;
    }

    /** A retry claimed the call: its leg gets the notifications, and its answers go to the waiting upstream requests. */
    synchronized void resume(Outbound retryLeg, JsonNode progressToken, ObjectNode inputResponses) {
        if (expiry != null) {
            expiry.cancel(false);
        }
        state = State.RUNNING;
        leg = retryLeg;
        legProgressToken = progressToken;
        if (inputResponses == null) {
            return;
        }
        for (var e : inputResponses.properties()) {
            Ask a = asks.remove(e.getKey());
            if (a != null) {
                ObjectNode response = Json.object().put("jsonrpc", "2.0");
                response.set("result", e.getValue());
                a.answer().complete(response);
            }
        }
    }

    /** The first leg starts. */
    synchronized void firstLeg(Outbound first, JsonNode progressToken) {
        leg = first;
        legProgressToken = progressToken;
    }

    /** The state expired before a retry came: pending upstream requests fail, and the call is cancelled. */
    void expire() {
        synchronized (this) {
            state = State.DONE;
            leg = Outbound.DROP;
            failAsks("the client did not continue the call within " + window.toMillis() + " ms");
        }
        session.close(); // runs the call's cancellers: the upstream is told to cancel
    }

    synchronized State state() {
        return state;
    }

    /** Whether this call holds one of its caller's pending slots; clears it (so it is released once). */
    synchronized boolean release() {
        boolean was = admitted;
        admitted = false;
        return was;
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
