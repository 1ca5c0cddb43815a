package io.portcullis.oauthclient;

import io.portcullis.protocol.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * Where to get a token for an MCP server, per the MCP authorization spec (C1.4, issue 17):
 * the protected-resource metadata (RFC 9728) from the {@code WWW-Authenticate} hint, else the
 * path-based well-known address, else the root one; then the authorization server's metadata
 * (RFC 8414, then OpenID Connect discovery, path-inserted before appended). A server of the
 * 2025-03-26 era publishes no protected-resource metadata: its origin is the authorization server,
 * and when even that has no metadata the default endpoints {@code /authorize}, {@code /token} and
 * {@code /register} are used.
 */
public final class Discovery {
    /** RFC 9728 metadata: the resource identifier, its authorization servers and scopes. */
    public record Resource(URI resource, List<String> authorizationServers, List<String> scopesSupported) {}

    /** RFC 8414 metadata, the fields this client uses. */
    public record AuthServer(String issuer, URI authorizationEndpoint, URI tokenEndpoint, URI registrationEndpoint,
                             List<String> scopesSupported, List<String> authMethods, boolean clientIdMetadataDocuments) {}

    private final HttpClient http;
    private final Duration timeout;

    public Discovery(HttpClient http, Duration timeout) {
        this.http = http;
        this.timeout = timeout;
    }

    /** The server's protected-resource metadata, or null when it publishes none (a 2025-03-26 server). */
    public Resource resource(URI server, String hint) throws IOException {
        Set<URI> candidates = new LinkedHashSet<>();
        if (hint != null) {
            candidates.add(server.resolve(hint));
        }
        String path = trimSlash(server.getRawPath());
        if (!path.isEmpty()) {
            candidates.add(URI.create(origin(server) + "/.well-known/oauth-protected-resource" + path));
        }
        candidates.add(URI.create(origin(server) + "/.well-known/oauth-protected-resource"));
        for (URI url : candidates) {
            JsonNode n = getJsonOrNull(url);
            if (n != null && n.hasNonNull("resource")) {
                List<String> servers = strings(n.path("authorization_servers"));
                if (servers.isEmpty()) {
                    throw new OAuthClientException("the protected-resource metadata at " + url + " names no authorization server");
                }
                return new Resource(URI.create(n.path("resource").asString()), servers, strings(n.path("scopes_supported")));
            }
        }
        return null;
    }

    /**
     * RFC 9728 section 3.3 and RFC 8707: the metadata must be about this server. The resource must
     * have the server's scheme and authority, and its path must be the server's or a prefix of it.
     */
    /**
     * Where a server's tokens come from (#17 item 1): its protected-resource metadata (the
     * {@code WWW-Authenticate} hint, then path-based, then root), the resource checked against the
     * server before any authorization or token request (RFC 9728 section 3.3), and its authorization
     * server's metadata; a 2025-03-26 server without metadata has its origin as authorization server.
     * One place for {@code connect} ({@link OAuthClient}) and the gateway's consent links ({@link ConsentClient}).
     *
     * @param prm    null for a 2025-03-26 server without protected-resource metadata
     * @param issuer the authorization server as the metadata names it (or the server's origin)
     */
    public record Located(Resource prm, URI resource, String issuer, AuthServer as) {}

    /** See {@link Located}. */
    public Located locate(URI server, String hint) throws IOException {
        Resource prm = resource(server, hint);
        URI resource;
        String issuer;
        if (prm != null) {
            checkResource(server, prm.resource()); // RFC 9728 section 3.3: before any authorization or token request
            resource = prm.resource();
            issuer = prm.authorizationServers().getFirst();
        } else {
            resource = server; // a 2025-03-26 server: no metadata, its origin is the authorization server
            issuer = origin(server);
        }
        return new Located(prm, resource, issuer, authServer(issuer, prm == null));
    }

