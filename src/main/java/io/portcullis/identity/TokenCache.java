package io.portcullis.identity;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Tokens already verified, keyed by the SHA-256 of the token and the environment (the audience
 * and scope checks depend on it), kept until the earlier of the token's expiry and a short TTL.
 * The hot path of every call with a known token is one hash and one map lookup; the caller
 * re-checks revocation and expiry on every hit. The token itself is never kept.
 */
final class TokenCache {
    static final int MAX_ENTRIES = 50_000;

    /** What a hit returns; {@code rules} re-checks revocation. */
    record Entry(ClaimRules.Verified verified, ClaimRules rules, Instant cachedUntil) {
        /** The cached principal, after the checks that must run on every call: expiry and revocation. */
        Principal recheck(Instant now) throws AuthException {
            if (now.isAfter(verified.expiresAt().plus(rules.skew()))) {
                throw AuthException.invalid("the token expired at " + verified.expiresAt());
            }
            rules.revocation(verified.principal(), verified.issuedAt());
            return verified.principal();
        }
    }

    /** The hash of a token plus the environment; arrays compared by content. */
    record Key(byte[] digest, String environment) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Arrays.equals(digest, k.digest) && environment.equals(k.environment);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(digest) * 31 + environment.hashCode();
        }

        @Override
        public String toString() {
            return "Key[" + environment + "]";
        }
    }

    private final ConcurrentHashMap<Key, Entry> entries = new ConcurrentHashMap<>();
    private final Duration ttl;

    TokenCache(Duration ttl) {
        this.ttl = ttl;
    }

    static Key key(String token, String environment) {
        return new Key(IdentityStore.sha256(token), environment);
    }

    /** The entry for {@code key}, or null when absent or stale (a stale entry is dropped). */
    Entry get(Key key, Instant now) {
        Entry e = entries.get(key);
        if (e == null) {
            return null;
        }
        if (!now.isBefore(e.cachedUntil())) {
            entries.remove(key, e);
            return null;
        }
        return e;
    }

    void put(Key key, ClaimRules.Verified v, ClaimRules rules, Instant now, Duration ttlOverride) {
        Duration keep = ttlOverride != null && ttlOverride.compareTo(ttl) < 0 ? ttlOverride : ttl;
        if (keep.isZero()) {
            return;
        }
        Instant until = now.plus(keep);
        if (v.expiresAt() != null && v.expiresAt().isBefore(until)) {
            until = v.expiresAt();
        }
        if (entries.size() >= MAX_ENTRIES) {
            // Bounded memory under a flood of distinct tokens: drop the stale, then everything.
            entries.values().removeIf(x -> !now.isBefore(x.cachedUntil()));
            if (entries.size() >= MAX_ENTRIES) {
                entries.clear();
            }
        }
        entries.put(key, new Entry(v, rules, until));
    }

    int size() {
        return entries.size();
    }

    void clear() {
        entries.clear();
    }
}
