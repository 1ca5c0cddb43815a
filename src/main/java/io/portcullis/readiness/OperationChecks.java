package io.portcullis.readiness;

import io.portcullis.catalog.ToolEntry;
import io.portcullis.settings.ToolSettings;
import io.portcullis.config.ReadinessConfig.BoundaryOwner;
import io.portcullis.config.ReadinessConfig.Review;
import io.portcullis.readiness.Report.Line;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Sections 5–7 of the checklist: data handling ({@link DataChecks}), reliability, ownership and change control. */
final class OperationChecks {
    private OperationChecks() {}

    static List<Line> check(Facts f) {
        List<Line> out = new ArrayList<>(DataChecks.check(f)); // C5.1-C5.4 from the data-handling document (#13 item 7)
        out.addAll(List.of(c61(f), c62(f),
                c63(f),
                c71(f), c72(f), c73(f)));
        return out;
    }

    /**
     * C6.1 (#14 item 4): every upstream has a timeout, a circuit breaker and a retry policy. The retry
     * policy never retries a tool that is not read_only (resilience.Protection has no way to), so the
     * line checks that the breaker and the retries are on. The protection is applied in the upstream
     * call itself, not by a pipeline stage.
     */
    private static Line c61(Facts f) {
        List<String> ev = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (var u : f.config().upstreams().values()) {
            var b = u.protection().breaker();
            var r = u.protection().retry();
            if (!b.enabled()) {
                missing.add("upstream " + u.name() + " has its circuit breaker switched off (breaker: {enabled: false})");
            }
            if (!r.retries()) {
                missing.add("upstream " + u.name() + " has no retries (retry: {max_attempts: 1})");
            }
            ev.add("upstream " + u.name() + ": timeout " + IdentityChecks.human(u.timeout())
                    + (b.enabled() ? "; breaker opens at " + b.failureRate() + "% failed or " + b.slowCallRate() + "% slow of the last "
                    + b.window() + " calls, open " + IdentityChecks.human(b.openFor()) + ", " + b.halfOpenCalls() + " probes" : "")
                    + (r.retries() ? "; read_only tools retried up to " + (r.maxAttempts() - 1) + " times (backoff "
                    + r.backoff().toMillis() + " ms, budget " + r.budgetPercent() + "% of calls)" : "")
                    + "; bulkhead " + u.bulkhead().maxConcurrent() + " calls + " + u.bulkhead().maxQueue() + " waiting");
        }
        ev.add("state-changing and irreversible tools are never retried (no setting can make them)");
        if (!missing.isEmpty()) {
            ev.addAll(0, missing);
            return Checklist.fail("C6.1", ev, "upstreams:\n  <upstream>:\n    timeout: 30s\n    breaker: {failure_rate: 50, window: 20, "
                    + "open_for: 30s}\n    retry: {max_attempts: 3, backoff: 100ms, budget_percent: 10}");
        }
        return Checklist.pass("C6.1", ev);
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
        // #14 item 2: run-time kill switches (portcullis kill ...), in the store, on every node within 1 s
        var kills = f.kills();
        if (kills == null) {
            ev.add(0, "run-time kill switches are not wired to this report (portcullis kill needs a running gateway's store)");
            return Checklist.fail("C6.2", ev, "run the report on the gateway (portcullis readiness --config <file>, or GET /admin/api/readiness)");
        }
        String problem = kills.problem();
        if (problem != null) {
            ev.add(0, "run-time kill switches do not work now: " + problem + "; tools that are not read_only are refused meanwhile");
            return Checklist.fail("C6.2", ev, "make the store reachable again (docs/operations/store.md); see docs/operations/incident-response.md");
        }
        ev.add("run-time kill switches work (store reachable; portcullis kill tool|upstream|environment NAME --reason ..., "
                + "docs/operations/incident-response.md); in force in " + f.name() + ": "
                + kills.active().stream().filter(s -> s.appliesIn(f.name())).map(s -> s.describe() + " by " + s.by() + ": " + s.reason())
                .toList());
        return Checklist.pass("C6.2", ev);
    }

    /**
     * C6.3 (#14 item 4): passes when the environment has a per-principal token bucket
     * ({@code rate_limits.environments.<env>.limits} with {@code per: principal}). The evidence names
     * every limit, the loop breaker, the concurrency limit, where the buckets live and what applies
     * while Redis is unreachable.
     */
    private static Line c63(Facts f) {
        io.portcullis.ratelimit.RateLimitConfig rl = f.config().rateLimits();
        io.portcullis.ratelimit.RateLimitConfig.EnvLimits env = rl.of(f.name());
        List<String> ev = new ArrayList<>();
        env.limits().forEach(l -> ev.add("limit " + l.id() + ": " + l.describe()));
        ev.add(env.loop() == null ? "no loop breaker" : "loop breaker: the same tool with the same arguments more than "
                + env.loop().max() + " times within " + io.portcullis.ratelimit.RateLimits.human(env.loop().within()) + " is refused");
        ev.add(env.concurrency() == 0 ? "no concurrency limit per principal"
                : "at most " + env.concurrency() + " calls in flight per principal on each node");
        if (env.newSessions() != null) {
            ev.add("new sessions: " + env.newSessions().limit() + " per " + io.portcullis.ratelimit.RateLimits.human(env.newSessions().every())
                    + " per principal (HTTP 429 with Retry-After beyond)");
        }
        ev.add(rl.redis() == null ? "buckets in process on each node (no rate_limits.redis): a cluster of N nodes allows N times the limits"
                : "buckets shared by every node in Redis at " + rl.redis().uri().getHost() + ":" + rl.redis().uri().getPort()
                + "; while Redis is unreachable: " + rl.fallback().id()
                + (rl.fallback() == io.portcullis.ratelimit.RateLimitConfig.Fallback.FAIL_CLOSED
                ? " (calls with limits are refused)" : " (each node counts on its own)"));
        if (!env.perPrincipal()) {
            ev.add(0, "no per-principal limit in " + f.name());
            return Checklist.fail("C6.3", ev, "rate_limits:\n  environments:\n    " + f.name() + ":\n      limits:\n"
                    + "        - {id: per-user, per: principal, limit: 600, every: 1m}\n"
                    + "        - {id: user-writes, per: principal, kinds: [user], risk: [state_changing], limit: 60, every: 1m}\n"
                    + "      loop: {max: 5, within: 10s}\n      concurrency_per_principal: 8");
        }
        return Checklist.pass("C6.3", ev);
    }

