package io.portcullis.oauthclient;

import io.portcullis.protocol.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Which client id to use with one authorization server, in the order of the MCP authorization spec
 * (2025-11-25, "Client Registration Approaches"): pre-registered, else a client ID metadata
 * document when the server says it supports them, else RFC 7591 dynamic registration, else an
 * error asking for a pre-registered id.
 */
final class Registration {
    /** A client as the token endpoint will know it; {@code authMethod} none for a public client. */
    record Client(String clientId, String clientSecret, String authMethod) {}

    private Registration() {}

    static Client choose(ClientSettings s, Discovery.AuthServer as, URI redirect, HttpClient http, Duration timeout) throws IOException {
        if (s.clientId() != null) {
            return new Client(s.clientId(), s.clientSecret(), method(s, as));
        }
        if (s.clientMetadataUrl() != null && as.clientIdMetadataDocuments()) {
            return new Client(s.clientMetadataUrl().toString(), null, "none");
        }
        if (as.registrationEndpoint() != null) {
            return register(s, as.registrationEndpoint(), redirect, http, timeout);
        }
        throw new OAuthClientException("authorization server " + as.issuer()
                + " offers neither dynamic registration nor client ID metadata documents: pass a pre-registered client id");
    }

    /** The pre-registered client's method: the configured one, else what its credentials and the server allow. */
    private static String method(ClientSettings s, Discovery.AuthServer as) {
        if (s.authMethod() != null) {
            return s.authMethod();
        }
        if (s.privateKey() != null) {
            return "private_key_jwt";
        }
        if (s.clientSecret() == null) {
            return "none";
        }
        return as.authMethods().isEmpty() || as.authMethods().contains("client_secret_basic") || !as.authMethods().contains("client_secret_post")
                ? "client_secret_basic" : "client_secret_post";
    }

    /** RFC 7591: registers a native client with the loopback redirect (or none, for client credentials). */
    private static Client register(ClientSettings s, URI endpoint, URI redirect, HttpClient http, Duration timeout) throws IOException {
        // a client-credentials client is confidential by nature (RFC 6749 section 4.4): it asks for a secret
        ObjectNode body = Json.object().put("client_name", s.clientName())
                .put("token_endpoint_auth_method", redirect == null ? "client_secret_basic" : "none");
        if (redirect != null) {
            body.set("redirect_uris", Json.array().add(redirect.toString()));
            body.set("grant_types", Json.array().add("authorization_code").add("refresh_token"));
            body.set("response_types", Json.array().add("code"));
        } else {
            body.set("grant_types", Json.array().add("client_credentials"));
        }
        HttpResponse<byte[]> r;
        try {
            r = http.send(HttpRequest.newBuilder(endpoint).timeout(timeout).header("Content-Type", "application/json")
                    .header("Accept", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(Json.bytes(body))).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OAuthClientException("interrupted while registering");
        } catch (IOException e) {
            throw new OAuthClientException("cannot register the client at " + endpoint + ": " + e.getMessage());
        }
        JsonNode n;
        try {
            n = Json.parse(r.body());
        } catch (RuntimeException e) {
            throw new OAuthClientException("the registration endpoint " + endpoint + " answered HTTP " + r.statusCode() + " without JSON");
        }
        if (r.statusCode() / 100 != 2 || !n.path("client_id").isString()) {
            throw new OAuthClientException("the registration endpoint " + endpoint + " refused (HTTP " + r.statusCode() + "): "
                    + n.path("error").asString("") + " " + n.path("error_description").asString(""));
        }
        String secret = n.path("client_secret").asString(null);
        String method = n.path("token_endpoint_auth_method").asString(secret == null ? "none" : "client_secret_basic");
        return new Client(n.path("client_id").asString(), secret, method);
    }
}
