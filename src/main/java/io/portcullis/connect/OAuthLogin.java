package io.portcullis.connect;

import com.nimbusds.oauth2.sdk.AccessTokenResponse;
import com.nimbusds.oauth2.sdk.AuthorizationCode;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.AuthorizationGrant;
import com.nimbusds.oauth2.sdk.AuthorizationRequest;
import com.nimbusds.oauth2.sdk.AuthorizationResponse;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.RefreshTokenGrant;
import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.oauth2.sdk.token.RefreshToken;
import com.sun.net.httpserver.HttpServer;
import io.portcullis.protocol.Json;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import tools.jackson.databind.JsonNode;

/**
 * OAuth for {@code connect} (C1.4): the user signs in with the authorization code flow and PKCE,
 * the browser returning to a one-shot listener on 127.0.0.1; tokens are cached in a 0600 file and
 * refreshed with the refresh token. Where to sign in is discovered from the gateway itself: its
 * RFC 9728 metadata names the authorization server, whose RFC 8414 / OIDC metadata names the
 * endpoints. Tokens are requested for the gateway's resource URL (RFC 8707).
 */
final class OAuthLogin implements Bridge.Bearer {
    private final URI gateway;
    private final String clientId;
    private final String scope;
    private final Path cacheFile;
    private final HttpClient http;
    private final Browser browser;
    private final Duration loginTimeout;
    private final PrintStream log;
    private TokenFile tokens;

    /** Opens the sign-in page: the system browser, a command, or just the message on stderr. */
    interface Browser {
        void open(URI url) throws IOException;
    }

    OAuthLogin(URI gateway, String clientId, String scope, Path cacheFile, HttpClient http, Browser browser, Duration loginTimeout,
               PrintStream log) {
        this.gateway = gateway;
        this.clientId = clientId;
        this.scope = scope;
        this.cacheFile = cacheFile;
        this.http = http;
        this.browser = browser;
        this.loginTimeout = loginTimeout;
        this.log = log;
        this.tokens = TokenFile.read(cacheFile);
        if (tokens != null && !clientId.equals(tokens.clientId())) {
            tokens = null;
        }
    }

    @Override
    public synchronized String token() throws IOException {
        if (tokens != null && tokens.fresh(Instant.now(), 30)) {
            return tokens.accessToken();
        }
        if (tokens != null && tokens.refreshToken() != null && refresh()) {
            return tokens.accessToken();
        }
        login();
        return tokens.accessToken();
    }

    @Override
    public synchronized String rejected(String token) throws IOException {
        if (tokens != null && token != null && !token.equals(tokens.accessToken())) {
            return tokens.accessToken(); // another thread already renewed it
        }
        if (tokens != null && tokens.refreshToken() != null && refresh()) {
            return tokens.accessToken();
        }
        login();
        return tokens.accessToken();
    }

    private boolean refresh() throws IOException {
        try {
            AuthorizationGrant grant = new RefreshTokenGrant(new RefreshToken(tokens.refreshToken()));
            TokenFile t = exchange(URI.create(tokens.tokenEndpoint()), grant, URI.create(tokens.resource()));
            store(t.refreshToken() == null ? new TokenFile(t.accessToken(), tokens.refreshToken(), t.expiresAt(),
                    t.tokenEndpoint(), t.clientId(), t.resource()) : t);
            return true;
        } catch (IOException e) {
            log.println("portcullis connect: refreshing the token failed (" + e.getMessage() + "); signing in again");
            return false;
        }
    }