    private static Line c71(Facts f) {
        // #15 item 5 (C7.1): the contact comes from config: the team's readiness.oncall entry, or the owner's own oncall
        io.portcullis.config.ReadinessConfig rc = f.config().readiness();
        BoundaryOwner owner = rc.boundaryOwner();
        List<String> ev = new ArrayList<>();
        boolean ok = true;
        String boundary = owner == null ? null : contact(rc, owner.team(), owner.oncall());
        if (owner == null || owner.team() == null || boundary == null) {
            ev.add("no owner with an on-call contact for the MCP boundary (readiness.boundary_owner and readiness.oncall)");
            ok = false;
        } else {
            ev.add("MCP boundary: " + owner.team() + ", on call " + boundary);
        }
        List<String> noOncall = new ArrayList<>();
        for (ToolEntry t : f.changing()) {
            String c = t.owner() == null ? null : contact(rc, t.owner().team(), t.owner().oncall());
            if (c == null) {
                noOncall.add(t.name());
            } else {
                ev.add(t.name() + ": " + t.owner().label() + ", on call " + c);
            }
        }
        if (!noOncall.isEmpty()) {
            ev.add("state-changing or irreversible tools in " + f.name() + " whose owner has no on-call contact: " + noOncall);
            ok = false;
        }
        return ok ? Checklist.pass("C7.1", ev) : Checklist.fail("C7.1", ev,
                "readiness:\n  boundary_owner: {team: platform-security}\n  oncall:\n"
                        + "    platform-security: {contact: \"pager:platform-security\", webhook: {url: https://hooks.example.com/sec}}\n"
                        + "    <team>: {contact: <pager>}\n"
                        + "catalog:\n  upstreams:\n    <upstream>: {owner: {team: <team>}}");
    }

    /** The team's on-call contact from config ({@code readiness.oncall}, else the owner's {@code oncall}), or null. */
    private static String contact(io.portcullis.config.ReadinessConfig rc, String team, String inline) {
        var entry = rc.oncallOf(team);
        if (entry.isPresent()) {
            return entry.get().contact() + " (readiness.oncall" + (entry.get().webhook() == null ? "; no incident webhook)"
                    : "; incidents to " + entry.get().webhook().url().getHost() + ")");
        }
        return inline == null || inline.isBlank() ? null : inline + " (owner's oncall; no incident webhook)";
    }

    private static Line c72(Facts f) {
        var cc = f.config().changeControl();
        var pins = f.config().pins();
        if (!pins.enabled()) { // #15 items 1-2: without pins, new and changed tool definitions reach clients unreviewed
            return Checklist.fail("C7.2", List.of("tool definitions are not pinned (pins.enabled: false): new and changed "
                    + "tools, descriptions and schemas reach clients without a review"), "pins: {enabled: true}");
        }
        if (cc.holds(f.env().name())) {
            // #15 item 4: the gateway itself holds a widening change here until a second person approves it
            return Checklist.pass("C7.2", List.of("config changes that widen what someone may do in " + f.env().name()
                    + " are held by the gateway (change_control.hold_widening) until " + cc.quorumFor(List.of(f.env().name()))
                    + " reviewer(s) with a role of " + cc.reviewers() + ", not the change's author, approve them "
                    + "(portcullis changes); narrowing changes apply at once",
                    (pins.reviewNew() ? "every new definition not pre-approved (pins.review_new: true) and every changed one"
                            : "changed tool definitions and new ones with blocking findings (new ones without are pinned on "
                            + "first sight (pins.review_new: false))")
                    + " (tools, prompts, resources, resource templates, upstream instructions) wait for a reviewer with a role of " + pins.reviewers()
                    + " (pins; portcullis review), not the author of the upstream's last config change"));
        }
        Review r = f.config().readiness().review();
        if (r == null || !r.required() || r.record() == null) {
            return Checklist.fail("C7.2", List.of("widening config changes are not held in " + f.env().name()
                    + " (change_control.hold_widening) and no required code review with a record is declared (readiness.review)"),
                    "let the gateway hold widening changes for a second person:\nchange_control: {hold_widening: [" + f.env().name()
                    + "], reviewers: [config-reviewer]}\nor protect the config repository (branch protection, CODEOWNERS) and declare it:\n"
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
        // #15 item 6: the changelog (io.portcullis.changelog) reads these sources into one ordered list
        return Checklist.pass("C7.3", List.of("each applied config is recorded in the store's config_changes table: "
                + "time, SHA-256 of its files, source, and the tool, upstream and policy-rule additions, removals and "
                + "changes since the previous one",
                "the changelog (portcullis changelog, GET /admin/api/changelog) orders config_changes, kill_switch_history "
                + "(each flip with its kill_switch audit record), pins (pinned and quarantined definitions with their diff) "
                + "and the pin_review audit records (reviewers' decisions)"));
    }
}
