package io.portcullis.oauthclient;

import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.TokenErrorResponse;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.oauth2.sdk.id.Audience;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.token.TokenTypeURI;
import com.nimbusds.oauth2.sdk.token.TypelessToken;
import com.nimbusds.oauth2.sdk.tokenexchange.TokenExchangeGrant;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Issue 17 item 1, enterprise-managed authorization (SEP-990, "cross-app access"; the suite's
 * {@code auth/cross-app-access-complete-flow}): instead of a user signing in at the MCP server's
 * authorization server, the client holds an ID token from the enterprise IdP, exchanges it there
 * (RFC 8693 token exchange, {@code requested_token_type} ID-JAG, {@code audience} = the MCP
 * authorization server's issuer, {@code resource} = the MCP server) for an identity assertion
 * authorization grant (ID-JAG), and presents that at the MCP authorization server with the
 * JWT-bearer grant (RFC 7523, {@link OAuthClient}).
 *
 * @param idpTokenEndpoint the IdP's token endpoint
 * @param idpClientId      this client's id at the IdP (sent as {@code client_id}; the IdP's client is public here)
 * @param idToken          the user's ID token from the IdP (a secret: never logged or stored)
 */
public record EnterpriseGrant(URI idpTokenEndpoint, String idpClientId, String idToken) {
    static final TokenTypeURI ID_JAG = tokenType("urn:ietf:params:oauth:token-type:id-jag");

    @Override
    public String toString() {
        return "EnterpriseGrant[" + idpTokenEndpoint + ", " + idpClientId + "]"; // never the ID token
    }

    /** The ID-JAG for {@code resource} at the authorization server {@code issuer}, from the IdP. */
    SignedJWT exchange(String issuer, URI resource, Duration timeout) throws IOException {
        TokenExchangeGrant grant = new TokenExchangeGrant(new TypelessToken(idToken), TokenTypeURI.ID_TOKEN, null, null, ID_JAG,
                List.of(new Audience(issuer)));
        HTTPRequest http = new TokenRequest.Builder(idpTokenEndpoint, new ClientID(idpClientId), grant).resources(resource).build()
                .toHTTPRequest();
        http.setConnectTimeout((int) timeout.toMillis());
        http.setReadTimeout((int) timeout.toMillis());
        HTTPResponse resp;
        try {
            resp = http.send();
        } catch (java.net.SocketTimeoutException e) {
            throw new OAuthClientException("the IdP's token endpoint " + idpTokenEndpoint + " did not answer within " + timeout.toSeconds() + "s");
        } catch (IOException e) {
            throw new OAuthClientException("cannot reach the IdP's token endpoint " + idpTokenEndpoint + ": " + e.getMessage());
        }
        try {
            if (resp.getStatusCode() != 200) {
                var err = TokenErrorResponse.parse(resp).getErrorObject();
                throw new OAuthClientException("the IdP refused the token exchange: " + err.getCode()
                        + (err.getDescription() == null ? "" : " (" + err.getDescription() + ")"));
            }
            Map<String, Object> body = resp.getBodyAsJSONObject();
            if (!ID_JAG.getURI().toString().equals(body.get("issued_token_type"))) {
                throw new OAuthClientException("the IdP's token exchange did not issue an ID-JAG (issued_token_type "
                        + body.get("issued_token_type") + ")");
            }
            return SignedJWT.parse(String.valueOf(body.get("access_token")));
        } catch (ParseException | java.text.ParseException e) {
            throw new OAuthClientException("the IdP's token endpoint " + idpTokenEndpoint + " did not answer OAuth with a signed ID-JAG");
        }
    }

    private static TokenTypeURI tokenType(String uri) {
        try {
            return TokenTypeURI.parse(uri);
        } catch (ParseException e) {
            throw new IllegalStateException(e);
        }
    }
}
