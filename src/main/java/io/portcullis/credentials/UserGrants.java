package io.portcullis.credentials;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import io.portcullis.call.Delegation;
import io.portcullis.identity.Principal;
import io.portcullis.identity.SubjectToken;
import io.portcullis.protocol.Json;
import io.portcullis.settings.UpstreamCredentials;
import io.portcullis.store.Store;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * #16 items 1, 2 (C1.2), mode {@code user_oauth}: each user's own grant at a third-party upstream,
 * obtained with the authorization code flow + PKCE (the gateway as OAuth client, {@link ConsentFlow}),
 * kept in the store sealed by the {@link Vault}, refreshed when it nears expiry. A caller without a
 * grant is refused (control {@code credentials}) with a single-use link to
 * {@code /oauth/connect/<upstream>}; a refresh the authorization server refuses deletes the grant and
 * asks again; an authorization server that cannot be reached refuses the call and keeps the grant.
 * The key of a grant is the verified caller (issuer + subject), the upstream and the scope, so one
 * user's token is never another's. No token leaves this class except on the call's own
 * {@link Delegation} header; messages carry fingerprints at most.
 */
public final class UserGrants {
    private static final Logger LOG = LoggerFactory.getLogger(UserGrants.class);

    /** Why the call cannot have a credential: one line, without any token (it may carry the consent link). */
    public static final class Refusal extends Exception {
        private final String callerText;
        private final String link;
        private final String linkText;

        Refusal(String message) {
            this(message, message);
        }

        Refusal(String message, String callerText) {
            this(message, callerText, null, null);
        }

        /**
         * @param message    what logs and audit records keep: never a consent link's single-use ticket
         * @param callerText what the caller alone is told (it may carry the link)
         */
        Refusal(String message, String callerText, String link, String linkText) {
            super(message, null, false, false);
            this.callerText = callerText;
            this.link = link;
            this.linkText = linkText;
        }

        /** The text for the caller alone: the message, with the consent link where there is one. */
        public String callerText() {
            return callerText;
        }

        /** The consent link (caller-only, never recorded), or null when the refusal is not one asking to connect. */
        public String link() {
            return link;
        }

        /** The consent request's message without the link (for a URL-mode elicitation, #16 item 1), or null. */
        public String linkText() {
            return linkText;
        }
    }

    /** #16: told when a user's grant is deleted (revoked, or refused on refresh): their upstream connections close. */
    public interface Revoked {
        void revoked(String subject, String issuer, String upstream);
    }

    private final java.util.List<Revoked> revokedListeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final GrantStore grants;
    private final Clock clock;
    private final ConsentFlow flow;
    private final StepUps stepUps = new StepUps();
    private volatile Vault vault;
    private volatile String vaultProblem = "no 'vault' section is configured";

    /** @param base the gateway's public base URL (no trailing slash), for the consent link and the OAuth redirect URI */
    public UserGrants(Store store, Clock clock, Supplier<String> base) {
        this.grants = GrantStore.open(store);
        this.clock = clock;
        this.flow = new ConsentFlow(this, clock, base);
    }

    /** The authorization-code flow (the routes under {@code /oauth/}). */
    public ConsentFlow flow() {
        return flow;
    }

    public GrantStore store() {
        return grants;
    }

    /**
     * Opens the vault of {@code config} (its KEKs read now) and re-wraps every record still wrapped
     * with the previous KEK with the current one (#16 item 2: rotation without downtime). A KEK that
     * cannot be read leaves no vault: {@code user_oauth} calls are refused, naming why.
     */
    public void apply(VaultConfig config) {
        try {
            Vault v = Vault.open(config);
            vault = v;
            vaultProblem = v == null ? "no 'vault' section is configured" : null;
            if (v != null) {
                rewrapAll(v);
            }
        } catch (Vault.VaultException e) {
            vault = null;
            vaultProblem = e.getMessage();
            LOG.error("vault: {}; user_oauth upstreams refuse every call until it is fixed", e.getMessage());
        }
    }

    /** Re-wraps the data key of every record not under the current KEK; returns how many were re-wrapped. */
    public int rewrapAll(Vault v) {
        int done = 0;
        int unknown = 0;
        try {
            for (GrantStore.Row r : grants.list(null, null)) {
                if (r.sealed().kekId().equals(v.currentKek())) {
                    continue;
                }
                if (!v.knows(r.sealed().kekId())) {
                    unknown++;
                    continue;
                }
                try {
                    grants.rewrapped(r, v.rewrap(r.sealed(), r.key().record()));
                    done++;
                } catch (Vault.VaultException e) {
                    LOG.warn("vault: the grant of {} to {} does not open ({}); it stays as it is", r.key().subject(), r.key().upstream(),
                            e.getMessage());
                }
            }
        } catch (SQLException e) {
            LOG.warn("vault: re-wrapping under the current KEK failed ({}); it is tried again at the next apply", e.getMessage());
        }
        if (done > 0 || unknown > 0) {
            LOG.info("vault: {} grant(s) re-wrapped with KEK {}; {} wrapped with a KEK that is neither current nor previous",
                    done, v.currentKek(), unknown);
        }
        return done;
    }

