package io.portcullis.pin;

import java.util.List;

/**
 * The {@code pins:} section (#15 items 1-3), read by {@link PinsConfigReader}.
 *
 * @param enabled     whether definitions are pinned and changed ones quarantined (default true)
 * @param showPinned  whether a quarantined tool is listed in its pinned form ({@code quarantined: pinned})
 *                    rather than hidden ({@code quarantined: hide}, the default); calls are refused either way
 * @param block       findings of this severity or worse block acceptance without a recorded override; null: none block
 * @param reviewers   the roles a reviewer must have (any of them) to accept or reject (#15 item 2, C7.2)
 * @param approved    the catalog's pre-approved definition hashes, by exposed tool name (#15 item 2)
 * @param quorum      distinct reviewers an accept needs, by environment ({@code *}: every environment; #15 item 2
 *                    "production can require two reviewers"); a pin is one per upstream definition, served to every
 *                    environment, so the highest of them applies ({@link #reviewQuorum})
 * @param reviewNew   whether every new definition the catalog does not pre-approve waits in the review queue
 *                    ({@code review_new: true}, #15 item 2 "new and changed tools wait in a review queue"); false
 *                    (the default): a new definition without blocking findings is pinned on first sight
 */
public record PinsConfig(boolean enabled, boolean showPinned, Finding.Severity block, List<String> reviewers,
                         java.util.Map<String, String> approved, java.util.Map<String, Integer> quorum, boolean reviewNew) {

    public static final PinsConfig DEFAULTS = new PinsConfig(true, false, Finding.Severity.HIGH, List.of("pin-reviewer"),
            java.util.Map.of());

    public PinsConfig {
        reviewers = List.copyOf(reviewers);
        approved = java.util.Map.copyOf(approved);
        quorum = java.util.Map.copyOf(quorum);
    }

    /** New definitions without blocking findings are pinned on first sight. */
    public PinsConfig(boolean enabled, boolean showPinned, Finding.Severity block, List<String> reviewers,
                      java.util.Map<String, String> approved, java.util.Map<String, Integer> quorum) {
        this(enabled, showPinned, block, reviewers, approved, quorum, false);
    }

    /** Without a quorum: one reviewer accepts. */
    public PinsConfig(boolean enabled, boolean showPinned, Finding.Severity block, List<String> reviewers,
                      java.util.Map<String, String> approved) {
        this(enabled, showPinned, block, reviewers, approved, java.util.Map.of());
    }

    /** The distinct reviewers an accept needs: the highest quorum of any environment, at least 1. */
    public int reviewQuorum() {
        return Math.max(1, quorum.values().stream().mapToInt(Integer::intValue).max().orElse(1));
    }
}
