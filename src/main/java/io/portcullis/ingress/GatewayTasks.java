package io.portcullis.ingress;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import tools.jackson.databind.JsonNode;

/**
 * The tasks the gateway itself runs (2025-11-25): task-augmented {@code tools/call}s that wait
 * for an approval (see {@link TaskRelay}). Only the session that created a task sees it.
 *
 * <p>Limits: a session holds at most {@link #MAX_PER_SESSION} tasks and the gateway at most
 * {@link #MAX_TOTAL} (finished or not); beyond that a call waits as an ordinary call. A finished
 * task is kept for its ttl (what the client asked in {@code task.ttl}, at most {@link #MAX_TTL},
 * {@link #DEFAULT_TTL} when it did not say), then forgotten; so are the tasks of a closed session
 * (closing a session cancels the waits of its tasks). Expiry is found on every use of the registry.
 */
final class GatewayTasks {
    static final int MAX_PER_SESSION = 16;
    static final int MAX_TOTAL = 1024;
    static final Duration DEFAULT_TTL = Duration.ofMinutes(10);
    static final Duration MAX_TTL = Duration.ofHours(1);
    static final Duration MIN_TTL = Duration.ofSeconds(1);

    private final Map<String, GatewayTask> tasks = new ConcurrentHashMap<>();
    private final Clock clock;
    private final int maxPerSession;
    private final int maxTotal;

    GatewayTasks() {
        this(Clock.systemUTC(), MAX_PER_SESSION, MAX_TOTAL);
    }

    GatewayTasks(Clock clock, int maxPerSession, int maxTotal) {
        this.clock = clock;
        this.maxPerSession = maxPerSession;
        this.maxTotal = maxTotal;
    }

    Instant now() {
        return clock.instant();
    }

    /**
     * A new working task of {@code owner}, or empty when the session or the gateway holds as many
     * tasks as it may.
     *
     * @param requestedTtl the client's {@code task.ttl} (milliseconds), or null
     */
    synchronized Optional<GatewayTask> open(ClientSession owner, JsonNode requestedTtl, String approvalId, String statusMessage) {
        purge();
        if (tasks.size() >= maxTotal || tasks.values().stream().filter(t -> t.owner() == owner).count() >= maxPerSession) {
            return Optional.empty();
        }
        String id = "ptask_" + UUID.randomUUID().toString().replace("-", "");
        GatewayTask t = new GatewayTask(id, owner, approvalId, statusMessage, now(), ttl(requestedTtl));
        tasks.put(id, t);
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
        GatewayTask t = tasks.get(id);
        return t != null && t.owner() == session ? Optional.of(t) : Optional.empty();
    }

    /** The session's tasks, oldest first. */
    List<GatewayTask> list(ClientSession session) {
        purge();
        List<GatewayTask> mine = new ArrayList<>();
        for (GatewayTask t : tasks.values()) {
            if (t.owner() == session) {
                mine.add(t);
            }
        }
        mine.sort(java.util.Comparator.comparing(GatewayTask::created));
        return mine;
    }

    /** Forgets finished tasks whose ttl has passed and every task of a closed session. */
    void purge() {
        Instant now = now();
        tasks.values().removeIf(t -> t.expired(now) || t.owner().closed());
    }

    int size() {
        return tasks.size();
    }
}