    /** The vault in use, or null (and {@link #vaultProblem()} says why). */
    public Vault vault() {
        return vault;
    }

    public String vaultProblem() {
        return vaultProblem;
    }

    /** The grant key of {@code caller} for {@code upstream}; refused for a caller the gateway could not attribute. */
    static GrantStore.Key key(String upstream, UpstreamCredentials c, Principal caller) throws Refusal {
        if (caller.kind() == Principal.Kind.ANONYMOUS || caller.subject() == null) {
            throw new Refusal("upstream " + upstream + " is reached with each user's own OAuth grant (user_oauth), "
                    + "and this caller is not authenticated");
        }
        String issuer = caller.issuer() != null ? caller.issuer() : "auth:" + caller.authMethod();
        return new GrantStore.Key(issuer, caller.subject(), upstream, c.scopeKey());
    }

    /**
     * The delegation of {@code caller} to {@code upstream} from their stored grant, refreshed when it
     * is within {@code refresh_before} of expiring.
     *
     * @throws Refusal when there is no grant (the message carries the consent link), the grant was
     *         refused on refresh (deleted; the link again), or the authorization server cannot be reached
     */
    public Delegation delegation(String upstream, UpstreamCredentials c, Principal caller, Duration timeout) throws Refusal {
        Vault v = vault;
        if (v == null) {
            throw new Refusal("per-user tokens of upstream " + upstream + " cannot be read: " + vaultProblem);
        }
        GrantStore.Key key = key(upstream, c, caller);
        GrantStore.Row row;
        try {
            row = grants.get(key);
        } catch (SQLException e) {
            throw new Refusal("the grants of upstream " + upstream + " cannot be read from the store");
        }
        if (row == null) {
            throw consent(upstream, key, "you have not connected your account at upstream " + upstream + " yet");
        }
        if (stepUps.exhausted(key)) { // issue 17 (task h3): the retry bound of step-ups
            throw new Refusal("upstream " + upstream + " refused your grant for lack of scope " + (StepUps.MAX + 1)
                    + " times in a row after each consent; the gateway stops asking (ask its operator about the scopes)");
        }
        if (stepUps.due(key)) {
            throw consent(upstream, key, "upstream " + upstream + " asks for more scope (" + stepUps.scopes(key) + ")");
        }
        Tokens t;
        try {
            t = Tokens.parse(v.open(row.sealed(), key.record()));
        } catch (Vault.VaultException e) {
            throw new Refusal("the grant of upstream " + upstream + " cannot be opened (" + e.getMessage() + ")");
        }
        Instant now = clock.instant();
        if (t.expiresAt() != null && !now.isBefore(t.expiresAt().minus(c.refreshBefore()))) {
            t = refresh(upstream, c, key, t, timeout);
        }
        return delegation(upstream, c, caller, t.access());
    }

    private Tokens refresh(String upstream, UpstreamCredentials c, GrantStore.Key key, Tokens t, Duration timeout) throws Refusal {
        if (t.refresh() == null) {
            forget(key, "expired without a refresh token");
            throw consent(upstream, key, "your grant at upstream " + upstream + " expired");
        }
        Tokens fresh;
        try {
            fresh = flow.refresh(upstream, c, t.refresh(), timeout);
        } catch (ConsentFlow.Refused e) {
            forget(key, "the authorization server refused the refresh (" + e.getMessage() + ")");
            throw consent(upstream, key, "the authorization server of upstream " + upstream
                    + " refused to refresh your grant (" + e.getMessage() + ")");
        } catch (ConsentFlow.Unreachable e) {
            throw new Refusal("your grant at upstream " + upstream + " needs refreshing and " + e.getMessage());
        }
        checkAudience(upstream, c, fresh.access());
        store(key, fresh);
        return fresh;
    }

    /**
     * Issue 17 (task h3): {@code caller}'s own connection to {@code upstream} was refused with 403
     * {@code insufficient_scope} asking for {@code scope}: their next call asks them to consent to it.
     */
    public void stepUp(String upstream, UpstreamCredentials c, Principal caller, String scope) {
        try {
            GrantStore.Key key = key(upstream, c, caller);
            stepUps.asked(key, scope);
            LOG.info("user_oauth grant of {} to {}: the upstream asks for more scope; the next call asks for consent", key.subject(),
                    upstream);
        } catch (Refusal anonymous) {
            // no grant can exist for an unattributed caller
        }
    }

    /** Issue 17 (task h3): the scopes an upstream asked for on a step-up, added to the next authorization request of {@code key}. */
    String stepUpScopes(GrantStore.Key key) {
        return stepUps.scopes(key);
    }

