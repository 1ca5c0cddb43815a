package io.portcullis.ingress;

import io.portcullis.protocol.Json;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import tools.jackson.databind.node.ObjectNode;

/**
 * One task the gateway itself runs (2025-11-25 tasks): a task-augmented {@code tools/call} that
 * waits for an approval. It is {@code working} while the call waits and runs, then
 * {@code completed} (the tool's result), {@code failed} (an {@code isError} result: refused,
 * denied, expired, or a JSON-RPC error of the upstream) or {@code cancelled} (tasks/cancel).
 * A terminal status never changes again.
 */
final class GatewayTask {
    enum Status {
        WORKING, COMPLETED, FAILED, CANCELLED;

        String id() {
            return name().toLowerCase();
        }
    }

    /** How often a client should poll tasks/get, in milliseconds. */
    static final long POLL_INTERVAL_MS = 1000;

    private final String id;
    private final ClientSession owner;
    private final String approvalId;
    private final Instant created;
    private final Duration ttl;
    private final CompletableFuture<ObjectNode> outcome = new CompletableFuture<>();
    private Status status = Status.WORKING;
    private String statusMessage;
    private Instant updated;
    private Instant finished;
    private volatile Runnable canceller = () -> { };

    GatewayTask(String id, ClientSession owner, String approvalId, String statusMessage, Instant created, Duration ttl) {
        this.id = id;
        this.owner = owner;
        this.approvalId = approvalId;
        this.statusMessage = statusMessage;
        this.created = created;
        this.updated = created;
        this.ttl = ttl;
    }

    String id() {
        return id;
    }

    ClientSession owner() {
        return owner;
    }

    Instant created() {
        return created;
    }

    String approvalId() {
        return approvalId;
    }

    synchronized Status status() {
        return status;
    }

    /** How the call is stopped (the approval wait, later the upstream request); set by the call's relay. */
    void canceller(Runnable c) {
        this.canceller = c;
    }

    /**
     * The call's outcome: a response message without id ({@code result} or {@code error}).
     * Ignored once the task is terminal (a cancelled task keeps its cancellation).
     *
     * @return whether this outcome became the task's
     */
    boolean finish(ObjectNode response, Instant now) {
        synchronized (this) {
            if (status != Status.WORKING) {
                return false;
            }
            boolean error = response.has("error") || response.path("result").path("isError").asBoolean(false);
            status = error ? Status.FAILED : Status.COMPLETED;
            statusMessage = error ? failure(response) : "completed";
            updated = now;
            finished = now;
        }
        outcome.complete(response);
        return true;
    }

    /**
     * Cancels a working task: its result becomes an {@code isError} result saying so, and the call's
     * wait (or its upstream request) is cancelled; the approval request stays pending.
     *
     * @return false when the task was already terminal (nothing changed)
     */
    boolean cancel(Instant now) {
        synchronized (this) {
            if (status != Status.WORKING) {
                return false;
            }
            status = Status.CANCELLED;
            statusMessage = "cancelled by the client; approval " + approvalId + " stays pending";
            updated = now;
            finished = now;
        }
        ObjectNode result = Json.object();
        result.putArray("content").addObject().put("type", "text")
                .put("text", "The task was cancelled by the client; approval " + approvalId + " stays pending.");
        result.put("isError", true);
        outcome.complete(Json.object().set("result", result));
        canceller.run();
        return true;
    }

    /** The outcome, once there is one (completes when the task becomes terminal). */
    CompletableFuture<ObjectNode> outcome() {
        return outcome;
    }

    /** Whether the task finished and its ttl since then has passed. */
    synchronized boolean expired(Instant now) {
        return finished != null && !finished.plus(ttl).isAfter(now);
    }

    /**
     * The Task object of the wire, with {@code statusMessage} replaced by {@code liveMessage} while
     * working when one is given (the approval's current state).
     */
    synchronized ObjectNode describe(String liveMessage) {
        ObjectNode t = Json.object().put("taskId", id).put("status", status.id());
        String message = status == Status.WORKING && liveMessage != null ? liveMessage : statusMessage;
        if (message != null) {
            t.put("statusMessage", message);
        }
        t.put("createdAt", created.toString()).put("lastUpdatedAt", updated.toString());
        t.put("ttl", ttl.toMillis()).put("pollInterval", POLL_INTERVAL_MS);
        return t;
    }

    private static String failure(ObjectNode response) {
        if (response.has("error")) {
            return response.path("error").path("message").asString("the call failed");
        }
        String text = response.path("result").path("content").path(0).path("text").asString("");
        return text.isEmpty() ? "the tool answered with an error" : text;
    }
}
