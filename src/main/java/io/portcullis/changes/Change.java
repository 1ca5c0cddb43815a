package io.portcullis.changes;

import java.util.List;
import java.util.Set;

/**
 * One difference between the effective config in force and a new one (#15 item 4).
 *
 * @param widening     whether it may let someone do more than before (held where {@code change_control.hold_widening}
 *                     names one of its environments); a narrowing applies at once
 * @param what         what changed, in words ({@code policy rule allow-reads added})
 * @param environments the environments it affects; empty: every environment
 * @param before       the old value as text, or null when it did not exist
 * @param after        the new value as text, or null when it is gone
 */
public record Change(boolean widening, String what, Set<String> environments, String before, String after) {
    public Change {
        environments = Set.copyOf(environments);
    }

    /** Whether it widens {@code env} (a change of every environment widens each). */
    public boolean widens(String env) {
        return widening && (environments.isEmpty() || environments.contains(env));
    }

    /** The diff lines: {@code ! what} (widening) or {@code   what} (narrowing), then {@code - before} and {@code + after}. */
    public List<String> lines() {
        List<String> out = new java.util.ArrayList<>();
        out.add((widening ? "widening: " : "narrowing: ") + what
                + (environments.isEmpty() ? "" : " (environments " + new java.util.TreeSet<>(environments) + ")"));
        if (before != null) {
            out.add("- " + before);
        }
        if (after != null) {
            out.add("+ " + after);
        }
        return out;
    }
}
