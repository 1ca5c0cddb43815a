package io.portcullis.oauthclient;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.oauth2.sdk.AccessTokenResponse;
import com.nimbusds.oauth2.sdk.AuthorizationGrant;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.auth.ClientAuthentication;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.ClientSecretPost;
import com.nimbusds.oauth2.sdk.auth.PrivateKeyJWT;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.token.RefreshToken;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.time.Duration;
import java.time.Instant;

/**
 * One token request (RFC 6749 section 3.2) with the client's authentication (none,
 * client_secret_basic, client_secret_post or private_key_jwt, RFC 7523) and the RFC 8707
 * {@code resource} on every grant. A token endpoint that does not answer within the timeout, or
 * answers something that is not OAuth (an error page), is a clear error.
 */
final class TokenEndpoint {
    private final Duration timeout;

    TokenEndpoint(Duration timeout) {
        this.timeout = timeout;
    }

    Tokens request(URI endpoint, String issuer, Registration.Client client, ClientSettings s, AuthorizationGrant grant, URI resource,
                   String scope) throws IOException {
        TokenRequest.Builder b = switch (client.authMethod()) {
            case "none" -> new TokenRequest.Builder(endpoint, new ClientID(client.clientId()), grant);
            default -> new TokenRequest.Builder(endpoint, authentication(client, s, issuer), grant);
        };
        if (resource != null) {
            b.resources(resource);
        }
        if (scope != null && !scope.isBlank()) {
            b.scope(Scope.parse(scope));
        }
        HTTPRequest http = b.build().toHTTPRequest();
        http.setConnectTimeout((int) timeout.toMillis());
        http.setReadTimeout((int) timeout.toMillis());
        TokenResponse resp;
        try {
            resp = TokenResponse.parse(http.send());
        } catch (java.net.SocketTimeoutException e) {
            throw new OAuthClientException("the token endpoint " + endpoint + " did not answer within " + timeout.toSeconds() + "s");
        } catch (IOException e) {
            throw new OAuthClientException("cannot reach the token endpoint " + endpoint + ": " + e.getMessage());
        } catch (ParseException e) {
            throw new OAuthClientException("the token endpoint " + endpoint + " did not answer OAuth (an error page?)");
        }
        if (!resp.indicatesSuccess()) {
            var err = resp.toErrorResponse().getErrorObject();
            throw new OAuthClientException("the token endpoint refused: " + err.getCode()
                    + (err.getDescription() == null ? "" : " (" + err.getDescription() + ")"), err.getCode() == null ? "error" : err.getCode());
        }
        AccessTokenResponse ok = resp.toSuccessResponse();
        var access = ok.getTokens().getAccessToken();
        RefreshToken rt = ok.getTokens().getRefreshToken();
        Instant exp = Instant.now().plusSeconds(access.getLifetime() > 0 ? access.getLifetime() : 300);
        return new Tokens(access.getValue(), rt == null ? null : rt.getValue(), exp, endpoint.toString(), client.clientId(),
                client.clientSecret(), client.authMethod(), resource == null ? null : resource.toString(), scope);
    }

    private static ClientAuthentication authentication(Registration.Client c, ClientSettings s, String issuer) throws IOException {
        ClientID id = new ClientID(c.clientId());
        switch (c.authMethod()) {
            case "private_key_jwt" -> {
                if (s.privateKey() == null) {
                    throw new OAuthClientException("the client authenticates with private_key_jwt but no private key is configured");
                }
                try {
                    // RFC 7523 section 3: the audience is the authorization server (its issuer).
                    return new PrivateKeyJWT(id, URI.create(issuer), JWSAlgorithm.parse(s.privateKeyAlg()), privateKey(s.privateKey()), null, null);
                } catch (JOSEException e) {
                    throw new OAuthClientException("cannot sign the client assertion: " + e.getMessage());
                }
            }
            case "client_secret_post" -> {
                return new ClientSecretPost(id, new Secret(secret(c)));
            }
            case "client_secret_basic" -> {
                return new ClientSecretBasic(id, new Secret(secret(c)));
            }
            default -> throw new OAuthClientException("unsupported token endpoint authentication method " + c.authMethod());
        }
    }

    private static String secret(Registration.Client c) throws OAuthClientException {
        if (c.clientSecret() == null) {
            throw new OAuthClientException("the client authenticates with " + c.authMethod() + " but has no secret");
        }
        return c.clientSecret();
    }

    /** An unencrypted PKCS#8 PEM key ("BEGIN PRIVATE KEY"), EC or RSA. */
    static PrivateKey privateKey(Path pem) throws IOException {
        String text = Files.readString(pem);
        int begin = text.indexOf("-----BEGIN PRIVATE KEY-----");
        int end = text.indexOf("-----END PRIVATE KEY-----");
        if (begin < 0 || end < begin) {
            throw new OAuthClientException(pem + " holds no unencrypted PKCS#8 private key (BEGIN PRIVATE KEY)");
        }
        byte[] der = java.util.Base64.getMimeDecoder().decode(text.substring(begin + 27, end));
        for (String alg : new String[] {"EC", "RSA"}) {
            try {
                return java.security.KeyFactory.getInstance(alg).generatePrivate(new java.security.spec.PKCS8EncodedKeySpec(der));
            } catch (java.security.GeneralSecurityException e) {
                // try the next algorithm
            }
        }
        throw new OAuthClientException(pem + " holds no EC or RSA private key");
    }
}
