package io.portcullis.settings;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * Reads the {@code change_control:} section (#15 item 4); every problem goes to {@link Fields} with its line.
 *
 * <pre>
 * change_control:
 *   hold_widening: [prod]        # environments where a widening config change waits for a second person
 *   reviewers: [config-reviewer] # roles that may approve or reject a held change
 *   quorum: {prod: 2}            # distinct reviewers needed, by environment (default 1)
 *   author: alice                # who wrote this change (the author may not approve it)
 * </pre>
 */
public final class ChangeControlConfigReader {
    private static final String P = "/change_control";

    private ChangeControlConfigReader() {}

    /**
     * @param n    the {@code change_control} node, or null when absent
     * @param envs the declared environments' names
     */
    public static ChangeControlConfig read(Fields f, JsonNode n, List<String> envs) {
        if (!f.isObject(n, P, "'change_control'")) {
            return ChangeControlConfig.NONE;
        }
        f.onlyKeys(n, P, Set.of("hold_widening", "reviewers", "quorum", "author"));
        List<String> hold = f.strings(n, "hold_widening", P);
        for (int i = 0; i < hold.size(); i++) {
            if (!envs.contains(hold.get(i))) {
                f.problem(P + "/hold_widening/" + i, "'hold_widening' names environment '" + hold.get(i)
                        + "', which is not declared (environments: " + envs + ")");
            }
        }
        List<String> reviewers = n.has("reviewers") ? f.strings(n, "reviewers", P) : ChangeControlConfig.NONE.reviewers();
        if (n.has("reviewers") && reviewers.isEmpty()) {
            f.problem(P + "/reviewers", "'reviewers' must name at least one role");
        }
        Map<String, Integer> quorum = new LinkedHashMap<>();
        JsonNode q = n.get("quorum");
        if (f.isObject(q, P + "/quorum", "'quorum'")) {
            for (var e : q.properties()) {
                if (!envs.contains(e.getKey())) {
                    f.problem(P + "/quorum/" + Fields.escape(e.getKey()), "'quorum' names environment '" + e.getKey()
                            + "', which is not declared");
                }
                quorum.put(e.getKey(), (int) f.integer(q, e.getKey(), P + "/quorum", 1, 1, 10));
            }
        }
        String author = n.has("author") ? f.string(n, "author", P, null) : null;
        return new ChangeControlConfig(hold, reviewers, quorum, author == null || author.isBlank() ? null : author.strip());
    }
}
