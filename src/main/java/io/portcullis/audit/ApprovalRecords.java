package io.portcullis.audit;

import io.portcullis.approval.ApprovalRecorder;
import io.portcullis.approval.ApprovalRequest;
import io.portcullis.identity.Principal;
import io.portcullis.call.CallContext;
import io.portcullis.protocol.Json;
import io.portcullis.redact.Sanitizer;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Approval requests and decisions as audit records of their own (C3.3, C4.1), in the chain of
 * the request's environment, beside the calls:
 * <ul>
 *   <li>{@code approval_requested}: principal = the caller; the call id, the user request, the
 *       tool and risk class, the sanitized arguments and their hash, the rules, roles, quorum and
 *       expiry; decision {@code pending};</li>
 *   <li>{@code approval_vote}: principal = the approver (every field); decision {@code approve}
 *       or {@code deny}, with the comment;</li>
 *   <li>{@code approval_decided}: principal = the approver whose vote settled it; decision
 *       {@code approved} or {@code denied}, with every approver;</li>
 *   <li>{@code approval_expired}: principal = the caller; decision {@code expired} (= denied).</li>
 * </ul>
 * Every one carries the approval id in {@code decision.approval_ids} and the user request the
 * approval was made for, so {@code audit trace} shows them in the request's chain and
 * {@code audit search --kind} finds them.
 */
final class ApprovalRecords implements ApprovalRecorder {
    private final AuditLog log;

    ApprovalRecords(AuditLog log) {
        this.log = log;
    }

    @Override
    public void requested(ApprovalRequest r, CallContext call) throws Exception {
        Sanitizer sanitizer = log.records().sanitizer();
        ObjectNode rec = common("approval_requested", r, call.principal());
        rec.put("call_id", call.callId());
        CallRecords.putIfSet(rec, "session", call.sessionId());
        RequestContext.of(call, sanitizer).write(rec.putObject("request"));
        Risk risk = Risk.of(call);
        rec.putObject("tool").put("name", r.tool()).put("risk_class", risk.riskClass()).put("risk_source", risk.source());
        decision(rec, "pending", r);
        ObjectNode a = approval(rec, r);
        a.put("arguments_hash", r.argumentsHash()).put("quorum", r.quorum()).put("ttl_seconds", r.ttl().toSeconds())
                .put("created", micros(r.created())).put("expires", micros(r.expires()));
        CallRecords.putIfSet(a, "reason", r.reason());
        strings(a.putArray("approver_roles"), r.approverRoles());
        a.set("arguments", sanitizer.sanitize(r.arguments()).value());
        log.recordDurably(rec);
    }

    @Override
    public void voted(ApprovalRequest r, Principal approver, boolean approve, String comment) throws Exception {
        ObjectNode rec = common("approval_vote", r, approver);
        request(rec, r);
        rec.putObject("tool").put("name", r.tool());
        decision(rec, approve ? "approve" : "deny", r);
        ObjectNode a = approval(rec, r);
        a.put("vote", approve ? "approve" : "deny").put("requester", r.requester().subject());
        CallRecords.putIfSet(a, "comment", log.records().sanitizer().text(comment));
        log.recordDurably(rec);
    }

    @Override
    public void resolved(ApprovalRequest after, Principal by) throws Exception {
        ObjectNode rec = common("approval_decided", after, by);
        request(rec, after);
        rec.putObject("tool").put("name", after.tool());
        decision(rec, after.status().id(), after);
        ObjectNode a = approval(rec, after);
        a.put("approvals", after.approvals()).put("quorum", after.quorum()).put("requester", after.requester().subject());
        if (after.status() == ApprovalRequest.Status.APPROVED) {
            a.put("valid_until", micros(after.expires()));
        }
        ArrayNode votes = a.putArray("votes");
        for (ApprovalRequest.Vote v : after.votes()) {
            votes.addObject().put("approver", v.approver().subject()).put("vote", v.approve() ? "approve" : "deny")
                    .put("at", micros(v.at()));
        }
        log.recordDurably(rec);
    }

    @Override
    public void expired(ApprovalRequest r) throws Exception {
        ObjectNode rec = common("approval_expired", r, r.requester());
        request(rec, r);
        rec.putObject("tool").put("name", r.tool());
        decision(rec, "expired", r);
        approval(rec, r).put("expired_at", micros(r.expires())).put("approvals", r.approvals()).put("quorum", r.quorum());
        log.recordDurably(rec);
    }

    private ObjectNode common(String kind, ApprovalRequest r, Principal who) {
        ObjectNode rec = Json.object();
        rec.put("kind", kind);
        rec.put("time", micros(Instant.now()));
        rec.put("node", log.records().node());
        rec.put("environment", r.environment());
        rec.set("principal", CallRecords.principal(who));
        return rec;
    }

    /** The user request the approval was made for, as the approval request kept it. */
    private void request(ObjectNode rec, ApprovalRequest r) {
        ApprovalRequest.UserRequest u = r.userRequest();
        RequestContext.of(r.traceparent(), null, r.traceparent() == null ? null : "meta", u == null ? null : u.id(),
                u == null ? null : u.text(), log.records().sanitizer()).write(rec.putObject("request"));
    }

    private static void decision(ObjectNode rec, String outcome, ApprovalRequest r) {
        ObjectNode d = rec.putObject("decision").put("outcome", outcome);
        strings(d.putArray("rule_ids"), r.ruleIds());
        d.putArray("approval_ids").add(r.id());
    }

    private static ObjectNode approval(ObjectNode rec, ApprovalRequest r) {
        return rec.putObject("approval").put("id", r.id()).put("status", r.status().id());
    }

    private static void strings(ArrayNode a, List<String> values) {
        values.forEach(a::add);
    }

    private static String micros(Instant t) {
        return t.truncatedTo(ChronoUnit.MICROS).toString();
    }
}
