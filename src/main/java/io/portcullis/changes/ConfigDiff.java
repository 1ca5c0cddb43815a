package io.portcullis.changes;

import io.portcullis.catalog.ArgConstraint;
import io.portcullis.catalog.RiskClass;
import io.portcullis.catalog.ToolSpec;
import io.portcullis.config.GatewayConfig;
import io.portcullis.policy.Effect;
import io.portcullis.policy.PolicyRule;
import io.portcullis.settings.ChangeControlConfig;
import io.portcullis.settings.ToolSettings;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * #15 item 4 (C7.2): the difference between two effective configs (the records, not the text),
 * each change classified as widening or narrowing. Conservative: what cannot be shown to narrow is
 * widening. Widening: a policy rule added that allows or asks for approval, a deny or approval rule
 * removed, any rule changed other than to a stricter effect or a higher quorum; a tool's risk class
 * lowered (or left to the upstream's annotations); an argument constraint removed or changed; an
 * environment added to a tool; a tool switched on; a catalog entry or upstream added or changed in
 * what it lets through; {@code catalog.unlisted} loosened; pins loosened or pre-approved; change
 * control itself loosened; and any change to identity, approvals, egress, rate limits, conversation
 * rules, audit, readiness or listener settings (not classified further, so held).
 */
public final class ConfigDiff {
    private ConfigDiff() {}

    public static List<Change> diff(GatewayConfig before, GatewayConfig after) {
        List<Change> out = new ArrayList<>();
        policy(out, before, after);
        catalog(out, before, after);
        switches(out, before.tools(), after.tools());
        upstreams(out, before, after);
        environments(out, before, after);
        pins(out, before.pins(), after.pins());
        changeControl(out, before.changeControl(), after.changeControl());
        section(out, "identity", before.identity(), after.identity());
        section(out, "approvals", before.approvals(), after.approvals());
        section(out, "egress", before.egress(), after.egress());
        section(out, "rate_limits", before.rateLimits(), after.rateLimits());
        section(out, "conversation", before.conversation(), after.conversation());
        section(out, "audit", before.audit(), after.audit());
        section(out, "readiness", before.readiness(), after.readiness());
        section(out, "server", before.server(), after.server());
        return out;
    }

    /**
     * The upstreams whose config changed from {@code before} to {@code after}: the upstream itself, its catalog
     * defaults, or a catalog entry of one of its tools (#15 item 2: the author of that change may not review its pins).
     */
    public static Set<String> touchedUpstreams(GatewayConfig before, GatewayConfig after) {
        Set<String> out = new TreeSet<>();
        for (String u : after.upstreams().keySet()) {
            if (!same(before.upstreams().get(u), after.upstreams().get(u))
                    || !same(before.catalog().upstreams().get(u), after.catalog().upstreams().get(u))) {
                out.add(u);
            }
        }
        for (String t : union(before.catalog().tools().keySet(), after.catalog().tools().keySet())) {
            ToolSpec o = before.catalog().tools().get(t);
            ToolSpec n = after.catalog().tools().get(t);
            if (!same(o, n)) {
                out.add((n != null ? n : o).binding().upstream());
            }
        }
        for (String t : union(before.pins().approved().keySet(), after.pins().approved().keySet())) {
            if (!Objects.equals(before.pins().approved().get(t), after.pins().approved().get(t))) {
                for (var u : after.upstreams().values()) {
                    String prefix = u.prefix() == null ? u.name() : u.prefix();
                    if (t.startsWith(prefix + after.server().toolSeparator())) {
                        out.add(u.name());
                    }
                }
            }
        }
        return out;
    }

    // --- policy rules, by id

    private static void policy(List<Change> out, GatewayConfig before, GatewayConfig after) {
        Map<String, PolicyRule> b = rules(before.policy().rules());
        Map<String, PolicyRule> a = rules(after.policy().rules());
        for (var e : a.entrySet()) {
            PolicyRule n = e.getValue();
            PolicyRule o = b.get(e.getKey());
            if (o == null) {
                boolean denies = n.effect() == Effect.DENY || n.auditOnly();
                out.add(new Change(!denies, "policy rule " + n.id() + " added", envs(n), null, rule(n)));
            } else if (!same(strip(o), strip(n))) {
                Set<String> envs = everyOr(envs(o), envs(n));
                out.add(new Change(!stricter(o, n), "policy rule " + n.id() + " changed", envs, rule(o), rule(n)));
            }
        }
        for (var e : b.entrySet()) {
            if (!a.containsKey(e.getKey())) {
                PolicyRule o = e.getValue();
                boolean widens = !o.auditOnly() && o.effect() != Effect.ALLOW;
                out.add(new Change(widens, "policy rule " + o.id() + " removed", envs(o), rule(o), null));
            }
        }
        if (!before.policy().productionEnvironments().equals(after.policy().productionEnvironments())) {
            out.add(new Change(true, "policy production environments changed", Set.of(),
                    String.valueOf(new TreeSet<>(before.policy().productionEnvironments())),
                    String.valueOf(new TreeSet<>(after.policy().productionEnvironments()))));
        }
    }

    /** Only the effect got stricter (allow, approval, deny), or only an approval's quorum went up. */
    private static boolean stricter(PolicyRule o, PolicyRule n) {
        if (o.auditOnly() != n.auditOnly() || !Objects.equals(o.when(), n.when()) || !o.environments().equals(n.environments())) {
            return false;
        }
        int ro = rank(o.effect());
        int rn = rank(n.effect());
        if (rn > ro) {
            return true;
        }
        return rn == ro && n.effect() == Effect.REQUIRE_APPROVAL && n.quorum() > o.quorum()
                && new HashSet<>(o.approvers()).containsAll(n.approvers()) && !n.ttl().minus(o.ttl()).isPositive();
    }

    private static int rank(Effect e) {
        return switch (e) {
            case ALLOW -> 0;
            case REQUIRE_APPROVAL -> 1;
            case DENY -> 2;
        };
    }

    private static Map<String, PolicyRule> rules(List<PolicyRule> rules) {
        Map<String, PolicyRule> out = new LinkedHashMap<>();
        rules.forEach(r -> out.put(r.id(), r));
        return out;
    }

    private static PolicyRule strip(PolicyRule r) {
        return new PolicyRule(r.id(), "", r.effect(), r.when(), r.environments(), r.approvers(), r.quorum(), r.ttl(), r.reason(),
                null, r.mode());
    }

    private static String rule(PolicyRule r) {
        StringBuilder s = new StringBuilder(r.id()).append(": ").append(r.effect().yamlName());
        if (r.when() != null && !r.when().isBlank()) {
            s.append(" when ").append(r.when());
        }
        if (!r.environments().isEmpty()) {
            s.append(" in ").append(r.environments());
        }
        if (r.effect() == Effect.REQUIRE_APPROVAL) {
            s.append(", approvers ").append(r.approvers()).append(", quorum ").append(r.quorum());
        }
        if (r.auditOnly()) {
            s.append(" (audit_only)");
        }
        return s.toString();
    }

    private static Set<String> envs(PolicyRule r) {
        return Set.copyOf(r.environments());
    }

    // --- the catalog

    private static void catalog(List<Change> out, GatewayConfig before, GatewayConfig after) {
        var bc = before.catalog();
        var ac = after.catalog();
        if (ac.unlisted().ordinal() != bc.unlisted().ordinal()) {
            out.add(new Change(ac.unlisted().ordinal() > bc.unlisted().ordinal(), "catalog.unlisted changed", Set.of(),
                    bc.unlisted().name().toLowerCase(java.util.Locale.ROOT), ac.unlisted().name().toLowerCase(java.util.Locale.ROOT)));
        }
        if (!new HashSet<>(ac.exportPatterns()).containsAll(bc.exportPatterns()) || ac.maxResultBytes() > bc.maxResultBytes()
                || ac.onOversize() != bc.onOversize()) {
            out.add(new Change(true, "catalog defaults loosened (export patterns, result size)", Set.of(),
                    bc.exportPatterns() + " " + bc.maxResultBytes() + " " + bc.onOversize(),
                    ac.exportPatterns() + " " + ac.maxResultBytes() + " " + ac.onOversize()));
        }
        for (String u : new TreeSet<>(union(bc.upstreams().keySet(), ac.upstreams().keySet()))) {
            var o = bc.upstreams().get(u);
            var n = ac.upstreams().get(u);
            if (!same(ownerless(o), ownerless(n))) {
                out.add(new Change(true, "catalog defaults of upstream " + u + " changed", Set.of(), text(o), text(n)));
            }
        }
        for (String t : new TreeSet<>(union(bc.tools().keySet(), ac.tools().keySet()))) {
            tool(out, t, bc.tools().get(t), ac.tools().get(t));
        }
        for (String kind : List.of("resource", "prompt")) {
            var b = kind.equals("resource") ? bc.resources() : bc.prompts();
            var a = kind.equals("resource") ? ac.resources() : ac.prompts();
            for (String k : new TreeSet<>(union(b.keySet(), a.keySet()))) {
                if (!same(b.get(k), a.get(k))) {
                    out.add(new Change(a.containsKey(k), kind + " entry " + k + (b.containsKey(k) ? a.containsKey(k) ? " changed"
                            : " removed" : " added"), Set.of(), text(b.get(k)), text(a.get(k))));
                }
            }
        }
    }

    private static void tool(List<Change> out, String name, ToolSpec o, ToolSpec n) {
        if (o == null) {
            out.add(new Change(true, "catalog entry " + name + " added", Set.copyOf(n.environments()), null, text(n)));
            return;
        }
        if (n == null) {
            out.add(new Change(true, "catalog entry " + name + " removed (the tool falls back to catalog defaults)", Set.of(),
                    text(o), null));
            return;
        }
        if (o.risk() != n.risk()) {
            boolean lowered = n.risk() == null || (o.risk() != null && n.risk().ordinal() < o.risk().ordinal());
            out.add(new Change(lowered, "risk class of " + name + (lowered ? " lowered" : " raised"), Set.of(),
                    risk(o.risk()), risk(n.risk())));
        }
        if (!o.environments().equals(n.environments())) {
            Set<String> added = new TreeSet<>(n.environments());
            added.removeAll(o.environments());
            boolean widens = n.environments().isEmpty() || !added.isEmpty();
            out.add(new Change(widens, "environments of " + name + " changed", n.environments().isEmpty() ? Set.of() : added,
                    String.valueOf(o.environments()), String.valueOf(n.environments())));
        }
        for (String arg : new TreeSet<>(union(o.constraints().keySet(), n.constraints().keySet()))) {
            ArgConstraint oc = o.constraints().get(arg);
            ArgConstraint nc = n.constraints().get(arg);
            if (!same(oc, nc)) {
                out.add(new Change(oc != null, "argument constraint " + name + "." + arg
                        + (oc == null ? " added" : nc == null ? " removed" : " changed"), Set.of(), text(oc), text(nc)));
            }
        }
        if (!same(rest(o), rest(n))) {
            out.add(new Change(true, "catalog entry " + name + " changed (labels, export, result size or pre-approved hash)",
                    Set.of(), text(rest(o)), text(rest(n))));
        }
    }

    private static Object ownerless(io.portcullis.catalog.CatalogConfig.UpstreamDefaults d) {
        return d == null ? null : java.util.Arrays.asList(d.environments(), d.labels(), d.unlisted(), d.maxResultBytes(), d.onOversize());
    }

    /** What of an entry is neither owner, purpose, risk, environments nor constraints. */
    private static List<Object> rest(ToolSpec t) {
        return java.util.Arrays.asList(t.labels(), t.export(), t.businessNeed(), t.exportApprover(), t.maxResultBytes(),
                t.onOversize(), t.produces(), t.definitionSha256());
    }

    private static String risk(RiskClass r) {
        return r == null ? "(derived from the upstream's annotations)" : r.id();
    }

    // --- tool switches, upstreams, environments

    private static void switches(List<Change> out, Map<String, ToolSettings> b, Map<String, ToolSettings> a) {
        for (String t : new TreeSet<>(union(b.keySet(), a.keySet()))) {
            ToolSettings o = b.getOrDefault(t, ToolSettings.DEFAULT);
            ToolSettings n = a.getOrDefault(t, ToolSettings.DEFAULT);
            if (o.enabled() != n.enabled()) {
                out.add(new Change(n.enabled(), "tool " + t + (n.enabled() ? " enabled" : " disabled"), Set.of(),
                        "enabled: " + o.enabled(), "enabled: " + n.enabled()));
            }
            if (!o.environments().equals(n.environments())) {
                Set<String> added = new TreeSet<>(n.environments());
                added.removeAll(o.environments());
                boolean widens = n.environments().isEmpty() || !added.isEmpty();
                out.add(new Change(widens, "tools." + t + ".environments changed", n.environments().isEmpty() ? Set.of() : added,
                        String.valueOf(o.environments()), String.valueOf(n.environments())));
            }
        }
    }

    private static void upstreams(List<Change> out, GatewayConfig before, GatewayConfig after) {
        for (String u : new TreeSet<>(union(before.upstreams().keySet(), after.upstreams().keySet()))) {
            var o = before.upstreams().get(u);
            var n = after.upstreams().get(u);
            if (!same(o, n)) {
                out.add(new Change(n != null, "upstream " + u + (o == null ? " added" : n == null ? " removed" : " changed"),
                        Set.of(), o == null ? null : "upstream " + u, n == null ? null : "upstream " + u + " (see the config file)"));
            }
        }
    }

    private static void environments(List<Change> out, GatewayConfig before, GatewayConfig after) {
        for (var n : after.environments()) {
            var o = before.environment(n.name()).orElse(null);
            if (o == null || (o.production() && !n.production())) {
                out.add(new Change(true, "environment " + n.name() + (o == null ? " added" : " no longer production"),
                        Set.of(n.name()), text(o), text(n)));
            }
        }
    }

    // --- pins and change control

    private static void pins(List<Change> out, io.portcullis.pin.PinsConfig o, io.portcullis.pin.PinsConfig n) {
        boolean looser = (o.enabled() && !n.enabled()) || !n.reviewers().equals(o.reviewers())
                || (o.block() != null && (n.block() == null || n.block().ordinal() > o.block().ordinal()));
        if (looser) {
            out.add(new Change(true, "pins loosened (enabled, block or reviewers)", Set.of(), text(List.of(o.enabled(), o.block(),
                    o.reviewers())), text(List.of(n.enabled(), n.block() == null ? "none" : n.block(), n.reviewers()))));
        }
        if (o.reviewNew() && !n.reviewNew()) { // #15 item 2: new definitions no longer wait for review
            out.add(new Change(true, "pins loosened (review_new turned off)", Set.of(), "review_new: true", "review_new: false"));
        }
        for (var e : new TreeSet<>(n.approved().keySet())) {
            if (!n.approved().get(e).equals(o.approved().get(e))) {
                out.add(new Change(true, "pre-approved definition of " + e + (o.approved().containsKey(e) ? " changed" : " added"),
                        Set.of(), o.approved().get(e), n.approved().get(e)));
            }
        }
    }

    private static void changeControl(List<Change> out, ChangeControlConfig o, ChangeControlConfig n) {
        Set<String> dropped = new TreeSet<>(o.holdWidening());
        n.holdWidening().forEach(dropped::remove);
        boolean lowered = o.quorum().entrySet().stream().anyMatch(e -> n.quorum().getOrDefault(e.getKey(), 1) < e.getValue());
        if (!dropped.isEmpty() || lowered || !n.reviewers().equals(o.reviewers())) {
            out.add(new Change(true, "change_control loosened (hold_widening, quorum or reviewers)", dropped,
                    text(List.of(o.holdWidening(), o.quorum(), o.reviewers())), text(List.of(n.holdWidening(), n.quorum(), n.reviewers()))));
        }
    }

    private static void section(List<Change> out, String name, Object o, Object n) {
        if (!same(o, n)) {
            out.add(new Change(true, name + " changed (not classified: held as widening)", Set.of(), null, null));
        }
    }

    // --- helpers

    /**
     * Equal as records, or as text: some members (compiled patterns, CEL programs) have no value equality,
     * so two reads of the same file compare equal by their text with identity hashes left out.
     */
    static boolean same(Object a, Object b) {
        return Objects.equals(a, b) || canon(a).equals(canon(b));
    }

    private static String canon(Object o) {
        // where a value was written (file:line) is not the value: an edit above it moves it
        return String.valueOf(o).replaceAll("@[0-9a-f]{4,}", "@").replaceAll("\\b(where|origin)=[^,\\]]*", "$1=");
    }

    private static String text(Object o) {
        return o == null ? null : canon(o);
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> out = new HashSet<>(a);
        out.addAll(b);
        return out;
    }

    /** The environments of either; empty (every environment) when either is. */
    private static Set<String> everyOr(Set<String> a, Set<String> b) {
        return a.isEmpty() || b.isEmpty() ? Set.of() : union(a, b);
    }
}
