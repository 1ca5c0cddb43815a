package io.portcullis.approval;

import static net.logstash.logback.argument.StructuredArguments.kv;

import io.portcullis.approval.ApprovalRequest.Status;
import io.portcullis.call.CallContext;
import io.portcullis.call.GatewayException;
import io.portcullis.protocol.Json;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The waiting half of the approval workflow (split out of {@link Approvals}, #12 item 4): a call
 * waits here for the decision on its request, up to {@code approvals.wait} (or until the request
 * expires when its {@link ApprovalWait} listener detached it, #12 item 5), polling the store and
 * woken by every decision of this node. Time is the {@link Clock}'s, so a test moves it (#12 item 7).
 */
final class ApprovalWaiter {
    private static final Logger LOG = LoggerFactory.getLogger("portcullis.approvals");
    static final Duration POLL = Duration.ofSeconds(1);

    /** Expires what is due at an instant (and records it), as {@link Approvals} does. */
    @FunctionalInterface
    interface Expiry {
        void expire(Instant now) throws SQLException;
    }

    private final ApprovalStore store;
    private final Clock clock;
    private final Supplier<ApprovalsConfig> config;
    private final Expiry expiry;
    /** Woken on every decision made on this node; other nodes' decisions are seen by polling the store. */
    private final Object decisions = new Object();
    /** The listeners of calls that may detach while they wait, by call id; each leaves when its call's wait is over. */
    private final Map<String, ApprovalWait> listeners = new ConcurrentHashMap<>();
    private volatile boolean closed;

    ApprovalWaiter(ApprovalStore store, Clock clock, Supplier<ApprovalsConfig> config, Expiry expiry) {
        this.store = store;
        this.clock = clock;
        this.config = config;
        this.expiry = expiry;
    }

    /** Registers {@code listener} for the call {@code callId} until the returned registration is closed. */
    ApprovalWait.Listening onWait(String callId, ApprovalWait listener) {
        listeners.put(callId, listener);
        return () -> listeners.remove(callId, listener);
    }

    /** How many listeners are registered (calls running that may detach). */
    int listening() {
        return listeners.size();
    }

    /** Waits for the decision on {@code request}; returns when an approval was used for this call. */
    void await(CallContext call, ApprovalRequest request) throws GatewayException {
        ApprovalsConfig cfg = config.get();
        String id = request.id();
        AtomicBoolean cancelled = new AtomicBoolean();
        call.relay().attach(() -> {
            cancelled.set(true);
            wake();
        });
        Instant start = clock.instant();
        // a call that became a task (2025-11-25) waits for the decision until the request expires
        ApprovalWait listener = listeners.getOrDefault(call.callId(), ApprovalWait.NONE);
        boolean detached = listener.waiting(new ApprovalWait.Pending(id, taskMessage(request), request.expires()));
        Instant deadline = detached ? request.expires().plus(POLL) : start.plus(cfg.waitFor());
        Instant nextProgress = start;
        int progress = 0;
        while (true) {
            ApprovalRequest now;
            try {
                Instant t = clock.instant();
                now = store.find(id).orElseThrow(() -> new SQLException("approval " + id + " vanished from the store"));
                if ((now.status() == Status.PENDING || now.status() == Status.APPROVED) && !now.expires().isAfter(t)) {
                    expiry.expire(t); // written only when due: a waiting call polls by reading
                    now = store.find(id).orElseThrow();
                }
                if (now.status() == Status.APPROVED) {
                    if (store.consume(id, call.callId(), t)) {
                        used(call, now);
                        return;
                    }
                    continue; // used or expired in between: the next read says which
                }
            } catch (SQLException | RuntimeException e) {
                LOG.error("approvals: the store failed while waiting; the call is refused", e);
                throw Approvals.refused("the approval store failed while waiting for approval " + id + "; the call is refused");
            }
            switch (now.status()) {
                case DENIED -> throw Approvals.refused("approval " + id + " was denied" + votes(now));
                case EXPIRED -> throw Approvals.refused("approval " + id + " expired at " + now.expires()
                        + " without a decision; expired means denied. Calling again asks for a new approval");
                case USED -> throw Approvals.refused("approval " + id + " was used by another identical call (" + now.usedByCall()
                        + "); an approval runs one call only. Calling again asks for a new approval");
                default -> { }
            }
            if (closed) {
                throw Approvals.refused("the gateway is stopping; approval " + id + " stays pending: retry the identical call later");
            }
            if (cancelled.get()) {
                throw Approvals.refused("the client cancelled the call; approval " + id + " stays pending");
            }
            Instant t = clock.instant();
            Duration left = Duration.between(t, deadline);
            if (!left.isPositive()) {
                throw Approvals.refused(pendingMessage(now));
            }
            if (!t.isBefore(nextProgress)) {
                progress(call, ++progress, "waiting for approval " + id + " (" + now.approvals() + " of " + now.quorum()
                        + " approvals by " + String.join("/", now.approverRoles()) + ")");
                nextProgress = t.plus(cfg.progressInterval());
            }
            long sleep = Math.min(left.toMillis(), Math.min(POLL.toMillis(), Math.max(1, Duration.between(t, nextProgress).toMillis())));
            synchronized (decisions) {
                try {
                    decisions.wait(Math.max(1, sleep));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw Approvals.refused("interrupted while waiting for approval " + id + "; it stays pending");
                }
            }
        }
    }

    /** Wakes every waiting call (a decision was made, the gateway stops, or time was moved). */
    void wake() {
        synchronized (decisions) {
            decisions.notifyAll();
        }
    }

    /** Ends every wait: those calls are refused, their requests stay pending. */
    void close() {
        closed = true;
        wake();
    }

    static void used(CallContext call, ApprovalRequest r) {
        call.trail().approvalId(r.id());
        call.trail().note("approval " + r.id() + " used");
        LOG.info("approval used {} {} {} {}", kv("approval_id", r.id()), kv("call_id", call.callId()),
                kv("subject", call.principal().subject()), kv("tool", r.tool()));
    }

    private static String pendingMessage(ApprovalRequest r) {
        return "approval " + r.id() + " is pending: " + (r.reason() == null ? "" : r.reason() + ". ") + "It needs "
                + r.quorum() + " approval(s) by a holder of " + r.approverRoles() + " other than you, before "
                + r.expires() + ". An approver decides at /admin/approvals, with `portcullis approvals approve " + r.id()
                + "` or POST /admin/api/approvals/" + r.id() + "/approve. Once approved, retry this identical call "
                + "(same tool, environment and arguments): it runs once. Changed arguments need a new approval.";
    }

    private static String taskMessage(ApprovalRequest r) {
        return "waiting for approval " + r.id() + ": " + (r.reason() == null ? "" : r.reason() + ". ") + "It needs "
                + r.quorum() + " approval(s) by a holder of " + r.approverRoles() + " other than you, before "
                + r.expires() + ". An approver decides at /admin/approvals, with `portcullis approvals approve " + r.id()
                + "` or POST /admin/api/approvals/" + r.id() + "/approve. The task completes once it is decided.";
    }

    private static void progress(CallContext call, int n, String message) {
        ObjectNode meta = call.meta();
        JsonNode token = meta == null ? null : meta.get("progressToken");
        if (token == null || !(token.isString() || token.isIntegralNumber())) {
            return;
        }
        ObjectNode note = Json.object().put("jsonrpc", "2.0").put("method", "notifications/progress");
        ObjectNode p = note.putObject("params");
        p.set("progressToken", token);
        p.put("progress", n).put("message", message);
        // #18 (session 10): the gateway's own notification, a CLIENT span in the waiting call's trace
        io.portcullis.tracing.Tracing.current().own(note, call.relay()::notify);
    }

    private static String votes(ApprovalRequest r) {
        return r.votes().stream().filter(v -> !v.approve()).findFirst()
                .map(v -> " by " + v.approver().subject() + (v.comment() == null || v.comment().isBlank() ? "" : ": " + v.comment()))
                .orElse("");
    }
}