    /** Stores a grant sealed by the vault. */
    void store(GrantStore.Key key, Tokens t) throws Refusal {
        Vault v = vault;
        if (v == null) {
            throw new Refusal("per-user tokens cannot be stored: " + vaultProblem);
        }
        try {
            grants.put(key, v.seal(t.json().getBytes(StandardCharsets.UTF_8), key.record()), SubjectToken.hashPrefix(t.access()),
                    t.expiresAt(), clock.instant());
        } catch (Vault.VaultException | SQLException e) {
            throw new Refusal("the grant could not be stored (" + e.getClass().getSimpleName() + ")");
        }
        stepUps.consented(key);
    }

    private void forget(GrantStore.Key key, String why) {
        try {
            grants.delete(key);
            stepUps.forget(key);
            LOG.info("user_oauth grant of {} to {} deleted: {}", key.subject(), key.upstream(), why);
            revoked(key.subject(), key.issuer(), key.upstream());
        } catch (SQLException e) {
            LOG.warn("user_oauth grant of {} to {} could not be deleted: {}", key.subject(), key.upstream(), e.getMessage());
        }
    }

    /**
     * The refusal that asks the user to connect: the caller is told the link; the recorded message (logs,
     * audit, metrics) only says that a link was given, because its single-use ticket would let whoever
     * reads those connect their own account in the user's name first.
     */
    private Refusal consent(String upstream, GrantStore.Key key, String why) {
        String then = " in your browser to connect it (the link works once, for 10 minutes), then retry the call";
        String link = flow.link(key);
        return new Refusal(why + ": the caller was given a single-use link to /oauth/connect/" + upstream + then,
                why + ": open " + link + then, link, why + ": open the link" + then);
    }

    /** A JWT access token must name the configured audience (a token for another resource is refused). */
    static void checkAudience(String upstream, UpstreamCredentials c, String access) throws Refusal {
        if (c.audience() == null) {
            return;
        }
        List<String> aud;
        try {
            aud = JWTParser.parse(access).getJWTClaimsSet().getAudience();
        } catch (java.text.ParseException e) {
            throw new Refusal("the authorization server of upstream " + upstream + " returned a token that is not a JWT, "
                    + "so its audience cannot be checked against " + c.audience());
        }
        if (aud == null || !aud.contains(c.audience())) {
            throw new Refusal("the authorization server of upstream " + upstream + " returned a token for the wrong audience "
                    + aud + " (expected " + c.audience() + ")");
        }
    }

    private static Delegation delegation(String upstream, UpstreamCredentials c, Principal caller, String access) {
        String mode = UpstreamCredentials.Mode.USER_OAUTH.id();
        try {
            JWTClaimsSet claims = JWTParser.parse(access).getJWTClaimsSet(); // described as issued, not verified
            return new Delegation(mode, upstream, caller.subject(), claims.getSubject(),
                    claims.getAudience() == null ? null : String.join(",", claims.getAudience()), null, claims.getJWTID(),
                    SubjectToken.hashPrefix(access), "Bearer " + access);
        } catch (java.text.ParseException | RuntimeException opaque) {
            return new Delegation(mode, upstream, caller.subject(), null, c.audience(), null, null, SubjectToken.hashPrefix(access),
                    "Bearer " + access);
        }
    }

    /** Deletes grants (the admin API and {@code portcullis credentials revoke}); returns how many. */
    public int revoke(String subject, String issuer, String upstream) throws SQLException {
        int n = grants.revoke(subject, issuer, upstream);
        revoked(subject, issuer, upstream);
        LOG.warn("user_oauth grants revoked: {} of {} (issuer {}) to {}", n, subject, issuer == null ? "any" : issuer,
                upstream == null ? "every upstream" : upstream);
        return n;
    }

    /** #16: {@code r} is told of every deleted grant (its user's per-user upstream connections are closed). */
    public void onRevoke(Revoked r) {
        revokedListeners.add(r);
    }

    private void revoked(String subject, String issuer, String upstream) {
        revokedListeners.forEach(r -> r.revoked(subject, issuer, upstream));
    }

    /** What a grant holds, sealed: the access token, the refresh token (or null), the access token's expiry (or null). */
    record Tokens(String access, String refresh, Instant expiresAt) {
        String json() {
            var o = Json.object().put("a", access).put("r", refresh);
            if (expiresAt != null) {
                o.put("e", expiresAt.getEpochSecond());
            }
            return o.toString();
        }

        static Tokens parse(byte[] json) throws Vault.VaultException {
            JsonNode n = Json.parse(json);
            if (n == null || !n.path("a").isString()) {
                throw new Vault.VaultException("a grant record holds no access token");
            }
            return new Tokens(n.path("a").asString(), n.path("r").isString() ? n.path("r").asString() : null,
                    n.path("e").isNumber() ? Instant.ofEpochSecond(n.path("e").asLong()) : null);
        }

        @Override
        public String toString() {
            return "Tokens[" + SubjectToken.hashPrefix(access) + "]";
        }
    }
}
