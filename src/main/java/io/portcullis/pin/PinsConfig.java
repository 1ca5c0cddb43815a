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
 */
public record PinsConfig(boolean enabled, boolean showPinned, Finding.Severity block, List<String> reviewers,
                         java.util.Map<String, String> approved) {

    public static final PinsConfig DEFAULTS = new PinsConfig(true, false, Finding.Severity.HIGH, List.of("pin-reviewer"),
            java.util.Map.of());

    public PinsConfig {
        reviewers = List.copyOf(reviewers);
        approved = java.util.Map.copyOf(approved);
    }
}
