package io.portcullis.readiness;

import io.portcullis.catalog.ToolEntry;
import io.portcullis.settings.ToolSettings;
import io.portcullis.config.ReadinessConfig.BoundaryOwner;
import io.portcullis.config.ReadinessConfig.Review;
import io.portcullis.readiness.Report.Line;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Sections 5–7 of the checklist: data handling, reliability, ownership and change control. */
final class OperationChecks {
    private OperationChecks() {}

    static List<Line> check(Facts f) {
        return List.of(
                // C5.1/C5.2: there is no egress redaction stage in the pipeline yet (Stages.standard)
                Checklist.notBuilt("C5.1", "a definition of data that must never be returned (egress rules)", List.of()),
                Checklist.notBuilt("C5.2", "redaction of sensitive fields in results", List.of()),
                c53(f), c54(f),
                c61(f), c62(f),
                Checklist.notBuilt("C6.3", "per-user and per-client rate limits", List.of()),
                c71(f), c72(f), c73(f));
    }

    private static Line c53(Facts f) {
        if (f.tools().isEmpty()) {
            return Checklist.notApplicable("C5.3", List.of("no tool is enabled in " + f.name()));
        }
        long max = f.tools().stream().mapToLong(ToolEntry::maxResultBytes).max().orElse(0);
        return Checklist.pass("C5.3", List.of("every result is held to its tool's max_result_bytes before it reaches the "
                + "client; largest limit here: " + max + " bytes (catalog default " + f.config().catalog().maxResultBytes() + ")"));
    }

    private static Line c54(Facts f) {
        String doc = f.config().readiness().conversationPolicy();
        if (doc == null) {
            return Checklist.fail("C5.4", List.of("no conversation-history policy declared (readiness.conversation_policy)"),
                    "write what may be kept in conversation history and what must not, and declare it:\n"
                            + "readiness:\n  conversation_policy: docs/conversation-history.md");
        }
        return Checklist.pass("C5.4", List.of("conversation-history policy: " + doc + " (declared in config, not verified)"));
    }

    private static Line c61(Facts f) {
        List<String> ev = new ArrayList<>();
        f.config().upstreams().values().forEach(u -> ev.add("upstream " + u.name() + ": timeout "
                + IdentityChecks.human(u.timeout()) + ", restarted with backoff when it fails"));
        return Checklist.notBuilt("C6.1", "circuit breakers and retries of failed calls", ev);
    }

    private static Line c62(Facts f) {
        List<String> ev = new ArrayList<>();
        ev.add("per tool: tools: {<tool>: {enabled: false}}; per environment: tools: {<tool>: {environments: [...]}}; "
                + "applied on reload without a restart, the tool is hidden and refused at once");
        List<String> off = new ArrayList<>();
        for (Map.Entry<String, ToolSettings> e : f.config().tools().entrySet()) {
            if (!e.getValue().enabledIn(f.name())) {
                off.add(e.getKey());
            }
        }
        ev.add("switched off in " + f.name() + " now: " + off.stream().sorted().toList());
        return Checklist.pass("C6.2", ev);
    }

    private static Line c71(Facts f) {
        BoundaryOwner owner = f.config().readiness().boundaryOwner();
        List<String> ev = new ArrayList<>();
        boolean ok = true;
        if (owner == null || owner.team() == null || owner.oncall() == null) {
            ev.add("no owner with an on-call contact declared for the MCP boundary (readiness.boundary_owner)");
            ok = false;
        } else {
            ev.add("MCP boundary: " + owner.team() + ", on call " + owner.oncall() + " (declared in config, not verified)");
        }
        List<String> noOncall = new ArrayList<>();
        for (ToolEntry t : f.changing()) {
            if (t.owner() == null || t.owner().oncall() == null || t.owner().oncall().isBlank()) {
                noOncall.add(t.name());
            } else {
                ev.add(t.name() + ": " + t.owner().label() + ", on call " + t.owner().oncall());
            }
        }
        if (!noOncall.isEmpty()) {
            ev.add("critical (not read-only) tools without an on-call owner: " + noOncall);
            ok = false;
        }
        return ok ? Checklist.pass("C7.1", ev) : Checklist.fail("C7.1", ev,
                "readiness:\n  boundary_owner: {team: platform-security, oncall: \"pager:platform-security\"}\n"
                        + "catalog:\n  upstreams:\n    <upstream>: {owner: {team: <team>, oncall: <pager>}}");
    }

    private static Line c72(Facts f) {
        Review r = f.config().readiness().review();
        if (r == null || !r.required() || r.record() == null) {
            return Checklist.fail("C7.2", List.of("no required code review with a record declared (readiness.review)"),
                    "protect the config repository (branch protection, CODEOWNERS) and declare it:\n"
                            + "readiness:\n  review: {required: true, record: https://git.example.com/org/gateway-config}");
        }
        return Checklist.pass("C7.2", List.of("code review required; recorded at " + r.record()
                + " (declared in config, not verified)"));
    }

    private static Line c73(Facts f) {
        if (!f.changelog()) {
            return Checklist.fail("C7.3", List.of("applied configs could not be recorded in the store's config_changes "
                    + "table (see the gateway log)"), "fix the store (data directory permissions, PostgreSQL reachability) "
                    + "and reload; keep the config itself in version control");
        }
        return Checklist.pass("C7.3", List.of("each applied config is recorded in the store's config_changes table: "
                + "time, SHA-256 of its files, source, and the tool, upstream and policy-rule additions, removals and "
                + "changes since the previous one"));
    }
}
