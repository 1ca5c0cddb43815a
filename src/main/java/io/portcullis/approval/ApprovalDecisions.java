package io.portcullis.approval;

import static net.logstash.logback.argument.StructuredArguments.kv;

import io.portcullis.approval.ApprovalRequest.Status;
import io.portcullis.identity.Principal;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The deciding half of the approval workflow (split out of {@link Approvals}, #12 item 4): an
 * approver's vote (C3.3), with the rules that the caller never decides its own request, that
 * approvals are decided by people holding an approver role, and that a quorum counts people.
 * Decisions on one node are made one after the other; every decision wakes the waiting calls.
 */
final class ApprovalDecisions {
    private static final Logger LOG = LoggerFactory.getLogger("portcullis.approvals");
    private static final int MAX_COMMENT = 2000;

    /** Reads a request (expiring what is due first), as {@link Approvals#find} does. */
    @FunctionalInterface
    interface Finder {
        Optional<ApprovalRequest> find(String id) throws ApprovalException;
    }

    private final ApprovalStore store;
    private final Clock clock;
    private final Supplier<ApprovalsConfig> config;
    private final Supplier<ApprovalRecorder> recorder;
    private final Webhook webhook;
    private final Finder finder;
    private final Runnable wake;
    /** Serialises decisions on this node (see {@link #decide}). */
    private final Object deciding = new Object();

    ApprovalDecisions(ApprovalStore store, Clock clock, Supplier<ApprovalsConfig> config, Supplier<ApprovalRecorder> recorder,
                      Webhook webhook, Finder finder, Runnable wake) {
        this.store = store;
        this.clock = clock;
        this.config = config;
        this.recorder = recorder;
        this.webhook = webhook;
        this.finder = finder;
        this.wake = wake;
    }

    /**
     * Records an approver's decision (C3.3): who (the whole principal), when and the comment.
     *
     * @return the request as it stands after the decision
     * @throws ApprovalException 404 unknown, 403 the caller itself / not a user / no approver role,
     *         409 no longer pending or already decided by this approver, 400 comment too long, 503 store failure
     */
    ApprovalRequest decide(String id, Principal approver, boolean approve, String comment) throws ApprovalException {
        if (comment != null && comment.length() > MAX_COMMENT) {
            throw new ApprovalException(400, "the comment is longer than " + MAX_COMMENT + " characters");
        }
        synchronized (deciding) { // the same person's votes through two identities are checked one after the other
            return decideOnce(id, approver, approve, comment);
        }
    }

    private ApprovalRequest decideOnce(String id, Principal approver, boolean approve, String comment) throws ApprovalException {
        ApprovalsConfig cfg = config.get();
        ApprovalRequest r = finder.find(id).orElseThrow(() -> new ApprovalException(404, "no approval " + id));
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
            recorder.get().voted(r, approver, approve, comment);
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
            throw Approvals.storeFailed(e);
        }
        LOG.info("approval decision {} {} {} {} {} {}", kv("approval_id", id), kv("decision", approve ? "approve" : "deny"),
                kv("approver", approver.subject()), kv("approver_issuer", approver.issuer()), kv("comment", comment),
                kv("status", after.status().id()));
        if (after.status() != Status.PENDING) {
            try {
                recorder.get().resolved(after, approver);
            } catch (Exception e) {
                LOG.error("AUDIT FAILURE: approval {} is {} but that could not be recorded (the vote records stand)",
                        id, after.status().id(), e);
            }
            webhook.send(cfg.webhook(), "approval.decided", after);
        }
        wake.run();
        return after;
    }

    private static void refusedDecision(ApprovalRequest r, Principal approver, String why) throws ApprovalException {
        LOG.warn("approval decision refused {} {} {}", kv("approval_id", r.id()), kv("approver", approver.subject()),
                kv("reason", why));
        throw new ApprovalException(403, why);
    }

}
