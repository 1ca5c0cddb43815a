package io.portcullis.approval;

import static net.logstash.logback.argument.StructuredArguments.kv;

import io.portcullis.approval.ApprovalRequest.Status;
import io.portcullis.approval.ApprovalRequest.UserRequest;
import io.portcullis.identity.Principal;
import io.portcullis.call.CallContext;
import io.portcullis.call.GatewayException;
import io.portcullis.policy.ApprovalRequirement;
import io.portcullis.policy.Decision;
import io.portcullis.protocol.Json;
import io.portcullis.store.Store;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The approval workflow (C3.2, C3.3): a call that policy marks {@code require_approval} becomes a
 * stored request and waits for approvers; approvers decide through the admin API, the CLI or the
 * page. The rules written once here:
 * <ul>
 *   <li>the caller never approves its own request (same subject, whatever the issuer, or the
 *       same person through {@code link_by_verified_email});</li>
 *   <li>an approver is an authenticated user holding one of the rule's approver roles, taken
 *       from its own principal; quorum counts distinct people ({@link ApprovalsConfig#person});
 *       one deny denies;</li>
 *   <li>an approval is bound to the caller, the tool, the environment and the SHA-256 of the
 *       exact arguments, and is used once: the waiting call, or else the first identical retry;</li>
 *   <li>a request expires {@code ttl} after it was made, an approval {@code ttl} after it was
 *       given; expired means denied.</li>
 * </ul>
 * Every failure refuses: a store error never lets a call through and never records a decision.
 */
public final class Approvals implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger("portcullis.approvals");
    private static final String CONTROL = "approval";
    private static final int MAX_COMMENT = 2000;
    private static final io.portcullis.redact.Sanitizer APPROVAL_VIEW = io.portcullis.redact.Sanitizer.forApproval();
    private static final Duration POLL = Duration.ofSeconds(1);
    private static final Duration SWEEP = Duration.ofSeconds(10);

    private final ApprovalStore store;
    private final Clock clock;
    private final Webhook webhook = new Webhook();
    private final ScheduledExecutorService sweeper = Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().name("approval-expiry").daemon(true).unstarted(r));
    /** Woken on every decision made on this node; other nodes' decisions are seen by polling the store. */
    private final Object decisions = new Object();
    /** Serialises decisions on this node (see {@link #decide}). */
    private final Object deciding = new Object();
    private volatile ApprovalsConfig config = ApprovalsConfig.DEFAULTS;
    private volatile ApprovalRecorder recorder = ApprovalRecorder.NONE;
    private volatile boolean closed;

    /**
     * @throws io.portcullis.store.StoreException when the approval tables cannot be created
     */
    public Approvals(Store store, Clock clock) {
        this.store = new ApprovalStore(store);
        this.clock = clock;
        // expiry is also found lazily by every read; the sweep makes its audit record come on time
        sweeper.scheduleWithFixedDelay(this::expireDue, SWEEP.toMillis(), SWEEP.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Swaps in the {@code approvals:} section of a (re)loaded config. */
    public void apply(ApprovalsConfig next) {
        this.config = next;
    }

    public ApprovalsConfig config() {
        return config;
    }

    /** Where requests and decisions are recorded (the audit log); see {@link ApprovalRecorder} for the order. */
    public void recorder(ApprovalRecorder r) {
        this.recorder = r;
    }

    /**
     * Lets a call that needs an approval through, or refuses it. Uses an approval given for exactly
     * this call if there is one; otherwise joins the pending request for it or records a new one,
     * and waits up to {@code approvals.wait} for the decision (until the request expires when the
     * call's relay turned it into a task, see {@link io.portcullis.call.Relay#awaitingApproval}).
     *
     * @return normally when an approval was used for this call (its id is in the trail)
     * @throws GatewayException.Refused (control {@code approval}) when denied, expired, still
     *         pending at the end of the wait (naming the id and how to retry), the caller is not
     *         authenticated, or the store fails
     */
    public void admit(CallContext call, Decision decision) throws GatewayException {
        ApprovalRequirement need = decision.approval();
        Principal caller = call.principal();
        if (caller.kind() == Principal.Kind.ANONYMOUS) {
            throw refused("this call needs an approval (rules " + decision.ruleIds() + "), and approvals need an "
                    + "authenticated caller: this gateway runs without an identity section");
        }
        String tool = call.requireTool().name();
        String hash = ArgumentDigest.hash(call.arguments());
        ApprovalRequest request;
        try {
            Instant now = clock.instant();
            expire(now);
            List<ApprovalRequest> live = store.live(caller, tool, call.environment(), hash, now);
            for (ApprovalRequest r : live) {
                if (r.status() == Status.APPROVED && store.consume(r.id(), call.callId(), now)) {
                    used(call, r);
                    return;
                }
            }
            request = live.stream().filter(r -> r.status() == Status.PENDING).findFirst().orElse(null);
            if (request == null) {
                try {
                    request = create(call, decision, need, tool, hash, now);
                } catch (AuditRefusal e) {
                    throw new GatewayException.Refused("audit", "the audit log could not record the approval request "
                            + "this call needs, so no request was made and the call is refused; the operator has been alerted");
                }
            } else {
                call.trail().approvalId(request.id());
                LOG.info("approval joined {} {} {}", kv("approval_id", request.id()), kv("call_id", call.callId()),
                        kv("subject", caller.subject()));
            }
        } catch (SQLException | RuntimeException e) {
            LOG.error("approvals: the store failed; the call is refused", e);
            throw refused("the approval store failed, so the call is refused (nothing was approved)");
        }
        await(call, request);
    }

    private ApprovalRequest create(CallContext call, Decision decision, ApprovalRequirement need, String tool,
                                   String hash, Instant now) throws SQLException {
        ObjectNode meta = call.meta();
        UserRequest user = null;
        String traceparent = null;
        if (meta != null) {
            if (meta.get("io.portcullis/userRequest") instanceof ObjectNode u) {
                // #11 item 8: the same detectors as the arguments' display copy
                user = new UserRequest(bounded(u.get("id"), 256), APPROVAL_VIEW.text(bounded(u.get("text"), 8000)));
            }
            traceparent = bounded(meta.get("traceparent"), 256);
        }
        ApprovalRequest r = new ApprovalRequest("apr_" + UUID.randomUUID().toString().replace("-", ""), Status.PENDING,
                call.principal(), call.sessionId(), user, traceparent, tool, call.environment(),
                ArgumentDigest.display(call.arguments()), hash, decision.ruleIds(), need.approverRoles(), need.quorum(),
                need.ttl(), need.reason(), now, now.plus(need.ttl()), List.of(), null, null);
        try {
            recorder.requested(r, call);
        } catch (Exception e) {
            LOG.error("AUDIT FAILURE: approval request {} for call {} could not be recorded; the call is refused",
                    r.id(), call.callId(), e);
            throw new AuditRefusal();
        }
        store.insert(r);
        call.trail().approvalId(r.id());
        LOG.info("approval requested {} {} {} {} {} {} {} {}", kv("approval_id", r.id()), kv("call_id", call.callId()),
                kv("subject", r.requester().subject()), kv("tool", tool), kv("env", r.environment()),
                kv("rule_ids", r.ruleIds()), kv("approver_roles", r.approverRoles()), kv("expires", r.expires().toString()));
        webhook.send(config.webhook(), "approval.requested", r);
        return r;
    }

    private void await(CallContext call, ApprovalRequest request) throws GatewayException {
        ApprovalsConfig cfg = config;
        String id = request.id();
        AtomicBoolean cancelled = new AtomicBoolean();
        call.relay().attach(() -> {
            cancelled.set(true);
            wake();
        });
        long start = System.nanoTime();
        // a call that became a task (2025-11-25) waits for the decision until the request expires
        boolean task = call.relay().awaitingApproval(id, taskMessage(request));
        long deadline = start + (task
                ? Math.max(0, Duration.between(clock.instant(), request.expires()).toNanos()) + POLL.toNanos()
                : cfg.waitFor().toNanos());
        long nextProgress = start;
        int progress = 0;
        while (true) {
            ApprovalRequest now;
            try {
                Instant t = clock.instant();
                now = store.find(id).orElseThrow(() -> new SQLException("approval " + id + " vanished from the store"));
                if ((now.status() == Status.PENDING || now.status() == Status.APPROVED) && !now.expires().isAfter(t)) {
                    expire(t); // written only when due: a waiting call polls by reading
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
                throw refused("the approval store failed while waiting for approval " + id + "; the call is refused");
            }
            switch (now.status()) {
                case DENIED -> throw refused("approval " + id + " was denied" + votes(now));
                case EXPIRED -> throw refused("approval " + id + " expired at " + now.expires()
                        + " without a decision; expired means denied. Calling again asks for a new approval");
                case USED -> throw refused("approval " + id + " was used by another identical call (" + now.usedByCall()
                        + "); an approval runs one call only. Calling again asks for a new approval");
                default -> { }
            }
            if (closed) {
                throw refused("the gateway is stopping; approval " + id + " stays pending: retry the identical call later");
            }
            if (cancelled.get()) {
                throw refused("the client cancelled the call; approval " + id + " stays pending");
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw refused(pendingMessage(now));
            }
            if (System.nanoTime() - nextProgress >= 0) {
                progress(call, ++progress, "waiting for approval " + id + " (" + now.approvals() + " of " + now.quorum()
                        + " approvals by " + String.join("/", now.approverRoles()) + ")");
                nextProgress = System.nanoTime() + cfg.progressInterval().toNanos();
            }
            long sleep = Math.min(left, Math.min(POLL.toNanos(), Math.max(1, nextProgress - System.nanoTime())));
            synchronized (decisions) {
                try {
                    decisions.wait(Math.max(1, sleep / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw refused("interrupted while waiting for approval " + id + "; it stays pending");
                }
            }
        }
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

    private void used(CallContext call, ApprovalRequest r) {
        call.trail().approvalId(r.id());
        call.trail().note("approval " + r.id() + " used");
        LOG.info("approval used {} {} {} {}", kv("approval_id", r.id()), kv("call_id", call.callId()),
                kv("subject", call.principal().subject()), kv("tool", r.tool()));
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
        call.relay().notify(note);
    }

    /** Requests newest first (at most 500), {@code status} null for all; expired ones are marked first. */
    public List<ApprovalRequest> list(Status status) throws ApprovalException {
        try {
            expire(clock.instant());
            return store.list(status, 500);
        } catch (SQLException e) {
            throw storeFailed(e);
        }
    }

    public Optional<ApprovalRequest> find(String id) throws ApprovalException {
        try {
            expire(clock.instant());
            return store.find(id);
        } catch (SQLException e) {
            throw storeFailed(e);
        }
    }

    /**
     * Whether {@code p} may see the request: an admin, a holder of one of its approver roles, or the
     * caller itself, by issuer and subject (#11 item 11: never by subject alone, {@code alice} of one
     * issuer is not {@code alice} of another).
     */
    public static boolean mayView(Principal p, ApprovalRequest r, boolean admin) {
        return admin || r.approverRoles().stream().anyMatch(p.roles()::contains)
                || (p.subject().equals(r.requester().subject()) && java.util.Objects.equals(p.issuer(), r.requester().issuer()));
    }

    /**
     * Records an approver's decision (C3.3): who (the whole principal), when and the comment.
     *
     * @return the request as it stands after the decision
     * @throws ApprovalException 404 unknown, 403 the caller itself / not a user / no approver role,
     *         409 no longer pending or already decided by this approver, 400 comment too long, 503 store failure
     */
    public ApprovalRequest decide(String id, Principal approver, boolean approve, String comment) throws ApprovalException {
        if (comment != null && comment.length() > MAX_COMMENT) {
            throw new ApprovalException(400, "the comment is longer than " + MAX_COMMENT + " characters");
        }
        synchronized (deciding) { // the same person's votes through two identities are checked one after the other
            return decideOnce(id, approver, approve, comment);
        }
    }

    private ApprovalRequest decideOnce(String id, Principal approver, boolean approve, String comment) throws ApprovalException {
        ApprovalsConfig cfg = config;
        ApprovalRequest r = find(id).orElseThrow(() -> new ApprovalException(404, "no approval " + id));
        // the same subject whatever the issuer, and the same person (#11 item 15) at any linked issuer
        if (approver.subject().equals(r.requester().subject()) || cfg.person(approver).equals(cfg.person(r.requester()))) {
            refusedDecision(r, approver, "the caller can never approve or deny its own request");
        }
        if (approver.kind() != Principal.Kind.USER) {
            refusedDecision(r, approver, "approvals are decided by people: " + approver.subject() + " is a "
                    + approver.kind().name().toLowerCase() + " principal");
        }
        if (r.approverRoles().stream().noneMatch(approver.roles()::contains)) {
            refusedDecision(r, approver, approver.subject() + " holds none of the approver roles " + r.approverRoles());
        }
        if (r.status() != Status.PENDING) {
            throw new ApprovalException(409, "approval " + id + " is " + r.status().id() + ", not pending");
        }
        if (r.votes().stream().anyMatch(v -> v.approver().subject().equals(approver.subject()))) {
            throw new ApprovalException(409, approver.subject() + " has already decided approval " + id);
        }
        // #11 item 15: a quorum counts people; one person with subjects at two linked issuers votes once
        var same = r.votes().stream().filter(v -> cfg.person(v.approver()).equals(cfg.person(approver))).findFirst();
        if (same.isPresent()) {
            throw new ApprovalException(409, approver.subject() + " is the same person as " + same.get().approver().subject()
                    + " (" + same.get().approver().issuer() + "), who has already decided approval " + id);
        }
        try {
            recorder.voted(r, approver, approve, comment);
        } catch (Exception e) {
            LOG.error("AUDIT FAILURE: the decision of {} on approval {} could not be recorded; nothing was decided",
                    approver.subject(), id, e);
            throw new ApprovalException(503, "the audit log could not record this decision, so nothing was decided; "
                    + "the operator has been alerted");
        }
        ApprovalRequest after;
        try {
            if (!store.vote(id, approver, approve, comment, clock.instant())) {
                ApprovalRequest now = store.find(id).orElseThrow();
                throw new ApprovalException(409, "approval " + id + " is " + now.status().id() + ", not pending");
            }
            after = store.find(id).orElseThrow();
        } catch (SQLException e) {
            if (e.getMessage() != null && e.getMessage().toLowerCase().matches("(?s).*(unique|primary key|duplicate).*")) {
                throw new ApprovalException(409, approver.subject() + " has already decided approval " + id);
            }
            throw storeFailed(e);
        }
        LOG.info("approval decision {} {} {} {} {} {}", kv("approval_id", id), kv("decision", approve ? "approve" : "deny"),
                kv("approver", approver.subject()), kv("approver_issuer", approver.issuer()), kv("comment", comment),
                kv("status", after.status().id()));
        if (after.status() != Status.PENDING) {
            try {
                recorder.resolved(after, approver);
            } catch (Exception e) {
                LOG.error("AUDIT FAILURE: approval {} is {} but that could not be recorded (the vote records stand)",
                        id, after.status().id(), e);
            }
            webhook.send(config.webhook(), "approval.decided", after);
        }
        wake();
        return after;
    }

    private static void refusedDecision(ApprovalRequest r, Principal approver, String why) throws ApprovalException {
        LOG.warn("approval decision refused {} {} {}", kv("approval_id", r.id()), kv("approver", approver.subject()),
                kv("reason", why));
        throw new ApprovalException(403, why);
    }

    /** Expires what is due, and records each expiry this node made (expired means denied). */
    private void expire(Instant now) throws SQLException {
        for (String id : store.expire(now)) {
            ApprovalRequest r = store.find(id).orElse(null);
            if (r == null) {
                continue;
            }
            LOG.info("approval expired {} {} {}", kv("approval_id", id), kv("subject", r.requester().subject()),
                    kv("tool", r.tool()));
            try {
                recorder.expired(r);
            } catch (Exception e) {
                LOG.error("AUDIT FAILURE: approval {} expired but that could not be recorded", id, e);
            }
        }
    }

    /** Expires what is due now; the gateway calls this on a timer so that expiry is recorded on time. */
    public void expireDue() {
        try {
            expire(clock.instant());
        } catch (SQLException | RuntimeException e) {
            LOG.warn("approvals: the expiry sweep failed (it runs again): {}", e.toString());
        }
    }

    /** Thrown inside {@link #create} when the request could not be recorded; never leaves this class. */
    private static final class AuditRefusal extends RuntimeException {
        AuditRefusal() {
            super(null, null, false, false);
        }
    }

    private void wake() {
        synchronized (decisions) {
            decisions.notifyAll();
        }
    }

    private static ApprovalException storeFailed(SQLException e) {
        LOG.error("approvals: store failure", e);
        return new ApprovalException(503, "the approval store failed; nothing was recorded");
    }

    private static GatewayException.Refused refused(String message) {
        return new GatewayException.Refused(CONTROL, message);
    }

    private static String bounded(JsonNode n, int max) {
        if (n == null || n.isNull() || n.isContainer()) {
            return null;
        }
        String s = n.asString();
        return s.length() > max ? s.substring(0, max) : s;
    }

    private static String votes(ApprovalRequest r) {
        return r.votes().stream().filter(v -> !v.approve()).findFirst()
                .map(v -> " by " + v.approver().subject() + (v.comment() == null || v.comment().isBlank() ? "" : ": " + v.comment()))
                .orElse("");
    }

    /** Ends every wait (those calls are refused; their requests stay pending) and stops the webhook sender. */
    @Override
    public void close() {
        closed = true;
        sweeper.shutdownNow();
        wake();
        webhook.close();
    }
}
