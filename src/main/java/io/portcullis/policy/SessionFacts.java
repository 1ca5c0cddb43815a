package io.portcullis.policy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * What the policy sees of the conversation a call belongs to (#13 item 5): {@code session.labels},
 * {@code session.tools}, {@code session.calls}. Each label keeps the audit ids (call ids) of the
 * earliest calls that brought it, so a chain decision can name its causes.
 *
 * @param labels label to the audit ids of the calls that added it (first ones, in order)
 * @param tools  the tools called earlier in the conversation, first call first
 * @param calls  how many calls the conversation had within its window
 */
public record SessionFacts(Map<String, List<String>> labels, List<String> tools, long calls) {

    /** A conversation with nothing in it. */
    public static final SessionFacts EMPTY = new SessionFacts(Map.of(), List.of(), 0);

    public SessionFacts {
        Map<String, List<String>> copy = new LinkedHashMap<>();
        labels.forEach((k, v) -> copy.put(k, List.copyOf(v)));
        labels = java.util.Collections.unmodifiableMap(copy);
        tools = List.copyOf(tools);
    }

    /**
     * The labels that match {@code which}, each with the audit ids of the calls that brought it,
     * as one phrase: {@code untrusted (calls 3f2a…, 9b1c…), customer-data (call 11d0…)}.
     */
    public String causes(Predicate<String> which) {
        StringBuilder b = new StringBuilder();
        labels.forEach((label, ids) -> {
            if (which.test(label)) {
                if (!b.isEmpty()) {
                    b.append(", ");
                }
                b.append(label).append(" (").append(ids.size() == 1 ? "call " : "calls ").append(String.join(", ", ids)).append(')');
            }
        });
        return b.toString();
    }
}
