package io.portcullis.credentials;

import com.nimbusds.oauth2.sdk.AccessTokenResponse;
import com.nimbusds.oauth2.sdk.AuthorizationCode;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.AuthorizationGrant;
import com.nimbusds.oauth2.sdk.AuthorizationRequest;
import com.nimbusds.oauth2.sdk.ErrorObject;
import com.nimbusds.oauth2.sdk.RefreshTokenGrant;
import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenErrorResponse;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.oauth2.sdk.token.RefreshToken;
import com.nimbusds.oauth2.sdk.token.Tokens;
import io.portcullis.oauthclient.ConsentClient;
import io.portcullis.oauthclient.OAuthClientException;
import io.portcullis.settings.UpstreamCredentials;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * #16 item 1, {@code user_oauth}: the authorization code flow with PKCE (S256), the gateway as OAuth
 * client (Nimbus OAuth SDK).
 * <ol>
 *   <li>A refused call carries {@link #link}: {@code /oauth/connect/<upstream>?ticket=T}, where T is
 *       random, single-use, valid 10 minutes and bound in memory to the verified caller (issuer +
 *       subject), the upstream and the scope. The browser has no bearer token; the ticket is what
 *       says whose grant the consent becomes.</li>
 *   <li>{@link #begin}: spends the ticket, keeps a fresh {@code state} and PKCE verifier for 10
 *       minutes, and answers the authorization server's URL to redirect to.</li>
 *   <li>{@link #finish} ({@code /oauth/callback?code&state}): spends the state, redeems the code with
 *       the verifier at the token endpoint, checks the audience, stores the grant sealed.</li>
 * </ol>
 * Tickets and states live in this node's memory: the link must be followed on the node that
 * issued it (a load balancer with sticky sessions, or one node), which docs/operations/credentials.md says.
 */
public final class ConsentFlow {
    static final Duration TTL = Duration.ofMinutes(10);
    private static final int MAX_PENDING = 10_000;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** The authorization server answered with an OAuth error: the grant is no good. */
    static final class Refused extends Exception {
        Refused(String message) {
            super(message, null, false, false);
        }
    }

    /** The authorization server could not be reached, or answered garbage. */
    static final class Unreachable extends Exception {
        Unreachable(String message) {
            super(message, null, false, false);
        }
    }

    /** Why a connect or callback request failed: one line, shown on the page, never a token. */
    public static final class Failed extends Exception {
        Failed(String message) {
            super(message, null, false, false);
        }
    }

    private record Ticket(GrantStore.Key key, Instant until) {}

    /** A started sign-in: whose it is (bound to the caller who got the link), its PKCE verifier, and the discovered plan (or null). */
    private record Pending(GrantStore.Key key, CodeVerifier verifier, Instant until, ConsentClient.Plan plan) {}

    private final UserGrants grants;
    private final Clock clock;
    private final Supplier<String> base;
    private final Map<String, Ticket> tickets = new ConcurrentHashMap<>();
    private final Map<String, Pending> states = new ConcurrentHashMap<>();
    private final DiscoveredPlans plans = new DiscoveredPlans();

    ConsentFlow(UserGrants grants, Clock clock, Supplier<String> base) {
        this.grants = grants;
        this.clock = clock;
        this.base = base;
    }

    /** The redirect URI registered at the authorization server: {@code <gateway>/oauth/callback}. */
    public String redirectUri() {
        return base.get() + "/oauth/callback";
    }

    /** A fresh single-use consent link for {@code key}. */
    String link(GrantStore.Key key) {
        Instant now = clock.instant();
        prune(now);
        String t = random();
        if (tickets.size() < MAX_PENDING) {
            tickets.put(t, new Ticket(key, now.plus(TTL)));
        }
        return base.get() + "/oauth/connect/" + key.upstream() + "?ticket=" + t;
    }

    /**
     * Spends {@code ticket} for {@code upstream} and returns the authorization server's URL (code
     * flow, PKCE S256, a fresh state) to send the browser to.
     */
    public URI begin(String upstream, String ticket, UpstreamCredentials c) throws Failed {
        return begin(upstream, ticket, c, null, Duration.ofSeconds(10));
    }

    /**
     * As {@link #begin(String, String, UpstreamCredentials)}; issue 17 (task h3): when the upstream's
     * endpoints are not configured, they are discovered from {@code url} by the shared OAuth client, the
     * gateway registered there (pre-registered, client ID metadata document, RFC 7591), and the URL
     * carries the RFC 8707 {@code resource} and the scopes the upstream asks for. The ticket is checked
     * (and spent) first: nobody without a link makes the gateway discover or register.
     */
    public URI begin(String upstream, String ticket, UpstreamCredentials c, URI url, Duration timeout) throws Failed {
        Ticket t = ticket == null ? null : tickets.remove(ticket);
        Instant now = clock.instant();
        if (t == null || !now.isBefore(t.until()) || !t.key().upstream().equals(upstream)) {
            throw new Failed("this connect link is unknown, used or expired: call the tool again for a fresh link");
        }
        if (c == null || c.mode() != UpstreamCredentials.Mode.USER_OAUTH) {
            throw new Failed("upstream " + upstream + " does not use per-user OAuth (user_oauth)");
        }
        CodeVerifier verifier = new CodeVerifier();
        String state = random();
        ConsentClient.Plan plan = c.discovered() ? plans.plan(upstream, url, c, URI.create(redirectUri()), timeout) : null;
        String stepUp = grants.stepUpScopes(t.key()); // issue 17 (task h3): the scopes an upstream's 403 asked for
        prune(now);
        states.put(state, new Pending(t.key(), verifier, now.plus(TTL), plan));
        if (plan != null) {
            return ConsentClient.authorizationUrl(plan, stepUp, URI.create(redirectUri()), new State(state), verifier);
        }
        String scope = ConsentClient.union(c.scope(), stepUp);
        return new AuthorizationRequest.Builder(new ResponseType(ResponseType.Value.CODE), new ClientID(c.clientId()))
                .endpointURI(c.authorizationEndpoint()).redirectionURI(URI.create(redirectUri()))
                .scope(scope == null ? null : Scope.parse(scope)).state(new State(state))
                .codeChallenge(verifier, CodeChallengeMethod.S256).build().toURI();
    }

    /** The upstream a pending {@code state} is for, or null. */
    public String upstreamOf(String state) {
        Pending p = state == null ? null : states.get(state);
        return p == null ? null : p.key().upstream();
    }

    /**
     * Finishes the flow: spends {@code state}, redeems {@code code} at the token endpoint with the
     * PKCE verifier, checks the audience and stores the grant. Returns whose grant it became (subject).
     */
    public String finish(String state, String code, UpstreamCredentials c, Duration timeout) throws Failed {
        Pending p = state == null ? null : states.remove(state);
        if (p == null || !clock.instant().isBefore(p.until())) {
            throw new Failed("this sign-in is unknown, used or expired: call the tool again for a fresh link");
        }
        if (code == null) {
            throw new Failed("the authorization server sent no code");
        }
        if (c == null || c.mode() != UpstreamCredentials.Mode.USER_OAUTH) {
            throw new Failed("upstream " + p.key().upstream() + " does not use per-user OAuth (user_oauth)");
        }
        try {
            AuthorizationCodeGrant grant = new AuthorizationCodeGrant(new AuthorizationCode(code), URI.create(redirectUri()), p.verifier());
            UserGrants.Tokens t = p.plan() != null ? redeem(p.key().upstream(), p.plan(), grant, timeout)
                    : redeem(p.key().upstream(), c, grant, timeout);
            UserGrants.checkAudience(p.key().upstream(), c, t.access());
            grants.store(p.key(), t);
            return p.key().subject();
        } catch (Refused e) {
            throw new Failed("the authorization server of upstream " + p.key().upstream() + " refused the code (" + e.getMessage() + ")");
        } catch (Unreachable e) {
            throw new Failed(e.getMessage());
        } catch (UserGrants.Refusal e) {
            throw new Failed(e.getMessage());
        }
    }

    /** Redeems a refresh token. */
    UserGrants.Tokens refresh(String upstream, UpstreamCredentials c, String refresh, Duration timeout) throws Refused, Unreachable {
        RefreshTokenGrant grant = new RefreshTokenGrant(new RefreshToken(refresh));
        UserGrants.Tokens t;
        if (c.discovered()) { // issue 17 (task h3): with the client the gateway registered, for the discovered resource
            ConsentClient.Plan plan = plans.known(upstream, c);
            if (plan == null) {
                throw new Refused("the client registration behind this grant is not known since the gateway started");
            }
            t = redeem(upstream, plan, grant, timeout);
        } else {
            t = redeem(upstream, c, grant, timeout);
        }
        return t.refresh() != null ? t : new UserGrants.Tokens(t.access(), refresh, t.expiresAt()); // the old one stays valid
    }

    private UserGrants.Tokens redeem(String upstream, UpstreamCredentials c, AuthorizationGrant grant, Duration timeout)
            throws Refused, Unreachable {
        int ms = (int) Math.min(Integer.MAX_VALUE, Math.max(1, timeout.toMillis()));
        TokenResponse response;
        try {
            TokenRequest request = c.clientSecret() == null
                    ? new TokenRequest(c.tokenEndpoint(), new ClientID(c.clientId()), grant, null)
                    : new TokenRequest(c.tokenEndpoint(), new ClientSecretBasic(new ClientID(c.clientId()),
                            new Secret(c.clientSecret().resolve())), grant, null);
            HTTPRequest http = request.toHTTPRequest();
            http.setConnectTimeout(ms);
            http.setReadTimeout(ms);
            http.setFollowRedirects(false);
            response = TokenResponse.parse(http.send());
        } catch (IllegalStateException e) {
            throw new Unreachable("the client secret of upstream " + upstream + " is missing: " + e.getMessage());
        } catch (Exception e) {
            throw new Unreachable("the authorization server of upstream " + upstream + " at " + c.tokenEndpoint().getHost()
                    + " could not be reached or answered garbage (" + e.getClass().getSimpleName() + ")");
        }
        if (!response.indicatesSuccess()) {
            ErrorObject err = ((TokenErrorResponse) response).getErrorObject();
            throw new Refused(err == null || err.getCode() == null ? "HTTP " + (err == null ? "?" : err.getHTTPStatusCode()) : err.getCode());
        }
        Tokens tokens = ((AccessTokenResponse) response).getTokens();
        long life = tokens.getAccessToken().getLifetime();
        Instant expires = life > 0 ? clock.instant().plusSeconds(life) : null;
        if (expires == null) {
            try {
                var exp = com.nimbusds.jwt.JWTParser.parse(tokens.getAccessToken().getValue()).getJWTClaimsSet().getExpirationTime();
                expires = exp == null ? null : exp.toInstant();
            } catch (java.text.ParseException opaque) {
                expires = null;
            }
        }
        return new UserGrants.Tokens(tokens.getAccessToken().getValue(),
                tokens.getRefreshToken() == null ? null : tokens.getRefreshToken().getValue(), expires);
    }

    /** Issue 17 (task h3): redeems at the discovered token endpoint, as the registered client, for the discovered resource. */
    private UserGrants.Tokens redeem(String upstream, ConsentClient.Plan plan, AuthorizationGrant grant, Duration timeout)
            throws Refused, Unreachable {
        try {
            io.portcullis.oauthclient.Tokens t = ConsentClient.redeem(plan, grant, timeout);
            return new UserGrants.Tokens(t.accessToken(), t.refreshToken(), t.expiresAt());
        } catch (OAuthClientException e) {
            Exception f = DiscoveredPlans.failure(upstream, plan.tokenEndpoint(), e);
            if (f instanceof Refused r) {
                throw r;
            }
            throw (Unreachable) f;
        } catch (java.io.IOException e) {
            throw new Unreachable("the authorization server of upstream " + upstream + " could not be reached (" + e.getClass().getSimpleName() + ")");
        }
    }

    private void prune(Instant now) {
        if (tickets.size() + states.size() > MAX_PENDING / 2) {
            tickets.values().removeIf(t -> !now.isBefore(t.until()));
            states.values().removeIf(p -> !now.isBefore(p.until()));
        }
    }

    private static String random() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
