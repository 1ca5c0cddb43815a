package io.portcullis.oauthclient;

import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.ClientCredentialsGrant;
import com.nimbusds.oauth2.sdk.JWTBearerGrant;
import com.nimbusds.oauth2.sdk.RefreshTokenGrant;
import com.nimbusds.oauth2.sdk.token.RefreshToken;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.Instant;

/**
 * The OAuth client of one MCP server (C1.4, issue 17), on the Nimbus OAuth SDK: it discovers where
 * to sign in ({@link Discovery}), refuses metadata about another resource, picks a client id
 * ({@link Registration}), chooses the scopes (the challenge's, else the resource's
 * {@code scopes_supported}, else none; {@code offline_access} only where the server lists it),
 * obtains tokens with the authorization code grant + PKCE, the client-credentials grant or
 * enterprise-managed authorization ({@link EnterpriseGrant}, SEP-990), always
 * for the server's resource (RFC 8707), refreshes them, and steps up on a 403
 * {@code insufficient_scope}. The caller bounds how often one request is re-authorized.
 */
public final class OAuthClient {
    /** Opens the sign-in page (the system browser, a command, or only the message on stderr). */
    public interface Browser {
        void open(URI url) throws IOException;
    }

    /** Keeps the tokens between runs (connect's 0600 file). */
    public interface Store {
        void save(Tokens tokens) throws IOException;
    }

    private final URI server;
    private final ClientSettings settings;
    private final HttpClient http;
    private final Browser browser;
    private final Duration loginTimeout;
    private final Duration httpTimeout;
    private final Store store;
    private final PrintStream log;
    private final TokenEndpoint endpoint;
    private Tokens tokens;

    public OAuthClient(URI server, ClientSettings settings, HttpClient http, Browser browser, Duration loginTimeout, Duration httpTimeout,
                       Tokens cached, Store store, PrintStream log) {
        this.server = server;
        this.settings = settings;
        this.http = http;
        this.browser = browser;
        this.loginTimeout = loginTimeout;
        this.httpTimeout = httpTimeout;
        this.store = store;
        this.log = log;
        this.endpoint = new TokenEndpoint(httpTimeout);
        boolean usable = cached != null && (settings.clientId() == null || settings.clientId().equals(cached.clientId()));
        this.tokens = usable ? cached : null;
    }

    /**
     * A token to send now: the cached one while fresh, else a refreshed one; with a pre-registered
     * client or client credentials a new sign-in; else null (send none until the server asks).
     */
    public synchronized String token() throws IOException {
        if (tokens != null && tokens.fresh(Instant.now(), 30)) {
            return tokens.accessToken();
        }
        if (tokens != null && tokens.refreshToken() != null && refresh()) {
            return tokens.accessToken();
        }
        if (settings.clientId() != null || settings.clientCredentials()) {
            authorize(Challenge.NONE);
            return tokens.accessToken();
        }
        return null;
    }

    /**
     * The server refused {@code sent} (401, or 403 with {@code insufficient_scope}) with challenge
     * {@code ch}: a token to try instead (renewed by another request, refreshed, or a new sign-in,
     * with the scopes the challenge asks for added on a step-up).
     */
    public synchronized String challenged(String sent, Challenge ch) throws IOException {
        if (!ch.insufficientScope() && tokens != null) {
            if (sent != null && !sent.equals(tokens.accessToken()) && tokens.fresh(Instant.now(), 0)) {
                return tokens.accessToken(); // another request already renewed it
            }
            if (tokens.refreshToken() != null && refresh()) {
                return tokens.accessToken();
            }
        }
        authorize(ch);
        return tokens.accessToken();
    }

    private boolean refresh() {
        try {
            Registration.Client c = new Registration.Client(tokens.clientId(), tokens.clientSecret(),
                    tokens.authMethod() == null ? "none" : tokens.authMethod());
            URI te = URI.create(tokens.tokenEndpoint());
            Tokens t = endpoint.request(te, Discovery.origin(te), c, settings, new RefreshTokenGrant(new RefreshToken(tokens.refreshToken())),
                    tokens.resource() == null ? null : URI.create(tokens.resource()), null);
            save(new Tokens(t.accessToken(), t.refreshToken() != null ? t.refreshToken() : tokens.refreshToken(), t.expiresAt(),
                    t.tokenEndpoint(), t.clientId(), t.clientSecret(), t.authMethod(), t.resource(), tokens.scope()));
            return true;
        } catch (IOException e) {
            log.println("portcullis connect: refreshing the token failed (" + e.getMessage() + "); signing in again");
            return false;
        }
    }

    private void authorize(Challenge ch) throws IOException {
        Discovery.Located at = new Discovery(http, httpTimeout).locate(server, ch.resourceMetadata());
        Discovery.Resource prm = at.prm();
        URI resource = at.resource();
        String issuer = at.issuer();
        Discovery.AuthServer as = at.as();
        String scope = scope(ch, prm, as);
        Tokens t;
        if (settings.enterprise() != null) {
            // SEP-990 enterprise-managed authorization: the IdP's ID token becomes an ID-JAG for this resource at this
            // authorization server (RFC 8693), presented here with the JWT-bearer grant (RFC 7523); no user signs in
            Registration.Client c = Registration.choose(settings, as, null, http, httpTimeout);
            var jag = settings.enterprise().exchange(as.issuer(), resource, httpTimeout);
            t = endpoint.request(as.tokenEndpoint(), as.issuer(), c, settings, new JWTBearerGrant(jag), resource, scope);
        } else if (settings.clientCredentials()) {
            Registration.Client c = Registration.choose(settings, as, null, http, httpTimeout);
            t = endpoint.request(as.tokenEndpoint(), as.issuer(), c, settings, new ClientCredentialsGrant(), resource, scope);
        } else {
            try (LoopbackSignIn sign = new LoopbackSignIn()) {
                Registration.Client c = Registration.choose(settings, as, sign.redirect(), http, httpTimeout);
                LoopbackSignIn.Code code = sign.authorize(as.authorizationEndpoint(), c.clientId(), scope, resource, browser, loginTimeout,
                        log, issuer);
                t = endpoint.request(as.tokenEndpoint(), as.issuer(), c, settings,
                        new AuthorizationCodeGrant(code.code(), code.redirect(), code.verifier()), resource, null);
            }
        }
        save(new Tokens(t.accessToken(), t.refreshToken(), t.expiresAt(), t.tokenEndpoint(), t.clientId(), t.clientSecret(),
                t.authMethod(), t.resource(), scope));
        log.println("portcullis connect: signed in to " + issuer + " for " + resource);
    }

    /** The challenge's scope, else the resource's scopes_supported, else none; a step-up keeps what was granted ({@link Scopes}). */
    private String scope(Challenge ch, Discovery.Resource prm, Discovery.AuthServer as) {
        return Scopes.choose(ch, prm, as, tokens == null ? null : tokens.scope(), settings.extraScope(), settings.clientCredentials());
    }

    private void save(Tokens t) throws IOException {
        tokens = t;
        if (store != null) {
            store.save(t);
        }
    }
}
