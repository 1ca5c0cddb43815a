package io.portcullis.identity;

import java.time.Clock;
import java.time.Instant;
import java.util.List;

/**
 * API keys of non-interactive callers (CI jobs, batch agents), sent as
 * {@code Authorization: Bearer pcl_<prefix>_<secret>}. A key stands for a service role, never for
 * a person: its principal is always of kind {@link Principal.Kind#SERVICE} (C1.2). Keys are
 * scoped to environments, expire, and can be revoked; every check reads memory only.
 */
final class ApiKeyAuthenticator implements Authenticator {
    static final String ISSUER = "portcullis";

    private final IdentityStore store;
    private final boolean enabled;
    private final Clock clock;

    ApiKeyAuthenticator(IdentityStore store, boolean enabled, Clock clock) {
        this.store = store;
        this.enabled = enabled;
        this.clock = clock;
    }

    @Override
    public Principal authenticate(Credentials in, String environment) throws AuthException {
        String token = in.bearer();
        if (!IdentityStore.looksLikeKey(token)) {
            throw new AuthException.NotMine("");
        }
        if (!enabled) {
            throw AuthException.invalid("API keys are not accepted by this gateway (identity.api_keys is off)");
        }
        IdentityStore.ApiKey k = store.verifyKey(token);
        if (k == null) {
            throw AuthException.invalid("unknown API key");
        }
        Instant now = clock.instant();
        if (k.revoked() != null) {
            throw AuthException.invalid("API key " + k.prefix() + " was revoked at " + k.revoked());
        }
        if (!now.isBefore(k.expires())) {
            throw AuthException.invalid("API key " + k.prefix() + " expired at " + k.expires());
        }
        if (!k.environments().contains(environment)) {
            throw AuthException.invalid("API key " + k.prefix() + " is not valid in environment " + environment
                    + " (only " + String.join(", ", k.environments()) + ")");
        }
        Instant cut = store.subjectRevokedAt(ISSUER, k.name());
        if (cut != null && !k.created().isAfter(cut)) {
            throw AuthException.invalid("credentials of " + k.name() + " issued before " + cut + " were revoked");
        }
        return new Principal(k.name(), Principal.Kind.SERVICE, k.name(), List.of(k.role()), null, environment, "api_key",
                k.prefix(), k.expires(), ISSUER, null, List.of());
    }
}
