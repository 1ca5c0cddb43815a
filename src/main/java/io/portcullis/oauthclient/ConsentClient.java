package io.portcullis.oauthclient;

import com.nimbusds.oauth2.sdk.AuthorizationGrant;
import com.nimbusds.oauth2.sdk.AuthorizationRequest;
import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Issue 17 (task h3), mode {@code user_oauth} without configured endpoints: the gateway's consent
 * flow for one upstream on the same OAuth client as {@code connect} and mode {@code oauth}. {@link #discover}
 * asks the upstream without a token and reads its 401 challenge, finds the protected-resource and
 * authorization server metadata ({@link Discovery}: the {@code resource_metadata} hint, path, root;
 * RFC 8414 + OIDC; the 2025-03-26 fallbacks), refuses metadata about another resource before any
 * authorization or token request, picks the client ({@link Registration}: pre-registered, client ID
 * metadata document, RFC 7591 with the gateway's callback as redirect URI) and the scopes
 * ({@link Scopes}). The {@link Plan} then gives each user's authorization URL (PKCE S256, the
 * caller's state, RFC 8707 {@code resource}) and redeems codes and refresh tokens for that resource.
 */
public final class ConsentClient {
    /**
     * What discovery and registration found for one upstream: where users consent, where tokens are
     * redeemed, for which resource and scope, as which client. The secret never appears in {@link #toString}.
     */
    public record Plan(URI resource, String issuer, URI authorizationEndpoint, URI tokenEndpoint, String scope,
                       String clientId, String clientSecret, String authMethod, ClientSettings settings) {
        Registration.Client client() {
            return new Registration.Client(clientId, clientSecret, authMethod);
        }

        @Override
        public String toString() {
            return "Plan[" + issuer + " for " + resource + " as " + clientId + " (" + authMethod + "), scope " + scope + "]";
        }
    }

    private ConsentClient() {}

    /**
     * Discovers and registers for {@code server}; {@code redirect} is the gateway's callback
     * ({@code <gateway>/oauth/callback}), registered with a dynamically registered client.
     *
     * @throws OAuthClientException with a one-line reason (metadata for another resource, no metadata,
     *         a registration refused ...); nothing was asked of a token endpoint then
     */
    public static Plan discover(URI server, ClientSettings s, URI redirect, HttpClient http, Duration timeout) throws IOException {
        Challenge ch = probe(server, http, timeout);
        Discovery.Located at = new Discovery(http, timeout).locate(server, ch.resourceMetadata());
        Discovery.Resource prm = at.prm();
        URI resource = at.resource();
        Discovery.AuthServer as = at.as();
        String scope = Scopes.choose(ch, prm, as, null, s.extraScope(), false);
        Registration.Client c = Registration.choose(s, as, redirect, http, timeout);
        return new Plan(resource, as.issuer(), as.authorizationEndpoint(), as.tokenEndpoint(), scope, c.clientId(), c.clientSecret(),
                c.authMethod(), s);
    }

    /** The authorization request a user's browser is sent to: code flow, PKCE S256, {@code state}, RFC 8707 resource. */
    public static URI authorizationUrl(Plan p, URI redirect, State state, CodeVerifier verifier) {
        return authorizationUrl(p, null, redirect, state, verifier);
    }

    /** As above, with {@code stepUp} (the scopes an upstream's 403 {@code insufficient_scope} asked for, or null) added to the plan's. */
    public static URI authorizationUrl(Plan p, String stepUp, URI redirect, State state, CodeVerifier verifier) {
        String scope = union(p.scope(), stepUp);
        AuthorizationRequest.Builder b = new AuthorizationRequest.Builder(new ResponseType(ResponseType.Value.CODE), new ClientID(p.clientId()))
                .endpointURI(p.authorizationEndpoint()).redirectionURI(redirect).state(state)
                .codeChallenge(verifier, CodeChallengeMethod.S256).resources(p.resource());
        if (scope != null) {
            b.scope(Scope.parse(scope));
        }
        return b.build().toURI();
    }

    /**
     * Redeems {@code grant} (a code with its verifier, or a refresh token) for the plan's resource.
     *
     * @throws OAuthClientException its {@link OAuthClientException#oauthError()} is set when the server refused
     *         the grant, null when it could not be reached or answered no OAuth
     */
    public static Tokens redeem(Plan p, AuthorizationGrant grant, Duration timeout) throws IOException {
        return new TokenEndpoint(timeout).request(p.tokenEndpoint(), p.issuer(), p.client(), p.settings(), grant, p.resource(), null);
    }

    /** The union of two space-separated scopes (either may be null), in order; null when empty. */
    public static String union(String a, String b) {
        java.util.Set<String> s = new java.util.LinkedHashSet<>();
        for (String part : new String[] {a, b}) {
            if (part != null) {
                s.addAll(java.util.Arrays.asList(part.trim().split("\\s+")));
            }
        }
        s.remove("");
        return s.isEmpty() ? null : String.join(" ", s);
    }

    /** The upstream's answer to an initialize without a token: its 401 challenge, or none. */
    private static Challenge probe(URI server, HttpClient http, Duration timeout) throws OAuthClientException {
        String init = "{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-11-25\","
                + "\"capabilities\":{},\"clientInfo\":{\"name\":\"portcullis\",\"version\":\"1\"}}}";
        try {
            HttpResponse<java.io.InputStream> r = http.send(HttpRequest.newBuilder(server).timeout(timeout).header("Content-Type", "application/json")
                    .header("Accept", "application/json, text/event-stream")
                    .POST(HttpRequest.BodyPublishers.ofString(init, StandardCharsets.UTF_8)).build(), HttpResponse.BodyHandlers.ofInputStream());
            r.body().close(); // only the status and the challenge are read (an open SSE answer is not waited for)
            return r.statusCode() == 401 || r.statusCode() == 403
                    ? Challenge.parse(r.headers().firstValue("WWW-Authenticate").orElse(null)) : Challenge.NONE;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OAuthClientException("interrupted while asking " + server);
        } catch (IOException e) {
            throw new OAuthClientException("cannot reach " + server + ": " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
        }
    }
}
