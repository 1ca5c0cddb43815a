package io.portcullis.audit;

import io.portcullis.catalog.ToolEntry;
import io.portcullis.identity.Principal;
import io.portcullis.call.CallContext;
import io.portcullis.call.GatewayException;
import io.portcullis.protocol.Json;
import io.portcullis.redact.Sanitizer;
import java.io.OutputStream;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Builds the content of the audit record of one call (C4.1): who, from where, for which user
 * request, which tool and risk class, the sanitized arguments, the decision with its rule and
 * approval ids, the upstream and durations, the result's metadata and the error. The content is
 * what is hashed; it never holds the result itself, only facts about it.
 */
final class CallRecords {
    /** Record kinds of reads that are not tool calls (C4.1: data that reaches the model). */
    static final String RESOURCE_READ = "resource_read";
    static final String PROMPT_GET = "prompt_get";
    static final String RESOURCE_SUBSCRIBE = "resource_subscribe";
    /** completion/complete: its record names the prompt or the resource (template) it completes. */
    static final String COMPLETION = "completion";
    private final String node;
    private volatile Sanitizer sanitizer;

    CallRecords(String node, Sanitizer sanitizer) {
        this.node = node;
        this.sanitizer = sanitizer;
    }

    void sanitizer(Sanitizer s) {
        this.sanitizer = s;
    }

    Sanitizer sanitizer() {
        return sanitizer;
    }

    String node() {
        return node;
    }

    /** The record written before an allowed state-changing call reaches its upstream. */
    ObjectNode intent(CallContext call) {
        ObjectNode rec = common("intent", call);
        ObjectNode d = rec.putObject("decision").put("outcome", "allowed");
        ids(d, call);
        return rec;
    }

    /**
     * The record of a call's outcome.
     *
     * @param result  the result returned to the client, or null when the call failed
     * @param failure the refusal or failure, or null
     * @param crash   an unexpected exception in the gateway, or null
     */
    ObjectNode outcome(CallContext call, ObjectNode result, GatewayException failure, RuntimeException crash) {
        return outcome("call", call, result, failure, crash);
    }

    /** As {@link #outcome(CallContext, ObjectNode, GatewayException, RuntimeException)}, with the record's kind. */
    ObjectNode outcome(String kind, CallContext call, ObjectNode result, GatewayException failure, RuntimeException crash) {
        return outcome(kind, call, result, failure, crash, Instant.now());
    }

    /** As {@link #outcome(String, CallContext, ObjectNode, GatewayException, RuntimeException)}, the call having ended at {@code ended}. */
    ObjectNode outcome(String kind, CallContext call, ObjectNode result, GatewayException failure, RuntimeException crash,
                       Instant ended) {
        ObjectNode rec = common(kind, call);
        ObjectNode d = rec.putObject("decision");
        rec.put("duration_us", ChronoUnit.MICROS.between(call.started(), ended));
        Duration up = call.trail().upstreamTime();
        if (up != null) {
            rec.put("upstream_us", up.toNanos() / 1000);
        }
        if (failure != null) {
            boolean refused = failure instanceof GatewayException.Refused || failure instanceof GatewayException.UnknownTool;
            // messages can quote argument values: scrubbed like arguments
            String message = sanitizer.text(failure.getMessage());
            d.put("outcome", refused ? "refused" : "failed").put("control", failure.control()).put("reason", message);
            ObjectNode e = rec.putObject("error").put("kind", kind(failure)).put("control", failure.control())
                    .put("message", message);
            if (failure instanceof GatewayException.UpstreamFailure u) {
                e.put("upstream", u.upstream());
                if (u.reached() != null) {
                    // #21 item 4: a failed call that reached the upstream may still have acted there
                    e.put("upstream_reached", u.reached());
                }
            } else if (failure instanceof GatewayException.UpstreamError u) {
                e.set("code", u.error().path("code"));
                e.put("message", sanitizer.text(u.error().path("message").asString("")));
            }
        } else if (crash != null) {
            d.put("outcome", "error").put("control", "gateway").put("reason", "internal error in the gateway");
            rec.putObject("error").put("kind", "internal").put("control", "gateway").put("message", sanitizer.text(crash.toString()));
        } else {
            d.put("outcome", "allowed");
        }
        ids(d, call);
        delegation(rec, call.trail().delegation());
        if (result != null) {
            ObjectNode meta = resultMeta(result, call.trail().redactions());
            if (call.trail().gatewayTask() != null) {
                meta.put("task_id", call.trail().gatewayTask()).put("task_owner", "gateway");
            }
            rec.set("result", meta);
        } else if (call.trail().gatewayTask() != null && rec.get("error") instanceof ObjectNode e) {
            e.put("task_id", call.trail().gatewayTask()); // the refusal became the gateway task's result
        }
        if (result == null && !call.trail().redactions().isEmpty() && rec.get("error") instanceof ObjectNode e) {
            // #13: a result egress blocked is not sent, but what it held is recorded (class, count, place; never a value)
            ArrayNode r = e.putArray("redactions");
            call.trail().redactions().forEach(r::add);
        }
        var had = call.trail().conversation();
        if (had != null) {
            // #13 item 6: the labels the conversation had when the call came in, and those it gained
            ObjectNode conv = rec.putObject("conversation");
            ArrayNode h = conv.putArray("had");
            had.labels().keySet().forEach(h::add);
            ArrayNode g = conv.putArray("gained");
            List<String> gained = call.trail().conversationGained();
            (gained == null ? List.<String>of() : gained).forEach(g::add);
            conv.put("calls", had.calls());
        }
        List<String> notes = call.trail().notes();
        if (!notes.isEmpty()) {
            ArrayNode n = rec.putArray("notes");
            notes.forEach(x -> n.add(sanitizer.text(x))); // #11 item 8: notes can quote argument values
        }
        return rec;
    }

