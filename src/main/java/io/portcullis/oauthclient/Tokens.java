package io.portcullis.oauthclient;

import java.time.Instant;

/**
 * What one sign-in produced, enough to use and refresh it later: the tokens, the token endpoint,
 * the client (its secret when the server issued it one at registration) and the resource (RFC 8707)
 * and scope they were asked for.
 */
public record Tokens(String accessToken, String refreshToken, Instant expiresAt, String tokenEndpoint, String clientId,
                     String clientSecret, String authMethod, String resource, String scope) {
    /** Whether the access token is still good for at least {@code margin} seconds. */
    public boolean fresh(Instant now, long margin) {
        return accessToken != null && expiresAt != null && now.plusSeconds(margin).isBefore(expiresAt);
    }
}
