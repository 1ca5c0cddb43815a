package io.portcullis.oauthclient;

import com.nimbusds.oauth2.sdk.AuthorizationCode;
import com.nimbusds.oauth2.sdk.AuthorizationRequest;
import com.nimbusds.oauth2.sdk.AuthorizationResponse;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The authorization code grant with PKCE (S256) for a native app (RFC 8252): a one-shot listener on
 * 127.0.0.1 receives the browser's redirect. Open it, register the client with its
 * {@link #redirect()}, then {@link #authorize}; close it afterwards.
 */
final class LoopbackSignIn implements AutoCloseable {
    /** The answer of the authorization endpoint: the code and the verifier to redeem it with. */
    record Code(AuthorizationCode code, CodeVerifier verifier, URI redirect) {}

    private final HttpServer listener;
    private final CompletableFuture<URI> callback = new CompletableFuture<>();

    LoopbackSignIn() throws IOException {
        listener = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        listener.createContext("/callback", ex -> {
            byte[] page = "Signed in. You can close this window.".getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
            ex.sendResponseHeaders(200, page.length);
            ex.getResponseBody().write(page);
            ex.close();
            callback.complete(URI.create("http://127.0.0.1" + ex.getRequestURI()));
        });
        listener.start();
    }

    URI redirect() {
        return URI.create("http://127.0.0.1:" + listener.getAddress().getPort() + "/callback");
    }

    Code authorize(URI endpoint, String clientId, String scope, URI resource, OAuthClient.Browser browser, Duration timeout,
                   java.io.PrintStream log, String issuer) throws IOException {
        CodeVerifier verifier = new CodeVerifier();
        State state = new State();
        AuthorizationRequest.Builder b = new AuthorizationRequest.Builder(new ResponseType(ResponseType.Value.CODE), new ClientID(clientId))
                .endpointURI(endpoint).redirectionURI(redirect()).state(state).codeChallenge(verifier, CodeChallengeMethod.S256);
        if (scope != null && !scope.isBlank()) {
            b.scope(Scope.parse(scope));
        }
        if (resource != null) {
            b.resources(resource);
        }
        URI url = b.build().toURI();
        log.println("portcullis connect: sign in to " + issuer + " to use " + resource + ":\n  " + url);
        browser.open(url);
        try {
            AuthorizationResponse response = AuthorizationResponse.parse(callback.get(timeout.toMillis(), TimeUnit.MILLISECONDS));
            if (!state.equals(response.getState())) {
                throw new OAuthClientException("the sign-in answer carries another state: refused (CSRF guard)");
            }
            if (!response.indicatesSuccess()) {
                throw new OAuthClientException("sign-in failed: " + response.toErrorResponse().getErrorObject());
            }
            return new Code(response.toSuccessResponse().getAuthorizationCode(), verifier, redirect());
        } catch (TimeoutException e) {
            throw new OAuthClientException("no sign-in within " + timeout.toSeconds() + "s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OAuthClientException("interrupted while waiting for the sign-in");
        } catch (ExecutionException | ParseException e) {
            throw new OAuthClientException("sign-in failed: " + e.getMessage());
        }
    }

    @Override
    public void close() {
        listener.stop(0);
    }
}
