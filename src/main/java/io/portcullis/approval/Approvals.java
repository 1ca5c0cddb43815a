package io.portcullis.approval;

import static net.logstash.logback.argument.StructuredArguments.kv;

import io.portcullis.approval.ApprovalRequest.Status;
import io.portcullis.approval.ApprovalRequest.UserRequest;
import io.portcullis.identity.Principal;
import io.portcullis.call.CallContext;
import io.portcullis.call.GatewayException;
import io.portcullis.policy.ApprovalRequirement;
import io.portcullis.policy.Decision;
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
 * Waiting is {@link ApprovalWaiter}'s, deciding {@link ApprovalDecisions}' (#12 item 4).
 */
public final class Approvals implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger("portcullis.approvals");
    private static final String CONTROL = "approval";
    private static final io.portcullis.redact.Sanitizer APPROVAL_VIEW = io.portcullis.redact.Sanitizer.forApproval();
    private static final Duration SWEEP = Duration.ofSeconds(10);

    private final ApprovalStore store;
    private final Clock clock;
    private final Webhook webhook = new Webhook();
    private final ScheduledExecutorService sweeper = Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().name("approval-expiry").daemon(true).unstarted(r));
    private final ApprovalWaiter waiter;
    private final ApprovalDecisions decisions;
    private volatile ApprovalsConfig config = ApprovalsConfig.DEFAULTS;
    private volatile ApprovalRecorder recorder = ApprovalRecorder.NONE;

    /**
     * @throws io.portcullis.store.StoreException when the approval tables cannot be created
     */
    public Approvals(Store store, Clock clock) {
        this.store = new ApprovalStore(store);
        this.clock = clock;
        this.waiter = new ApprovalWaiter(this.store, clock, this::config, this::expire);
        this.decisions = new ApprovalDecisions(this.store, clock, this::config, () -> recorder, webhook, this::find, waiter::wake);
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
     * call became a task through its {@link ApprovalWait} listener, see {@link #onWait}).
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
                    ApprovalWaiter.used(call, r);
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
        waiter.await(call, request);
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
        return decisions.decide(id, approver, approve, comment);
    }

    /**
     * Tells {@code listener} when the call {@code callId} is about to wait for an approval (#12
     * item 5): the narrow callback through which a call becomes a gateway task. Close the
     * registration when the call is over.
     */
    public ApprovalWait.Listening onWait(String callId, ApprovalWait listener) {
        return waiter.onWait(callId, listener);
    }

    /** Listeners registered now (each call's leaves with it). */
    int listening() {
        return waiter.listening();
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

    static ApprovalException storeFailed(SQLException e) {
        LOG.error("approvals: store failure", e);
        return new ApprovalException(503, "the approval store failed; nothing was recorded");
    }

    static GatewayException.Refused refused(String message) {
        return new GatewayException.Refused(CONTROL, message);
    }

    private static String bounded(JsonNode n, int max) {
        if (n == null || n.isNull() || n.isContainer()) {
            return null;
        }
        String s = n.asString();
        return s.length() > max ? s.substring(0, max) : s;
    }

    /** Ends every wait (those calls are refused; their requests stay pending) and stops the webhook sender. */
    @Override
    public void close() {
        sweeper.shutdownNow();
        waiter.close();
        webhook.close();
    }
}
