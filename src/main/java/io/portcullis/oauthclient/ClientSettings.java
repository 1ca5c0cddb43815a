package io.portcullis.oauthclient;

import java.net.URI;
import java.nio.file.Path;

/**
 * How this client identifies itself to an authorization server, in the MCP authorization spec's
 * order of preference (2025-11-25, "Client Registration Approaches"): a pre-registered client
 * ({@code clientId}, with {@code clientSecret} or {@code privateKey} when confidential), else a
 * client ID metadata document ({@code clientMetadataUrl}, when the server supports them), else RFC
 * 7591 dynamic registration under {@code clientName}.
 *
 * @param authMethod        client_secret_basic, client_secret_post, private_key_jwt or none; null picks
 *                          from what the server supports
 * @param privateKeyAlg     the JWS algorithm of {@code privateKey} (ES256, RS256, ...)
 * @param clientCredentials use the client-credentials grant (a service, no user) instead of the
 *                          authorization code grant
 * @param extraScope        scopes asked for in addition to those the resource names (space separated), or null
 * @param enterprise        SEP-990 enterprise-managed authorization (an IdP's ID token exchanged for an ID-JAG,
 *                          then the JWT-bearer grant) instead of a user signing in; null for none
 */
public record ClientSettings(String clientId, String clientSecret, String authMethod, Path privateKey, String privateKeyAlg,
                             URI clientMetadataUrl, String clientName, boolean clientCredentials, String extraScope,
                             EnterpriseGrant enterprise) {
    public ClientSettings {
        clientName = clientName == null ? "portcullis" : clientName;
        privateKeyAlg = privateKeyAlg == null ? "ES256" : privateKeyAlg;
    }

    /** The settings without enterprise-managed authorization (the constructor before it). */
    public ClientSettings(String clientId, String clientSecret, String authMethod, Path privateKey, String privateKeyAlg,
                          URI clientMetadataUrl, String clientName, boolean clientCredentials, String extraScope) {
        this(clientId, clientSecret, authMethod, privateKey, privateKeyAlg, clientMetadataUrl, clientName, clientCredentials, extraScope, null);
    }

    /** A public client signing users in with a pre-registered id (the settings of {@code connect} before issue 17). */
    public static ClientSettings publicClient(String clientId, String extraScope) {
        return new ClientSettings(clientId, null, null, null, null, null, null, false, extraScope);
    }
}