    /**
     * #16 item 1 (C1.2): on whose behalf and with which credential the call went upstream: the
     * principal, the credential mode, the exchanged token's subject, audience and actor, its jti and
     * a hash prefix. Never the token.
     */
    private static void delegation(ObjectNode rec, io.portcullis.call.Delegation d) {
        if (d == null) {
            return;
        }
        ObjectNode o = rec.putObject("delegation").put("mode", d.mode()).put("upstream", d.upstream())
                .put("principal", d.principal());
        putIfSet(o, "token_subject", d.tokenSubject());
        putIfSet(o, "token_audience", d.tokenAudience());
        putIfSet(o, "actor", d.actor());
        putIfSet(o, "token_id", d.tokenId());
        putIfSet(o, "token_sha256_prefix", d.tokenHash());
    }

    private ObjectNode common(String kind, CallContext call) {
        ObjectNode rec = Json.object();
        rec.put("kind", kind);
        rec.put("time", Instant.now().truncatedTo(ChronoUnit.MICROS).toString());
        rec.put("node", node);
        rec.put("call_id", call.callId());
        rec.put("started", call.started().truncatedTo(ChronoUnit.MICROS).toString());
        rec.put("environment", call.environment());
        putIfSet(rec, "session", call.sessionId());
        putIfSet(rec, "protocol", call.protocol());
        rec.set("principal", principal(call.principal()));
        ObjectNode client = rec.putObject("client");
        putIfSet(client, "name", call.origin().clientName());
        putIfSet(client, "version", call.origin().clientVersion());
        putIfSet(client, "address", call.origin().remoteAddress());
        RequestContext.of(call, sanitizer).write(rec.putObject("request"));
        if (kind.equals(RESOURCE_READ) || kind.equals(PROMPT_GET) || kind.equals(RESOURCE_SUBSCRIBE) || kind.equals(COMPLETION)) {
            // not a tool: the resource's URI or the prompt's name, and the upstream that served it
            boolean resource = kind.equals(COMPLETION) ? "ref/resource".equals(call.params().path("ref").path("type").asString(""))
                    : !kind.equals(PROMPT_GET);
            rec.putObject(resource ? "resource" : "prompt")
                    .put(resource ? "uri" : "name", call.toolName()).put("upstream", call.trail().upstream());
        } else {
            ObjectNode tool = rec.putObject("tool").put("name", call.toolName());
            ToolEntry entry = call.trail().tool();
            if (entry != null) {
                tool.put("upstream", entry.upstream()).put("upstream_name", entry.upstreamName());
            }
            Risk risk = Risk.of(call);
            tool.put("risk_class", risk.riskClass()).put("risk_source", risk.source());
        }
        Sanitizer.Result args = sanitizer.sanitize(call.arguments());
        rec.set("arguments", args.value());
        if (!args.masked().isEmpty()) {
            ArrayNode m = rec.putArray("masked");
            args.masked().forEach(m::add);
        }
        if (!args.truncated().isEmpty()) {
            ArrayNode t = rec.putArray("truncated");
            args.truncated().forEach(t::add);
        }
        return rec;
    }