    public static void checkResource(URI server, URI resource) throws OAuthClientException {
        boolean sameOrigin = server.getScheme().equalsIgnoreCase(String.valueOf(resource.getScheme()))
                && String.valueOf(server.getRawAuthority()).toLowerCase(Locale.ROOT)
                        .equals(String.valueOf(resource.getRawAuthority()).toLowerCase(Locale.ROOT));
        String want = trimSlash(server.getRawPath()) + "/";
        String got = trimSlash(resource.getRawPath()) + "/";
        if (!sameOrigin || !want.startsWith(got)) {
            throw new OAuthClientException("refused: the protected-resource metadata is for " + resource + ", not for " + server
                    + " (RFC 9728 section 3.3); no token is requested for another resource");
        }
    }

    /** The authorization server's metadata; for a 2025-03-26 server ({@code legacy}), the default endpoints when it has none. */
    public AuthServer authServer(String issuer, boolean legacy) throws IOException {
        URI i = URI.create(issuer);
        String path = trimSlash(i.getRawPath());
        String origin = origin(i);
        List<URI> urls = new ArrayList<>();
        urls.add(URI.create(origin + "/.well-known/oauth-authorization-server" + path));
        if (!path.isEmpty()) {
            urls.add(URI.create(origin + "/.well-known/openid-configuration" + path));
        }
        urls.add(URI.create(trimSlash(issuer) + "/.well-known/openid-configuration"));
        for (URI url : urls) {
            JsonNode n = getJsonOrNull(url);
            if (n == null) {
                continue;
            }
            // RFC 8414 section 3.3: metadata naming another issuer is not this server's (mix-up defence).
            // A 2025-03-26 server has no issuer to compare with: its metadata sits at the server's
            // origin (the "authorization base URL") and names whatever issuer it has.
            if (!legacy && !trimSlash(issuer).equals(trimSlash(n.path("issuer").asString("")))) {
                throw new OAuthClientException("refused: the metadata at " + url + " is for issuer '" + n.path("issuer").asString("")
                        + "', not " + issuer + " (RFC 8414 section 3.3)");
            }
            if (!n.hasNonNull("authorization_endpoint") || !n.hasNonNull("token_endpoint")) {
                throw new OAuthClientException("the metadata at " + url + " names no authorization or token endpoint");
            }
            return new AuthServer(issuer, URI.create(n.path("authorization_endpoint").asString()),
                    URI.create(n.path("token_endpoint").asString()),
                    n.hasNonNull("registration_endpoint") ? URI.create(n.path("registration_endpoint").asString()) : null,
                    strings(n.path("scopes_supported")), strings(n.path("token_endpoint_auth_methods_supported")),
                    n.path("client_id_metadata_document_supported").asBoolean(false));
        }
        if (legacy) {
            // 2025-03-26, "Fallbacks for Servers without Metadata Discovery"
            return new AuthServer(origin, URI.create(origin + "/authorize"), URI.create(origin + "/token"), URI.create(origin + "/register"),
                    List.of(), List.of(), false);
        }
        throw new OAuthClientException("cannot find the metadata of authorization server " + issuer + " (tried " + urls + ")");
    }

    /** The JSON at {@code url}; null when it is not there (4xx); a clear error when the server fails or answers something else. */
    private JsonNode getJsonOrNull(URI url) throws IOException {
        HttpResponse<byte[]> r;
        try {
            r = http.send(HttpRequest.newBuilder(url).timeout(timeout).header("Accept", "application/json")
                    .header("MCP-Protocol-Version", "2025-11-25").GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OAuthClientException("interrupted while reading " + url);
        } catch (IOException e) {
            throw new OAuthClientException("cannot read " + url + ": " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
        }
        if (r.statusCode() >= 400 && r.statusCode() < 500) {
            return null;
        }
        if (r.statusCode() != 200) {
            throw new OAuthClientException(url + " answered HTTP " + r.statusCode());
        }
        try {
            JsonNode n = Json.parse(r.body());
            if (!n.isObject()) {
                throw new OAuthClientException(url + " did not answer a JSON object");
            }
            return n;
        } catch (RuntimeException e) {
            throw new OAuthClientException(url + " did not answer JSON (an error page?)");
        }
    }

    static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> {
            if (n.isString() && !n.asString().isBlank()) {
                out.add(n.asString());
            }
        });
        return out;
    }

    static String origin(URI u) {
        return u.getScheme() + "://" + u.getRawAuthority();
    }

    static String trimSlash(String s) {
        if (s == null) {
            return "";
        }
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }
}
