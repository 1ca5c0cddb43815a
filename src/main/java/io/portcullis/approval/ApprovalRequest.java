package io.portcullis.approval;

import io.portcullis.identity.Principal;
import io.portcullis.protocol.Json;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import tools.jackson.databind.node.ObjectNode;

/**
 * One approval request (C3.2) and every decision on it (C3.3), as stored. Immutable: a decision
 * produces a new value read back from the store.
 *
 * @param id            the approval id the caller and the approvers see
 * @param status        where it stands; {@link Status#EXPIRED} counts as denied
 * @param requester     the caller's principal, every field of it
 * @param sessionId     the caller's MCP session, or null
 * @param userRequest   the original user request if the client sent one ({@code _meta["io.portcullis/userRequest"]}), or null
 * @param traceparent   the W3C trace context the client sent in {@code _meta}, or null
 * @param tool          the tool as exposed by the gateway
 * @param environment   where the call is made
 * @param arguments     the call's arguments sanitized for display (secrets masked)
 * @param argumentsHash SHA-256 (hex) of the exact arguments' canonical encoding: what the approval is bound to
 * @param ruleIds       the policy rules that required the approval
 * @param approverRoles an approver must hold one of these (from its own authenticated principal)
 * @param quorum        distinct approvers needed
 * @param ttl           the rule's lifetime: of the request while pending, of the approval once given
 * @param reason        why approval is needed (the rule's reason)
 * @param created       when the call asked
 * @param expires       pending: created + ttl; approved: approval time + ttl (the identical retry must come before)
 * @param votes         every decision, in order
 * @param usedAt        when the approved call ran (the approval is single-use), or null
 * @param usedByCall    the gateway call id that used it, or null
 */
public record ApprovalRequest(String id, Status status, Principal requester, String sessionId, UserRequest userRequest,
                              String traceparent, String tool, String environment, ObjectNode arguments,
                              String argumentsHash, List<String> ruleIds, List<String> approverRoles, int quorum,
                              Duration ttl, String reason, Instant created, Instant expires, List<Vote> votes,
                              Instant usedAt, String usedByCall) {

    public enum Status {
        PENDING, APPROVED, DENIED, EXPIRED, USED;

        public String id() {
            return name().toLowerCase();
        }

        /** The status named {@code id} ({@code pending}, ...), or null. */
        public static Status of(String id) {
            for (Status s : values()) {
                if (s.id().equals(id)) {
                    return s;
                }
            }
            return null;
        }
    }

    /** What the client said the user asked for. */
    public record UserRequest(String id, String text) {}

    /**
     * One approver's decision (C3.3): who (every field of the approver's principal), when, which way, why.
     */
    public record Vote(Principal approver, boolean approve, String comment, Instant at) {}

    public ApprovalRequest {
        Objects.requireNonNull(id, "id");
        ruleIds = List.copyOf(ruleIds);
        approverRoles = List.copyOf(approverRoles);
        votes = List.copyOf(votes);
    }

    /** Distinct approvers who approved so far. */
    public long approvals() {
        return votes.stream().filter(Vote::approve).map(v -> v.approver().subject()).distinct().count();
    }

    /** The request as the admin API, the CLI, the page and the JSON webhook show it. */
    public ObjectNode toJson() {
        ObjectNode o = Json.object().put("id", id).put("status", status.id());
        o.set("requester", principal(requester));
        o.put("client", requester.clientId()).put("session", sessionId);
        if (userRequest != null) {
            o.putObject("user_request").put("id", userRequest.id()).put("text", userRequest.text());
        }
        o.put("traceparent", traceparent).put("tool", tool).put("environment", environment);
        o.set("arguments", arguments);
        // #11 item 11: the arguments are shown as they will be sent; a view says what it masked
        List<String> masked = ArgumentDigest.maskedPointers(arguments);
        masked.forEach(o.putArray("masked")::add);
        o.put("masked_note", masked.isEmpty() ? "every argument is shown exactly as it will be sent"
                : "the values at 'masked' are secrets (by their shape) shown as [masked:kind]; everything else is shown exactly as it will be sent");
        // #11 item 15: strings with control, bidi or invisible characters, for views to flag
        ArgumentDigest.hiddenCharacterPointers(arguments).forEach(o.putArray("hidden_characters")::add);
        o.put("arguments_sha256", argumentsHash);
        ruleIds.forEach(o.putArray("rule_ids")::add);
        approverRoles.forEach(o.putArray("approver_roles")::add);
        o.put("quorum", quorum).put("approvals", approvals()).put("ttl_seconds", ttl.toSeconds()).put("reason", reason)
                .put("created", created.toString()).put("expires", expires.toString())
                .put("used_at", usedAt == null ? null : usedAt.toString()).put("used_by_call", usedByCall);
        var vs = o.putArray("decisions");
        for (Vote v : votes) {
            ObjectNode d = vs.addObject().put("decision", v.approve() ? "approve" : "deny")
                    .put("comment", v.comment()).put("at", v.at().toString());
            d.set("approver", principal(v.approver()));
        }
        return o;
    }

    /** Every field of a principal, for the record. */
    static ObjectNode principal(Principal p) {
        ObjectNode o = Json.object().put("subject", p.subject()).put("kind", p.kind().name().toLowerCase())
                .put("display_name", p.displayName()).put("issuer", p.issuer()).put("email", p.email())
                .put("client_id", p.clientId()).put("environment", p.environment()).put("auth_method", p.authMethod())
                .put("token_id", p.tokenId()).put("expires_at", p.expiresAt() == null ? null : p.expiresAt().toString());
        p.roles().forEach(o.putArray("roles")::add);
        p.scopes().forEach(o.putArray("scopes")::add);
        return o;
    }

    /** The inverse of {@link #principal(Principal)}. */
    static Principal principal(tools.jackson.databind.JsonNode o) {
        List<String> roles = new java.util.ArrayList<>();
        o.path("roles").forEach(r -> roles.add(r.asString()));
        List<String> scopes = new java.util.ArrayList<>();
        o.path("scopes").forEach(r -> scopes.add(r.asString()));
        return new Principal(o.path("subject").asString(), Principal.Kind.valueOf(o.path("kind").asString().toUpperCase()),
                text(o, "display_name"), roles, text(o, "client_id"), o.path("environment").asString(""),
                o.path("auth_method").asString(""), text(o, "token_id"),
                text(o, "expires_at") == null ? null : Instant.parse(text(o, "expires_at")), text(o, "issuer"),
                text(o, "email"), scopes);
    }

    private static String text(tools.jackson.databind.JsonNode o, String f) {
        var n = o.get(f);
        return n == null || n.isNull() ? null : n.asString();
    }
}
