package io.portcullis.settings;

import java.util.List;
import java.util.Map;

/**
 * The {@code change_control:} section (#15 item 4, C7.2): which environments hold a config change
 * that widens what someone may do until a second person approves it.
 *
 * @param holdWidening the environments where a widening change is held (empty: none; the default)
 * @param reviewers    the roles that may approve or reject a held change (any of them)
 * @param quorum       distinct reviewers a held change needs, by environment (default 1); a change that
 *                     widens several environments needs the largest of theirs
 * @param author       who wrote this config change (a subject, as principals are named); the author of
 *                     a held change may not decide on it; null when the file does not say
 */
public record ChangeControlConfig(List<String> holdWidening, List<String> reviewers, Map<String, Integer> quorum, String author) {
    public static final ChangeControlConfig NONE = new ChangeControlConfig(List.of(), List.of("config-reviewer"), Map.of(), null);

    public ChangeControlConfig {
        holdWidening = List.copyOf(holdWidening);
        reviewers = List.copyOf(reviewers);
        quorum = Map.copyOf(quorum);
    }

    /** Whether a widening of {@code env} is held. */
    public boolean holds(String env) {
        return holdWidening.contains(env);
    }

    /** The distinct reviewers a change widening {@code envs} needs. */
    public int quorumFor(java.util.Collection<String> envs) {
        return envs.stream().mapToInt(e -> quorum.getOrDefault(e, 1)).max().orElse(1);
    }
}
