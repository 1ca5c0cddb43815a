package io.portcullis.config;

import io.portcullis.settings.Fields;
import io.portcullis.settings.UpstreamConfig;
import io.portcullis.settings.UpstreamCredentials;
import io.portcullis.settings.UpstreamCredentials.Mode;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * #16 item 1 (C1.2): reads {@code upstreams.<name>.credentials}, every problem with its file and line.
 * <pre>
 * credentials: {mode: none}
 * credentials: {mode: token_exchange, token_endpoint: URL, client_id: ID, client_secret: {env: VAR},
 *               audience: AUD, scope: "...", refresh_before: 30s}
 * credentials: {mode: service, token: {env: VAR} | {file: path}, allow_users: "reason"}
 * credentials: {mode: oauth, client_id: ID, client_secret: {env: VAR}, auth_method: client_secret_basic,
 *               scope: "...", allow_users: "reason"}       (issue 17; no client_id: dynamic registration;
 *               private_key: key.pem, private_key_alg: ES256 instead of client_secret: private_key_jwt)
 * </pre>
 */
final class CredentialsReader {
    private CredentialsReader() {}

    /** The credentials of one upstream, or null when it has no {@code credentials} key. */
    static UpstreamCredentials read(Fields f, JsonNode upstream, String p, Path base, UpstreamConfig.Transport transport,
                                    boolean hasHeaders) {
        JsonNode n = upstream.get("credentials");
        String cp = p + "/credentials";
        if (n == null || n.isNull() || !f.isObject(n, cp, "'credentials'")) {
            return null;
        }
        String mode = f.string(n, "mode", cp, null);
        if (mode == null) {
            f.problem(cp, "'credentials' needs 'mode': token_exchange, user_oauth, service, oauth or none");
            return null;
        }
        if (transport != UpstreamConfig.Transport.HTTP && !"none".equals(mode)) {
            f.problem(cp + "/mode", "credential mode '" + mode + "' applies to url (Streamable HTTP) upstreams only");
            return null;
        }
        if (hasHeaders && !"none".equals(mode)) {
            f.problem(cp, "an upstream with 'credentials' (mode " + mode + ") must not also send static 'headers': "
                    + "the credential would be ambiguous");
        }
        return switch (mode) {
            case "none" -> {
                f.onlyKeys(n, cp, Set.of("mode"));
                yield UpstreamCredentials.NONE;
            }
            case "token_exchange" -> exchange(f, n, cp, base);
            case "service" -> service(f, n, cp, base);
            case "user_oauth" -> userOauth(f, n, cp, base);
            case "oauth" -> oauth(f, n, cp, base);
            default -> {
                f.problem(cp + "/mode", "'mode' must be token_exchange, user_oauth, service, oauth or none; got '" + mode + "'");
                yield null;
            }
        };
    }

    private static UpstreamCredentials exchange(Fields f, JsonNode n, String cp, Path base) {
        f.onlyKeys(n, cp, Set.of("mode", "token_endpoint", "client_id", "client_secret", "audience", "scope", "refresh_before",
                "max_user_sessions", "user_session_idle"));
        String endpoint = f.string(n, "token_endpoint", cp, null);
        String clientId = f.string(n, "client_id", cp, null);
        String audience = f.string(n, "audience", cp, null);
        if (endpoint == null || clientId == null || audience == null) {
            f.problem(cp, "mode token_exchange needs 'token_endpoint', 'client_id' and 'audience' (the upstream's identifier at the IdP)");
        }
        URI uri = url(f, endpoint, cp, "token_endpoint");
        UpstreamConfig.HeaderSource secret = source(f, n.get("client_secret"), cp + "/client_secret", "client_secret", base);
        Duration before = f.duration(n, "refresh_before", cp, UpstreamCredentials.DEFAULT_REFRESH_BEFORE);
        return new UpstreamCredentials(Mode.TOKEN_EXCHANGE, audience, uri, clientId, secret, f.string(n, "scope", cp, null),
                before, null, null, null, null, maxUserSessions(f, n, cp), f.duration(n, "user_session_idle", cp,
                        UpstreamCredentials.DEFAULT_USER_SESSION_IDLE));
    }

