package io.portcullis.pin;

import io.portcullis.settings.Fields;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * Reads the {@code pins:} section; every problem goes to {@link Fields} with its line.
 *
 * <pre>
 * pins:
 *   enabled: true             # #15 item 1: pin definitions, quarantine changed ones
 *   quarantined: hide         # hide | pinned: list a quarantined tool in its pinned form
 *   block: high               # low | medium | high | none: findings that block acceptance without an override
 *   reviewers: [pin-reviewer] # roles that may accept or reject a definition (#15 item 2)
 *   approved:                 # pre-approved definitions, by exposed tool name (#15 item 2)
 *     github__create_issue: sha256:0f3c...
 *   quorum: {prod: 2}         # distinct reviewers an accept needs, by environment, or one number for all (#15 item 2)
 *   review_new: false         # true: every new definition not pre-approved waits in the review queue (#15 item 2)
 * </pre>
 */
public final class PinsConfigReader {
    private static final String P = "/pins";

    private PinsConfigReader() {}

    /** @param n the {@code pins} node, or null when absent */
    public static PinsConfig read(Fields f, JsonNode n) {
        return read(f, n, null);
    }

    /** @param envs the declared environments (a quorum names only these), or null not to check the names */
    public static PinsConfig read(Fields f, JsonNode n, List<String> envs) {
        if (!f.isObject(n, P, "'pins'")) {
            return PinsConfig.DEFAULTS;
        }
        f.onlyKeys(n, P, Set.of("enabled", "quarantined", "block", "reviewers", "approved", "quorum", "review_new"));
        boolean enabled = f.bool(n, "enabled", P, true);
        String shown = f.string(n, "quarantined", P, "hide");
        if (!shown.equals("hide") && !shown.equals("pinned")) {
            f.problem(P + "/quarantined", "'quarantined' must be hide or pinned");
        }
        String block = f.string(n, "block", P, "high");
        Finding.Severity severity = Finding.Severity.of(block);
        if (severity == null && !block.equals("none")) {
            f.problem(P + "/block", "'block' must be low, medium, high or none");
        }
        List<String> reviewers = n.has("reviewers") ? f.strings(n, "reviewers", P) : PinsConfig.DEFAULTS.reviewers();
        if (n.has("reviewers") && reviewers.isEmpty()) {
            f.problem(P + "/reviewers", "'reviewers' must name at least one role");
        }
        Map<String, String> approved = new LinkedHashMap<>();
        JsonNode a = n.get("approved");
        if (f.isObject(a, P + "/approved", "'approved'")) {
            for (var e : a.properties()) {
                String ap = P + "/approved/" + Fields.escape(e.getKey());
                String hash = e.getValue().isString() ? e.getValue().asString() : "";
                if (!Definition.HASH.matcher(hash).matches()) {
                    // #15 item 2: "a catalog hash that is not a hash → config error with file:line"
                    f.problem(ap, "the pre-approved hash of '" + e.getKey() + "' must be sha256: and 64 lower-case hex digits "
                            + "(as 'portcullis review show' prints it)");
                } else {
                    approved.put(e.getKey(), hash);
                }
            }
        }
        return new PinsConfig(enabled, shown.equals("pinned"), severity, reviewers, approved, quorum(f, n.get("quorum"), envs),
                f.bool(n, "review_new", P, false));
    }

    private static Map<String, Integer> quorum(Fields f, JsonNode q, List<String> envs) {
        Map<String, Integer> out = new LinkedHashMap<>();
        if (q == null || q.isNull()) {
            return out;
        }
        if (q.isIntegralNumber()) {
            if (q.asInt() < 1 || q.asInt() > 10) {
                f.problem(P + "/quorum", "'quorum' must be a number of reviewers from 1 to 10");
            }
            out.put("*", q.asInt());
            return out;
        }
        if (!f.isObject(q, P + "/quorum", "'quorum' (a number, or reviewers by environment)")) {
            return out;
        }
        for (var e : q.properties()) {
            String qp = P + "/quorum/" + Fields.escape(e.getKey());
            if (envs != null && !envs.contains(e.getKey())) {
                f.problem(qp, "'" + e.getKey() + "' is not a declared environment " + envs);
            } else if (!e.getValue().isIntegralNumber() || e.getValue().asInt() < 1 || e.getValue().asInt() > 10) {
                f.problem(qp, "the quorum of '" + e.getKey() + "' must be a number of reviewers from 1 to 10");
            } else {
                out.put(e.getKey(), e.getValue().asInt());
            }
        }
        return out;
    }

    /**
     * #15 item 2: adds the catalog tool entries' {@code definition_sha256} to the pre-approved hashes; an
     * entry whose hash differs from the one {@code pins.approved} gives for the same tool is a problem.
     */
    public static PinsConfig withCatalog(Fields f, PinsConfig pins, io.portcullis.catalog.CatalogConfig catalog) {
        Map<String, String> approved = new LinkedHashMap<>(pins.approved());
        for (var e : new java.util.TreeMap<>(catalog.tools()).entrySet()) {
            String h = e.getValue().definitionSha256();
            if (h == null) {
                continue;
            }
            String before = approved.putIfAbsent(e.getKey(), h);
            if (before != null && !before.equals(h)) {
                f.problem(P + "/approved/" + Fields.escape(e.getKey()), "pins.approved gives " + before + " for '" + e.getKey()
                        + "' but its catalog entry's definition_sha256 is " + h + ": keep one");
            }
        }
        return approved.equals(pins.approved()) ? pins
                : new PinsConfig(pins.enabled(), pins.showPinned(), pins.block(), pins.reviewers(), approved, pins.quorum(),
                        pins.reviewNew());
    }
}