    private void login() throws IOException {
        JsonNode resourceMeta = getJson(metadataUrl(gateway));
        String resource = resourceMeta.path("resource").asString(gateway.toString());
        String issuer = resourceMeta.path("authorization_servers").path(0).asString(null);
        if (issuer == null) {
            throw new IOException("the gateway's metadata names no authorization server");
        }
        JsonNode as = authorizationServer(issuer);
        URI authorize = URI.create(as.path("authorization_endpoint").asString());
        URI tokenEndpoint = URI.create(as.path("token_endpoint").asString());
        Set<String> scopes = new LinkedHashSet<>(List.of(scope.split(" ")));
        resourceMeta.path("scopes_supported").forEach(s -> scopes.add(s.asString()));
        scopes.remove("");

        CodeVerifier verifier = new CodeVerifier();
        State state = new State();
        CompletableFuture<URI> callback = new CompletableFuture<>();
        HttpServer listener = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        listener.createContext("/callback", ex -> {
            byte[] page = "Signed in to Portcullis. You can close this window.".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, page.length);
            ex.getResponseBody().write(page);
            ex.close();
            callback.complete(URI.create("http://127.0.0.1" + ex.getRequestURI()));
        });
        listener.start();
        try {
            URI redirect = URI.create("http://127.0.0.1:" + listener.getAddress().getPort() + "/callback");
            URI url = new AuthorizationRequest.Builder(new ResponseType(ResponseType.Value.CODE), new ClientID(clientId))
                    .endpointURI(authorize).redirectionURI(redirect).scope(new Scope(scopes.toArray(String[]::new)))
                    .state(state).codeChallenge(verifier, CodeChallengeMethod.S256).resources(URI.create(resource))
                    .build().toURI();
            log.println("portcullis connect: sign in to " + issuer + " to use " + resource + ":\n  " + url);
            browser.open(url);
            URI back = callback.get(loginTimeout.toMillis(), TimeUnit.MILLISECONDS);
            AuthorizationResponse response = AuthorizationResponse.parse(back);
            if (!state.equals(response.getState())) {
                throw new IOException("the sign-in answer carries another state: refused (CSRF guard)");
            }
            if (!response.indicatesSuccess()) {
                throw new IOException("sign-in failed: " + response.toErrorResponse().getErrorObject());
            }
            AuthorizationCode code = response.toSuccessResponse().getAuthorizationCode();
            store(exchange(tokenEndpoint, new AuthorizationCodeGrant(code, redirect, verifier), URI.create(resource)));
            log.println("portcullis connect: signed in; tokens cached in " + cacheFile);
        } catch (TimeoutException e) {
            throw new IOException("no sign-in within " + loginTimeout.toSeconds() + "s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for the sign-in");
        } catch (java.util.concurrent.ExecutionException | ParseException e) {
            throw new IOException("sign-in failed: " + e.getMessage(), e);
        } finally {
            listener.stop(0);
        }
    }

    private TokenFile exchange(URI tokenEndpoint, AuthorizationGrant grant, URI resource) throws IOException {
        try {
            TokenRequest req = new TokenRequest.Builder(tokenEndpoint, new ClientID(clientId), grant).resources(resource).build();
            TokenResponse resp = TokenResponse.parse(req.toHTTPRequest().send());
            if (!resp.indicatesSuccess()) {
                throw new IOException("the token endpoint refused: " + resp.toErrorResponse().getErrorObject());
            }
            AccessTokenResponse ok = resp.toSuccessResponse();
            var access = ok.getTokens().getAccessToken();
            RefreshToken rt = ok.getTokens().getRefreshToken();
            Instant exp = access.getLifetime() > 0 ? Instant.now().plusSeconds(access.getLifetime()) : Instant.now().plusSeconds(300);
            return new TokenFile(access.getValue(), rt == null ? null : rt.getValue(), exp, tokenEndpoint.toString(), clientId,
                    resource.toString());
        } catch (ParseException e) {
            throw new IOException("the token endpoint's answer is not OAuth: " + e.getMessage(), e);
        }
    }

    private void store(TokenFile t) throws IOException {
        tokens = t;
        t.write(cacheFile);
    }

    /** RFC 8414 metadata, falling back to OpenID Connect discovery. */
    private JsonNode authorizationServer(String issuer) throws IOException {
        URI i = URI.create(issuer);
        String path = i.getRawPath() == null ? "" : i.getRawPath();
        String origin = i.getScheme() + "://" + i.getRawAuthority();
        IOException last = null;
        for (String url : List.of(origin + "/.well-known/oauth-authorization-server" + path,
                strip(issuer) + "/.well-known/oauth-authorization-server", strip(issuer) + "/.well-known/openid-configuration")) {
            try {
                JsonNode n = getJson(URI.create(url));
                // RFC 8414 section 3.3: metadata naming another issuer is not this server's (mix-up defence).
                if (issuer.equals(n.path("issuer").asString(null)) && n.hasNonNull("authorization_endpoint")
                        && n.hasNonNull("token_endpoint")) {
                    return n;
                }
            } catch (IOException e) {
                last = e;
            }
        }
        throw new IOException("cannot find the metadata of authorization server " + issuer, last);
    }

    /** RFC 9728 section 3.1: the metadata of {@code https://host/path} is at {@code https://host/.well-known/oauth-protected-resource/path}. */
    static URI metadataUrl(URI resource) {
        String path = resource.getRawPath() == null ? "" : resource.getRawPath();
        return URI.create(resource.getScheme() + "://" + resource.getRawAuthority() + "/.well-known/oauth-protected-resource"
                + (path.endsWith("/") ? path.substring(0, path.length() - 1) : path));
    }

    private JsonNode getJson(URI url) throws IOException {
        try {
            HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(15)).GET().build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            if (r.statusCode() != 200) {
                throw new IOException(url + " answered " + r.statusCode());
            }
            return Json.parse(r.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (RuntimeException e) {
            throw new IOException(url + " did not answer JSON", e);
        }
    }

    private static String strip(String s) {
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }
}
