package io.portcullis.credentials;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Issue 17 (task h3), {@code user_oauth}: step-ups asked by an upstream on a user's own connection (403
 * {@code insufficient_scope}, MCP authorization 2025-11-25 "Scope Challenge Handling"). Per grant key
 * (issuer + subject, upstream, scope): the scopes the upstream asked for, whether a consent to them is
 * still due, and how many step-ups in a row it took; at most {@link #MAX} before the user is told that
 * the upstream keeps refusing (the retry bound). In memory, bounded.
 */
final class StepUps {
    /**
     * Step-up consents in a row for one grant before the gateway stops asking: with the first consent,
     * at most 3 authorization requests (the suite's auth/scope-retry-limit bound; connect's is the same).
     */
    static final int MAX = 2;
    private static final int MAX_KEYS = 10_000;

    private record StepUp(Set<String> scopes, int count, boolean due) {}

    private final Map<GrantStore.Key, StepUp> byKey = new ConcurrentHashMap<>();

    /** The upstream asked for {@code scope} (space separated, or null): a consent is due at the user's next call. */
    void asked(GrantStore.Key key, String scope) {
        if (byKey.size() >= MAX_KEYS) {
            byKey.clear();
        }
        byKey.merge(key, new StepUp(split(scope), 1, true), (old, add) -> {
            Set<String> s = new LinkedHashSet<>(old.scopes());
            s.addAll(add.scopes());
            // several requests refused before the user consents are one step-up
            return new StepUp(s, old.due() ? old.count() : old.count() + 1, true);
        });
    }

    /** Whether a step-up consent is due for {@code key}. */
    boolean due(GrantStore.Key key) {
        StepUp s = byKey.get(key);
        return s != null && s.due();
    }

    /** Whether the upstream refused for lack of scope more than {@link #MAX} times in a row; forgets it (the next call starts anew). */
    boolean exhausted(GrantStore.Key key) {
        StepUp s = byKey.get(key);
        if (s != null && s.count() > MAX) {
            byKey.remove(key);
            return true;
        }
        return false;
    }

    /** The scopes to add to the next authorization request of {@code key}, or null. */
    String scopes(GrantStore.Key key) {
        StepUp s = byKey.get(key);
        return s == null || s.scopes().isEmpty() ? null : String.join(" ", s.scopes());
    }

    /** A grant was stored for {@code key}: the consent is no longer due (the count stays, for the bound). */
    void consented(GrantStore.Key key) {
        byKey.computeIfPresent(key, (k, s) -> new StepUp(s.scopes(), s.count(), false));
    }

    /** The grant is gone: nothing is kept for it. */
    void forget(GrantStore.Key key) {
        byKey.remove(key);
    }

    private static Set<String> split(String scope) {
        Set<String> s = new LinkedHashSet<>();
        if (scope != null) {
            s.addAll(Arrays.asList(scope.trim().split("\\s+")));
            s.remove("");
        }
        return s;
    }
}