    /**
     * #16 item 1: per-user OAuth (authorization code + PKCE) to a third-party upstream, the gateway as client.
     * Issue 17 (task h3): without {@code authorization_endpoint} and {@code token_endpoint} they are discovered
     * from the upstream and the client is pre-registered ({@code client_id}), a client ID metadata document
     * ({@code client_metadata_url}) or registered dynamically (RFC 7591).
     */
    private static UpstreamCredentials userOauth(Fields f, JsonNode n, String cp, Path base) {
        f.onlyKeys(n, cp, Set.of("mode", "authorization_endpoint", "token_endpoint", "client_id", "client_secret", "audience", "scope",
                "refresh_before", "max_user_sessions", "user_session_idle", "client_metadata_url"));
        String auth = f.string(n, "authorization_endpoint", cp, null);
        String endpoint = f.string(n, "token_endpoint", cp, null);
        String clientId = f.string(n, "client_id", cp, null);
        if ((auth != null || endpoint != null) && (auth == null || endpoint == null || clientId == null)) {
            f.problem(cp, "mode user_oauth with configured endpoints needs 'authorization_endpoint', 'token_endpoint' and 'client_id' "
                    + "(the gateway's client at the upstream's authorization server); without both endpoints they are discovered");
        }
        URI authUri = url(f, auth, cp, "authorization_endpoint");
        URI tokenUri = url(f, endpoint, cp, "token_endpoint");
        URI metadataUrl = url(f, f.string(n, "client_metadata_url", cp, null), cp, "client_metadata_url");
        if (metadataUrl != null && !"https".equals(metadataUrl.getScheme())) {
            f.problem(cp + "/client_metadata_url", "'client_metadata_url' must be an https:// URL (a client ID metadata document)");
        }
        UpstreamConfig.HeaderSource secret = source(f, n.get("client_secret"), cp + "/client_secret", "client_secret", base);
        if (secret != null && clientId == null) {
            f.problem(cp, "mode user_oauth: 'client_secret' needs 'client_id' (without one the gateway registers itself dynamically)");
        }
        Duration before = f.duration(n, "refresh_before", cp, UpstreamCredentials.DEFAULT_REFRESH_BEFORE);
        return new UpstreamCredentials(Mode.USER_OAUTH, f.string(n, "audience", cp, null), tokenUri, clientId, secret,
                f.string(n, "scope", cp, null), before, null, null, authUri, null, null, null, maxUserSessions(f, n, cp),
                f.duration(n, "user_session_idle", cp, UpstreamCredentials.DEFAULT_USER_SESSION_IDLE), metadataUrl);
    }

    /** #16: {@code max_user_sessions}, the cap on per-user upstream connections (default 100). */
    private static int maxUserSessions(Fields f, JsonNode n, String cp) {
        JsonNode v = n.get("max_user_sessions");
        if (v == null || v.isNull()) {
            return UpstreamCredentials.DEFAULT_MAX_USER_SESSIONS;
        }
        if (!v.isIntegralNumber() || v.asLong() < 1 || v.asLong() > 100_000) {
            f.problem(cp + "/max_user_sessions", "'max_user_sessions' must be a whole number from 1 to 100000; got " + v);
            return UpstreamCredentials.DEFAULT_MAX_USER_SESSIONS;
        }
        return v.asInt();
    }

    /**
     * Issue 17: the gateway's own OAuth client at the upstream's authorization server (client-credentials
     * grant, a service identity), discovered from the upstream's 401; the token goes on the whole connection.
     */
    private static UpstreamCredentials oauth(Fields f, JsonNode n, String cp, Path base) {
        f.onlyKeys(n, cp, Set.of("mode", "client_id", "client_secret", "auth_method", "scope", "allow_users", "private_key", "private_key_alg"));
        String clientId = f.string(n, "client_id", cp, null);
        UpstreamConfig.HeaderSource secret = source(f, n.get("client_secret"), cp + "/client_secret", "client_secret", base);
        String key = f.string(n, "private_key", cp, null); // task h4: a private_key_jwt client (RFC 7523)
        if (secret != null && clientId == null) {
            f.problem(cp, "mode oauth: 'client_secret' needs 'client_id' (without one the gateway registers itself dynamically)");
        }
        if (key != null && clientId == null) {
            f.problem(cp, "mode oauth: 'private_key' needs 'client_id' (the key's client, pre-registered)");
        }
        if (key != null && n.has("client_secret")) {
            f.problem(cp, "mode oauth: 'client_secret' and 'private_key' exclude each other (one way to authenticate the client)");
        }
        if (clientId != null && secret == null && !n.has("client_secret") && key == null) {
            f.problem(cp, "mode oauth with 'client_id' needs 'client_secret' ({env: VAR} or {file: path}) or 'private_key': the "
                    + "client-credentials grant authenticates the client");
        }
        String method = f.string(n, "auth_method", cp, null);
        if (method != null && !Set.of("client_secret_basic", "client_secret_post", "private_key_jwt").contains(method)) {
            f.problem(cp + "/auth_method", "'auth_method' must be client_secret_basic, client_secret_post or private_key_jwt; got '"
                    + method + "'");
        } else if ("private_key_jwt".equals(method) && key == null) {
            f.problem(cp + "/auth_method", "'auth_method' private_key_jwt needs 'private_key' (a PKCS#8 PEM file)");
        }
        return new UpstreamCredentials(Mode.OAUTH, null, null, clientId, secret, f.string(n, "scope", cp, null), null, null,
                allowUsers(f, n, cp), null, method, key == null ? null : base.resolve(key).normalize(),
                f.string(n, "private_key_alg", cp, "ES256"));
    }

