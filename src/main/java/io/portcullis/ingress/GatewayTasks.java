package io.portcullis.ingress;

import io.portcullis.ingress.detached.DetachedCall;
import io.portcullis.ingress.detached.DetachedCalls;
import io.portcullis.ingress.detached.Ticker;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

/**
 * The tasks the gateway itself runs (2025-11-25): task-augmented {@code tools/call}s that wait
 * for an approval (see {@link TaskCalls}), kept in a {@link DetachedCalls} registry (#12 item 5).
 * Only the session that created a task sees it (the registry's owner check, by
 * {@link ClientSession#key()}).
 *
 * <p>Limits: a session holds at most {@link #MAX_PER_SESSION} tasks and the gateway at most
 * {@link #MAX_TOTAL} (finished or not); beyond that a call waits as an ordinary call. A finished
 * task is kept for its ttl (what the client asked in {@code task.ttl}, at most {@link #MAX_TTL},
 * {@link #DEFAULT_TTL} when it did not say), then forgotten (a timer on the ticker); so are the
 * tasks of a closed session (closing a session cancels the waits of its tasks).
 */
final class GatewayTasks {
    static final int MAX_PER_SESSION = 16;
    static final int MAX_TOTAL = 1024;
    static final Duration DEFAULT_TTL = Duration.ofMinutes(10);
    static final Duration MAX_TTL = Duration.ofHours(1);
    static final Duration MIN_TTL = Duration.ofSeconds(1);

    private final DetachedCalls<GatewayTask> tasks;

    GatewayTasks(Ticker ticker, int maxPerSession, int maxTotal) {
        this.tasks = new DetachedCalls<>(ticker, maxPerSession, maxTotal, "gateway tasks", GatewayTask::call);
    }

    Ticker ticker() {
        return tasks.ticker();
    }

    Instant now() {
        return tasks.ticker().now();
    }

    /**
     * Makes {@code call} a new working task of {@code owner}, or empty when the session or the
     * gateway holds as many tasks as it may.
     *
     * @param requestedTtl the client's {@code task.ttl} (milliseconds), or null
     */
    Optional<GatewayTask> open(ClientSession owner, DetachedCall<GatewayTask.Outcome> call, JsonNode requestedTtl,
                               String approvalId, String statusMessage) {
        purge();
        String id = "ptask_" + UUID.randomUUID().toString().replace("-", "");
        GatewayTask t = new GatewayTask(id, owner, call, approvalId, statusMessage, ttl(requestedTtl));
        if (tasks.admit(id, t) != null) {
            return Optional.empty();
        }
        // a working task is never expired; a finished one is kept for its ttl, then forgotten
        call.onEnd(() -> {
            t.ended();
            call.expireIn(t.ttl(), () -> { });
        });
        return Optional.of(t);
    }

    static Duration ttl(JsonNode requested) {
        if (requested == null || !requested.isNumber()) {
            return DEFAULT_TTL;
        }
        long ms = requested.asLong();
        if (ms < MIN_TTL.toMillis()) {
            return MIN_TTL;
        }
        return ms > MAX_TTL.toMillis() ? MAX_TTL : Duration.ofMillis(ms);
    }

    /** The task {@code id} if {@code session} created it (another session's task is unknown to it). */
    Optional<GatewayTask> find(ClientSession session, String id) {
        purge();
        return tasks.find(id, session.key());
    }

    /** The session's tasks, oldest first. */
    List<GatewayTask> list(ClientSession session) {
        purge();
        return tasks.owned(session.key());
    }

    /** Forgets every task of a closed session (finished ones go by their ttl timer). */
    void purge() {
        tasks.removeIf(t -> t.session().closed());
    }

    int size() {
        return tasks.size();
    }
}
