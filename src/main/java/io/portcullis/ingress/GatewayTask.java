package io.portcullis.ingress;

import io.portcullis.ingress.detached.DetachedCall;
import io.portcullis.call.GatewayException;
import io.portcullis.protocol.ErrorCodes;
import io.portcullis.protocol.Json;
import io.portcullis.protocol.Message;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import tools.jackson.databind.node.ObjectNode;

/**
 * One task the gateway itself runs (2025-11-25 tasks): a task-augmented {@code tools/call} that
 * waits for an approval; the task adapter on a {@link DetachedCall} (#12 item 5). It is
 * {@code working} while the call waits and runs, then {@code completed} (the tool's result),
 * {@code failed} (an {@code isError} result: refused, denied, expired, or a JSON-RPC error of the
 * upstream) or {@code cancelled} (tasks/cancel). The detached call holds the state, so a terminal
 * status never changes again.
 */
final class GatewayTask {
    enum Status {
        WORKING, COMPLETED, FAILED, CANCELLED;

        String id() {
            return name().toLowerCase();
        }
    }

    /** What the pipeline did with the call: a result, a refusal or failure, or a crash. */
    record Outcome(ObjectNode result, GatewayException failure, RuntimeException crash) {

        /** The outcome as a response message without id, as the client would have had it. */
        ObjectNode response() {
            ObjectNode m;
            if (result != null) {
                m = Message.result(null, result);
            } else if (failure != null) {
                m = Responses.forToolCall(null, failure);
            } else {
                m = Message.error(null, ErrorCodes.INTERNAL_ERROR, "internal error in the gateway", null);
            }
            m.remove("id");
            m.remove("jsonrpc");
            return m;
        }
    }

    /** How often a client should poll tasks/get, in milliseconds. */
    static final long POLL_INTERVAL_MS = 1000;

    private final String id;
    private final ClientSession session;
    private final DetachedCall<Outcome> call;
    private final String approvalId;
    private final Instant created;
    private final Duration ttl;
    private final String waitingMessage;
    private Instant updated;

    GatewayTask(String id, ClientSession session, DetachedCall<Outcome> call, String approvalId, String statusMessage,
                Duration ttl) {
        this.id = id;
        this.session = session;
        this.call = call;
        this.approvalId = approvalId;
        this.waitingMessage = statusMessage;
        this.created = call.ticker().now();
        this.updated = created;
        this.ttl = ttl;
    }

    String id() {
        return id;
    }

    ClientSession session() {
        return session;
    }

    DetachedCall<Outcome> call() {
        return call;
    }

    Duration ttl() {
        return ttl;
    }

    String approvalId() {
        return approvalId;
    }

    /** Called once the call is terminal: the time of its last change. */
    synchronized void ended() {
        updated = call.ticker().now();
    }

    Status status() {
        return switch (call.state()) {
            case RUNNING -> Status.WORKING;
            case CANCELLED -> Status.CANCELLED;
            case EXPIRED -> Status.FAILED;
            case DONE -> error(call.result().response()) ? Status.FAILED : Status.COMPLETED;
        };
    }

    /**
     * Cancels a working task: its result becomes an {@code isError} result saying so, and the call's
     * wait (or its upstream request) is cancelled; the approval request stays pending.
     *
     * @return false when the task was already terminal (nothing changed)
     */
    boolean cancel() {
        ObjectNode result = Json.object();
        result.putArray("content").addObject().put("type", "text")
                .put("text", "The task was cancelled by the client; approval " + approvalId + " stays pending.");
        result.put("isError", true);
        return call.cancel(new Outcome(result, null, null));
    }

    /** The outcome as a response message without id, once there is one (completes when the task becomes terminal). */
    CompletableFuture<ObjectNode> outcome() {
        return call.outcome().thenApply(Outcome::response);
    }

    /**
     * The Task object of the wire, with {@code statusMessage} replaced by {@code liveMessage} while
     * working when one is given (the approval's current state).
     */
    ObjectNode describe(String liveMessage) {
        Status status = status();
        ObjectNode t = Json.object().put("taskId", id).put("status", status.id());
        String message = switch (status) {
            case WORKING -> liveMessage != null ? liveMessage : waitingMessage;
            case CANCELLED -> "cancelled by the client; approval " + approvalId + " stays pending";
            case COMPLETED -> "completed";
            case FAILED -> call.result() == null ? "the call expired" : failure(call.result().response());
        };
        t.put("statusMessage", message);
        Instant last;
        synchronized (this) {
            last = updated;
        }
        t.put("createdAt", created.toString()).put("lastUpdatedAt", last.toString());
        t.put("ttl", ttl.toMillis()).put("pollInterval", POLL_INTERVAL_MS);
        return t;
    }

    private static boolean error(ObjectNode response) {
        return response.has("error") || response.path("result").path("isError").asBoolean(false);
    }

    private static String failure(ObjectNode response) {
        if (response.has("error")) {
            return response.path("error").path("message").asString("the call failed");
        }
        String text = response.path("result").path("content").path(0).path("text").asString("");
        return text.isEmpty() ? "the tool answered with an error" : text;
    }
}