    private static URI url(Fields f, String value, String cp, String key) {
        if (value == null) {
            return null;
        }
        try {
            URI uri = URI.create(value);
            if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                throw new IllegalArgumentException("not http(s)");
            }
            return uri;
        } catch (IllegalArgumentException e) {
            f.problem(cp + "/" + key, "'" + key + "' must be an http:// or https:// URL; got '" + value + "'");
            return null;
        }
    }

    /** #16 item 2: the {@code vault:} section (the KEKs of per-user tokens); required when an upstream uses user_oauth. */
    static io.portcullis.credentials.VaultConfig vault(Fields f, JsonNode n, Path base, java.util.Collection<UpstreamConfig> upstreams) {
        boolean needed = upstreams.stream().anyMatch(u -> u.credentials() != null && u.credentials().mode() == Mode.USER_OAUTH);
        if (n == null || n.isNull()) {
            if (needed) {
                f.problem("", "an upstream uses credentials mode user_oauth, whose tokens are stored encrypted: add "
                        + "'vault: {kek: {env: VAR}}' (32 random bytes in base64: openssl rand -base64 32)");
            }
            return io.portcullis.credentials.VaultConfig.NONE;
        }
        if (!f.isObject(n, "/vault", "'vault'")) {
            return io.portcullis.credentials.VaultConfig.NONE;
        }
        f.onlyKeys(n, "/vault", Set.of("kek", "previous_kek"));
        UpstreamConfig.HeaderSource kek = source(f, n.get("kek"), "/vault/kek", "kek", base);
        if (kek == null && !n.has("kek")) {
            f.problem("/vault", "'vault' needs 'kek' ({env: VAR} or {file: path}: 32 random bytes in base64)");
        }
        return new io.portcullis.credentials.VaultConfig(kek, source(f, n.get("previous_kek"), "/vault/previous_kek", "previous_kek", base));
    }

    private static UpstreamCredentials service(Fields f, JsonNode n, String cp, Path base) {
        f.onlyKeys(n, cp, Set.of("mode", "token", "allow_users"));
        UpstreamConfig.HeaderSource token = source(f, n.get("token"), cp + "/token", "token", base);
        if (token == null && !n.has("token")) {
            f.problem(cp, "mode service needs 'token' ({env: VAR} or {file: path})");
        }
        return new UpstreamCredentials(Mode.SERVICE, null, null, null, null, null, null, token, allowUsers(f, n, cp));
    }

    private static String allowUsers(Fields f, JsonNode n, String cp) {
        String reason = f.string(n, "allow_users", cp, null);
        if (reason != null && reason.isBlank()) {
            f.problem(cp + "/allow_users", "'allow_users' is the reason why interactive users may use this service "
                    + "credential; it must not be empty");
            reason = null;
        }
        return reason;
    }

    /** A secret from {@code {env: VAR}} or {@code {file: path}}; null when absent or wrong (the problem is recorded). */
    private static UpstreamConfig.HeaderSource source(Fields f, JsonNode v, String p, String what, Path base) {
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isObject()) {
            f.problem(p, "'" + what + "' must be {env: VAR} or {file: path} (secrets in the file are not allowed)");
            return null;
        }
        f.onlyKeys(v, p, Set.of("env", "file"));
        String env = f.string(v, "env", p, null);
        String file = f.string(v, "file", p, null);
        if ((env == null) == (file == null)) {
            f.problem(p, "'" + what + "' needs exactly one of 'env' and 'file'");
            return null;
        }
        return new UpstreamConfig.HeaderSource(env, file == null ? null : base.resolve(file).normalize(), "");
    }
}
