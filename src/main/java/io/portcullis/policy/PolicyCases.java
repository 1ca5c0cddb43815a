package io.portcullis.policy;

import io.portcullis.settings.ConfigException;
import io.portcullis.settings.ConfigProblem;
import io.portcullis.settings.Fields;
import io.portcullis.settings.LocatedTree;
import io.portcullis.identity.Principal;
import io.portcullis.protocol.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Policy as code (#11 item 16): a file of cases, each a request and the decision it must get,
 * run against the policy of a gateway config by {@code portcullis policy test}. The file holds
 * {@code principals} (named callers to reuse) and {@code cases}; a case gives {@code name},
 * {@code principal} (a name or a mapping: subject, kind, roles, client, auth_method),
 * {@code env}, {@code tool} (and {@code risk} for a tool whose class the catalog does not
 * declare), {@code args}, {@code session} labels, and what it expects: {@code expect} (allow,
 * deny, require_approval), {@code rules} (the exact rule ids), {@code reason} (a substring),
 * {@code approval} (approvers, quorum, ttl), {@code visible} (in tools/list), {@code dry_run}
 * (what audit_only rules would do: an effect, or {@code none}). Every problem in the file is
 * reported with its line, as for the config.
 */
public final class PolicyCases {
    private static final Set<String> CASE_KEYS = Set.of("name", "principal", "env", "tool", "risk", "args", "session",
            "expect", "rules", "reason", "approval", "visible", "dry_run");
    private static final Set<String> PRINCIPAL_KEYS = Set.of("subject", "kind", "roles", "client", "auth_method",
            "display_name");
    private static final Set<String> EFFECTS = Set.of("allow", "deny", "require_approval");

    /** Finds the catalog's facts for a tool name, with the case's risk class if it gives one; throws with a sentence when it cannot. */
    @FunctionalInterface
    public interface Tools {
        ToolFacts facts(String name, String risk) throws IllegalArgumentException;
    }

    /** One case as read: its request and its expectations (the case's mapping). */
    public record Case(String name, String where, PolicyRequest request, JsonNode expected) {}

    /** A case run: the decision, and each way it differs from the expectation (empty = pass). */
    public record Result(Case testCase, Decision decision, boolean visible, List<String> mismatches) {
        public boolean passed() {
            return mismatches.isEmpty();
        }
    }

    private PolicyCases() {}

    /**
     * Reads a cases file.
     *
     * @param environments the environments the config declares; a case in any other is a problem
     * @throws ConfigException every problem of the file, each with its line
     */
    public static List<Case> read(Path file, Set<String> environments, Tools tools) throws ConfigException {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new ConfigException(List.of(new ConfigProblem(file.toString(), 0, "cannot read: " + e.getMessage())));
        }
        LocatedTree tree;
        try {
            tree = LocatedTree.parse(text);
        } catch (JacksonException e) {
            int line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
            throw new ConfigException(List.of(new ConfigProblem(file.toString(), line, "not valid YAML: " + e.getOriginalMessage())));
        }
        Fields f = new Fields(tree, file.toString());
        JsonNode root = tree.root();
        List<Case> out = new ArrayList<>();
        if (root == null || !root.isObject() || !root.path("cases").isArray()) {
            f.problem("", "a policy cases file is a mapping with 'cases' (a list) and optionally 'principals'");
            throw new ConfigException(f.problems());
        }
        f.onlyKeys(root, "", Set.of("principals", "cases"));
        Map<String, JsonNode> principals = new HashMap<>();
        JsonNode named = root.get("principals");
        if (named != null && f.isObject(named, "/principals", "'principals'")) {
            for (String key : named.propertyNames()) {
                principals.put(key, named.get(key));
                checkPrincipal(f, named.get(key), "/principals/" + Fields.escape(key));
            }
        }
        Set<String> names = new HashSet<>();
        JsonNode cases = root.get("cases");
        for (int i = 0; i < cases.size(); i++) {
            Case c = one(f, cases.get(i), "/cases/" + i, principals, environments, tools, names);
            if (c != null) {
                out.add(c);
            }
        }
        if (!f.problems().isEmpty()) {
            throw new ConfigException(f.problems());
        }
        return out;
    }

    private static Case one(Fields f, JsonNode n, String p, Map<String, JsonNode> principals, Set<String> environments,
                            Tools tools, Set<String> names) {
        if (!f.isObject(n, p, "a case")) {
            return null;
        }
        f.onlyKeys(n, p, CASE_KEYS);
        String name = f.string(n, "name", p, null);
        if (name == null) {
            f.problem(p, "a case needs a 'name'");
            return null;
        }
        if (!names.add(name)) {
            f.problem(p + "/name", "case name '" + name + "' is used twice");
        }
        String env = f.string(n, "env", p, null);
        if (env == null || !environments.contains(env)) {
            f.problem(p + (env == null ? "" : "/env"), "case '" + name + "' needs an 'env' the config declares: "
                    + new java.util.TreeSet<>(environments));
            return null;
        }
        Principal principal = principal(f, n.get("principal"), p + "/principal", principals, env, name);
        String toolName = f.string(n, "tool", p, null);
        if (toolName == null) {
            f.problem(p, "case '" + name + "' needs a 'tool'");
            return null;
        }
        ToolFacts tool;
        try {
            tool = tools.facts(toolName, f.string(n, "risk", p, null));
        } catch (IllegalArgumentException e) {
            f.problem(p + "/tool", "case '" + name + "': " + e.getMessage());
            return null;
        }
        JsonNode args = n.get("args");
        if (args != null && !args.isObject()) {
            f.problem(p + "/args", "case '" + name + "': 'args' must be a mapping of the call's arguments");
            return null;
        }
        String expect = f.string(n, "expect", p, null);
        if (expect != null && !EFFECTS.contains(expect)) {
            f.problem(p + "/expect", "case '" + name + "': 'expect' must be allow, deny or require_approval");
        }
        String dry = f.string(n, "dry_run", p, null);
        if (dry != null && !dry.equals("none") && !EFFECTS.contains(dry)) {
            f.problem(p + "/dry_run", "case '" + name + "': 'dry_run' must be allow, deny, require_approval or none");
        }
        if (expect == null && !n.has("visible")) {
            f.problem(p, "case '" + name + "' expects nothing: give 'expect' and/or 'visible'");
        }
        if (principal == null) {
            return null;
        }
        ObjectNode arguments = args == null ? Json.object() : (ObjectNode) Json.MAPPER.readTree(args.toString());
        PolicyRequest request = new PolicyRequest(principal, env, tool, arguments, Set.copyOf(f.strings(n, "session", p)));
        return new Case(name, f.where(p), request, n);
    }

    private static void checkPrincipal(Fields f, JsonNode n, String p) {
        if (f.isObject(n, p, "a principal")) {
            f.onlyKeys(n, p, PRINCIPAL_KEYS);
            String kind = f.string(n, "kind", p, "user");
            if (!Set.of("user", "service", "anonymous").contains(kind)) {
                f.problem(p + "/kind", "'kind' must be user, service or anonymous");
            }
        }
    }

    private static Principal principal(Fields f, JsonNode n, String p, Map<String, JsonNode> principals, String env,
                                       String caseName) {
        if (n == null) {
            f.problem(p.substring(0, p.lastIndexOf('/')), "case '" + caseName + "' needs a 'principal'");
            return null;
        }
        if (n.isString()) {
            JsonNode named = principals.get(n.asString());
            if (named == null) {
                f.problem(p, "case '" + caseName + "' names principal '" + n.asString() + "', which 'principals' does not define");
                return null;
            }
            n = named;
        } else {
            checkPrincipal(f, n, p);
        }
        if (!n.isObject()) {
            return null;
        }
        String kind = n.path("kind").asString("user");
        if (!Set.of("user", "service", "anonymous").contains(kind)) {
            return null;
        }
        Principal.Kind k = Principal.Kind.valueOf(kind.toUpperCase(Locale.ROOT));
        List<String> roles = new ArrayList<>();
        n.path("roles").forEach(r -> roles.add(r.asString()));
        String subject = n.path("subject").asString(k == Principal.Kind.ANONYMOUS ? "anonymous" : "case-user");
        String auth = n.path("auth_method").asString(k == Principal.Kind.ANONYMOUS ? "none"
                : k == Principal.Kind.SERVICE ? "api_key" : "oauth");
        return new Principal(subject, k, n.path("display_name").asString(null), roles, n.path("client").asString("policy-test"),
                env, auth, null, null);
    }

    /** Runs one case. Never throws: the policy never does. */
    public static Result run(Policy policy, Case c) {
        Objects.requireNonNull(policy, "policy");
        Decision d = policy.decide(c.request());
        boolean visible = policy.visible(c.request().withoutArguments());
        JsonNode s = c.expected();
        List<String> bad = new ArrayList<>();
        if (s.has("expect") && !d.effect().yamlName().equals(s.get("expect").asString())) {
            bad.add("expected " + s.get("expect").asString() + ", got " + d.effect().yamlName());
        }
        if (s.has("rules")) {
            List<String> want = new ArrayList<>();
            s.get("rules").forEach(r -> want.add(r.asString()));
            if (!want.equals(d.ruleIds())) {
                bad.add("expected rules " + want + ", got " + d.ruleIds());
            }
        }
        if (s.has("reason") && !d.reason().contains(s.get("reason").asString())) {
            bad.add("expected the reason to contain \"" + s.get("reason").asString() + "\", got \"" + d.reason() + "\"");
        }
        if (s.has("approval")) {
            approval(s.get("approval"), d.approval(), bad);
        }
        if (s.has("visible") && s.get("visible").asBoolean() != visible) {
            bad.add("expected the tool " + (visible ? "hidden from" : "shown in") + " tools/list, but it is "
                    + (visible ? "shown" : "hidden"));
        }
        if (s.has("dry_run")) {
            String want = s.get("dry_run").asString();
            String got = d.dryRun() == null ? "none" : d.dryRun().effect().yamlName();
            if (!want.equals(got)) {
                bad.add("expected dry run " + want + ", got " + got
                        + (d.dryRun() == null ? " (no audit_only rule matched)" : " (audit_only rules " + d.dryRun().ruleIds() + ")"));
            }
        }
        return new Result(c, d, visible, bad);
    }

    private static void approval(JsonNode a, ApprovalRequirement got, List<String> bad) {
        if (got == null) {
            bad.add("expected an approval requirement, got none");
            return;
        }
        List<String> roles = new ArrayList<>();
        a.path("approvers").forEach(r -> roles.add(r.asString()));
        if (a.has("approvers") && !roles.equals(got.approverRoles())) {
            bad.add("expected approvers " + roles + ", got " + got.approverRoles());
        }
        if (a.has("quorum") && a.get("quorum").asInt() != got.quorum()) {
            bad.add("expected quorum " + a.get("quorum").asInt() + ", got " + got.quorum());
        }
        if (a.has("ttl")) {
            Duration want;
            try {
                want = Duration.parse("PT" + a.get("ttl").asString().toUpperCase(Locale.ROOT));
            } catch (java.time.format.DateTimeParseException e) {
                bad.add("the expected ttl '" + a.get("ttl").asString() + "' is not a duration like 30m or 1h");
                return;
            }
            if (!want.equals(got.ttl())) {
                bad.add("expected ttl " + a.get("ttl").asString() + ", got " + got.ttl());
            }
        }
    }
}