    private static void ids(ObjectNode decision, CallContext call) {
        putIfSet(decision, "policy", call.trail().decision());
        ArrayNode rules = decision.putArray("rule_ids");
        call.trail().ruleIds().forEach(rules::add);
        ArrayNode approvals = decision.putArray("approval_ids");
        call.trail().approvalIds().forEach(approvals::add);
        io.portcullis.policy.Decision.DryRun dry = call.trail().dryRun();
        if (dry != null) {
            // #11 item 16: what the audit_only rules would have done; the call's decision is the one above
            ObjectNode d = decision.putObject("dry_run").put("would", dry.effect().yamlName()).put("reason", dry.reason());
            ArrayNode ids = d.putArray("rule_ids");
            dry.ruleIds().forEach(ids::add);
            if (!dry.errors().isEmpty()) {
                ArrayNode errs = d.putArray("errors");
                dry.errors().forEach(errs::add);
            }
        }
    }

    static ObjectNode principal(Principal p) {
        ObjectNode o = Json.object().put("subject", p.subject()).put("kind", p.kind().name().toLowerCase())
                .put("display_name", p.displayName());
        ArrayNode roles = o.putArray("roles");
        p.roles().forEach(roles::add);
        putIfSet(o, "client_id", p.clientId());
        o.put("environment", p.environment()).put("auth_method", p.authMethod());
        putIfSet(o, "token_id", p.tokenId());
        if (p.expiresAt() != null) {
            o.put("expires_at", p.expiresAt().toString());
        }
        putIfSet(o, "issuer", p.issuer());
        putIfSet(o, "email", p.email());
        ArrayNode scopes = o.putArray("scopes");
        p.scopes().forEach(scopes::add);
        return o;
    }

    /** Facts about the result, never its content: isError, size, content types, redactions (C4.1). */
    static ObjectNode resultMeta(ObjectNode result, List<String> redactions) {
        ObjectNode m = Json.object();
        m.put("is_error", result.path("isError").asBoolean(false));
        m.put("bytes", size(result));
        Set<String> types = new LinkedHashSet<>();
        Set<String> mimes = new LinkedHashSet<>();
        JsonNode content = result.path("content");
        for (JsonNode c : content) {
            types.add(c.path("type").asString("?"));
            String mime = c.path("mimeType").asString(c.path("resource").path("mimeType").asString(null));
            if (mime != null) {
                mimes.add(mime);
            }
        }
        for (JsonNode c : result.path("contents")) { // resources/read: text or blob items
            types.add(c.has("blob") ? "blob" : "text");
            if (c.path("mimeType").isString()) {
                mimes.add(c.path("mimeType").asString());
            }
        }
        m.put("content_items", content.size() + result.path("contents").size());
        ArrayNode t = m.putArray("content_types");
        types.forEach(t::add);
        if (!mimes.isEmpty()) {
            ArrayNode mt = m.putArray("mime_types");
            mimes.forEach(mt::add);
        }
        m.put("structured", result.has("structuredContent"));
        if (result.path("task").path("taskId").isString()) {
            m.put("task_id", result.path("task").path("taskId").asString());
        }
        ArrayNode r = m.putArray("redactions");
        redactions.forEach(r::add);
        return m;
    }

    private static String kind(GatewayException e) {
        return switch (e) {
            case GatewayException.Refused r -> "refused";
            case GatewayException.UnknownTool u -> "unknown_tool";
            case GatewayException.UpstreamFailure u -> "upstream_failure";
            case GatewayException.UpstreamError u -> "upstream_error";
        };
    }

    private static long size(JsonNode n) {
        long[] count = {0};
        OutputStream counter = new OutputStream() {
            @Override
            public void write(int b) {
                count[0]++;
            }

            @Override
            public void write(byte[] b, int off, int len) {
                count[0] += len;
            }
        };
        Json.MAPPER.writeValue(counter, n);
        return count[0];
    }

    static void putIfSet(ObjectNode o, String key, String value) {
        if (value != null) {
            o.put(key, value);
        }
    }
}
