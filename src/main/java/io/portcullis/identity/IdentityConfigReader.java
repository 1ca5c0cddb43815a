package io.portcullis.identity;

import io.portcullis.settings.Fields;
import io.portcullis.identity.IdentityConfig.CertificateField;
import io.portcullis.identity.IdentityConfig.CertificateRule;
import io.portcullis.identity.IdentityConfig.ClaimMapping;
import io.portcullis.identity.IdentityConfig.ClientAuth;
import io.portcullis.identity.IdentityConfig.Introspection;
import io.portcullis.identity.IdentityConfig.IssuerConfig;
import io.portcullis.identity.IdentityConfig.KindRule;
import io.portcullis.identity.IdentityConfig.LocalUser;
import io.portcullis.identity.IdentityConfig.Secret;
import io.portcullis.identity.IdentityConfig.TlsConfig;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * Reads the {@code identity:} section of the config file. Every problem is reported with its
 * line through {@link Fields}, like the rest of the config; nothing half-valid is returned.
 */
public final class IdentityConfigReader {
    private static final String P = "/identity";

    private IdentityConfigReader() {}

    /**
     * @param n            the section's node, or null when the file has none ({@link IdentityConfig#OPEN})
     * @param environments the declared environment names (required scopes may name them)
     */
    public static IdentityConfig read(Fields f, JsonNode n, Path base, List<String> environments) {
        if (n == null || n.isNull()) {
            return IdentityConfig.OPEN;
        }
        if (!f.isObject(n, P, "'identity'")) {
            return IdentityConfig.OPEN;
        }
        f.onlyKeys(n, P, Set.of("resource", "issuers", "algorithms", "clock_skew", "max_token_lifetime", "token_cache",
                "jwks_cache", "jwks_refresh_interval", "revocation_refresh", "api_keys", "admin_roles", "stdio", "tls"));
        URI resource = url(f, n, "resource", P);
        Set<String> algs = new LinkedHashSet<>(f.strings(n, "algorithms", P));
        if (algs.isEmpty()) {
            algs.addAll(IdentityConfig.DEFAULT_ALGORITHMS);
        }
        for (String a : algs) {
            if (!IdentityConfig.ASYMMETRIC.contains(a)) {
                f.problem(P + "/algorithms", "algorithm '" + a + "' is not allowed: only asymmetric JWS algorithms "
                        + new java.util.TreeSet<>(IdentityConfig.ASYMMETRIC) + " (never 'none', never HMAC with a shared or public key)");
            }
        }
        Duration skew = bounded(f, n, "clock_skew", Duration.ofSeconds(30), Duration.ZERO, Duration.ofMinutes(5));
        Duration maxLife = bounded(f, n, "max_token_lifetime", Duration.ofHours(2), Duration.ofMinutes(1), Duration.ofDays(7));
        Duration cache = bounded(f, n, "token_cache", Duration.ofSeconds(60), Duration.ZERO, Duration.ofHours(1));
        Duration jwksCache = bounded(f, n, "jwks_cache", Duration.ofMinutes(5), Duration.ofSeconds(10), Duration.ofDays(1));
        Duration jwksRefresh = bounded(f, n, "jwks_refresh_interval", Duration.ofSeconds(30), Duration.ofMillis(100), Duration.ofHours(1));
        Duration revRefresh = bounded(f, n, "revocation_refresh", Duration.ofSeconds(1), Duration.ofMillis(100), Duration.ofMinutes(5));
        boolean keys = true;
        Duration keyMax = Duration.ofDays(90);
        JsonNode k = n.get("api_keys");
        if (k != null && k.isBoolean()) {
            keys = k.asBoolean();
        } else if (f.isObject(k, P + "/api_keys", "'api_keys'")) {
            f.onlyKeys(k, P + "/api_keys", Set.of("enabled", "max_lifetime"));
            keys = f.bool(k, "enabled", P + "/api_keys", true);
            keyMax = f.duration(k, "max_lifetime", P + "/api_keys", keyMax);
        }
        List<String> admin = f.strings(n, "admin_roles", P);
        List<IssuerConfig> issuers = issuers(f, n.get("issuers"), base, environments);
        TlsConfig tls = tls(f, n.get("tls"), base);
        if (issuers.isEmpty() && !keys && (tls == null || tls.clients().isEmpty())) {
            f.problem(P, "'identity' accepts no credential at all: configure 'issuers', keep 'api_keys' enabled, "
                    + "or map client certificates under 'tls: clients'");
        }
        return new IdentityConfig(true, resource, issuers, algs, skew, maxLife, cache, jwksCache, jwksRefresh, revRefresh,
                keys, keyMax, admin.isEmpty() ? List.of("portcullis-admin") : admin, local(f, n.get("stdio")), tls);
    }

    private static List<IssuerConfig> issuers(Fields f, JsonNode n, Path base, List<String> envs) {
        List<IssuerConfig> out = new ArrayList<>();
        if (n == null || n.isNull()) {
            return out;
        }
        if (!n.isArray()) {
            f.problem(P + "/issuers", "'issuers' must be a list of {issuer, discovery | jwks_uri | introspection, ...}");
            return out;
        }
        for (int i = 0; i < n.size(); i++) {
            String p = P + "/issuers/" + i;
            JsonNode e = n.get(i);
            if (!f.isObject(e, p, "an issuer")) {
                continue;
            }
            f.onlyKeys(e, p, Set.of("issuer", "discovery", "jwks_uri", "audience", "introspection", "claims", "kind",
                    "required_claims", "required_scopes"));
            String iss = f.string(e, "issuer", p, null);
            if (iss == null || iss.isBlank()) {
                f.problem(p, "an issuer needs 'issuer' (the exact 'iss' value of its tokens)");
                continue;
            }
            if (out.stream().anyMatch(x -> x.issuer().equals(iss))) {
                f.problem(p + "/issuer", "issuer '" + iss + "' is listed twice");
            }
            URI discovery = url(f, e, "discovery", p);
            URI jwks = url(f, e, "jwks_uri", p);
            Introspection intro = introspection(f, e.get("introspection"), p + "/introspection", base);
            if (discovery == null && jwks == null && intro == null) {
                f.problem(p, "issuer '" + iss + "' needs 'discovery' or 'jwks_uri' (JWTs verified here) or 'introspection' (RFC 7662)");
            }
            KindRule kind = switch (f.string(e, "kind", p, "auto").toLowerCase(Locale.ROOT)) {
                case "user" -> KindRule.USER;
                case "service" -> KindRule.SERVICE;
                case "auto" -> KindRule.AUTO;
                default -> {
                    f.problem(p + "/kind", "'kind' must be user, service or auto (service when the subject is the client itself)");
                    yield KindRule.AUTO;
                }
            };
            out.add(new IssuerConfig(iss, jwks, discovery, f.strings(e, "audience", p), intro, claims(f, e.get("claims"), p + "/claims"),
                    kind, f.strings(e, "required_claims", p), scopes(f, e, p, envs)));
        }
        return out;
    }

    private static Map<String, List<String>> scopes(Fields f, JsonNode issuer, String p, List<String> envs) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        JsonNode n = issuer.get("required_scopes");
        if (n == null || n.isNull()) {
            return out;
        }
        if (n.isArray() || n.isString()) {
            out.put("*", f.strings(issuer, "required_scopes", p));
            return out;
        }
        if (!n.isObject()) {
            f.problem(p + "/required_scopes", "'required_scopes' must be a list (every environment) or a mapping environment -> list");
            return out;
        }
        for (String env : n.propertyNames()) {
            if (!env.equals("*") && !envs.contains(env)) {
                f.problem(p + "/required_scopes/" + Fields.escape(env), "'required_scopes' names environment '" + env
                        + "', which is not declared (use \"*\" for every environment)");
            }
            out.put(env, f.strings(n, env, p + "/required_scopes"));
        }
        return out;
    }

    private static ClaimMapping claims(Fields f, JsonNode n, String p) {
        ClaimMapping d = ClaimMapping.DEFAULT;
        if (!f.isObject(n, p, "'claims'")) {
            return d;
        }
        f.onlyKeys(n, p, Set.of("subject", "display_name", "email", "roles", "client_id", "scopes"));
        return new ClaimMapping(or(f.strings(n, "subject", p), d.subject()), or(f.strings(n, "display_name", p), d.displayName()),
                or(f.strings(n, "email", p), d.email()), or(f.strings(n, "roles", p), d.roles()),
                or(f.strings(n, "client_id", p), d.clientId()), or(f.strings(n, "scopes", p), d.scopes()));
    }

    private static List<String> or(List<String> given, List<String> fallback) {
        return given.isEmpty() ? fallback : given;
    }

    private static Introspection introspection(Fields f, JsonNode n, String p, Path base) {
        if (!f.isObject(n, p, "'introspection'")) {
            return null;
        }
        f.onlyKeys(n, p, Set.of("endpoint", "client_id", "client_secret", "cache"));
        URI endpoint = url(f, n, "endpoint", p);
        String client = f.string(n, "client_id", p, null);
        Secret secret = secret(f, n.get("client_secret"), p + "/client_secret", base);
        if (endpoint == null || client == null || secret == null) {
            f.problem(p, "'introspection' needs 'endpoint', 'client_id' and 'client_secret' ({env: VAR} or {file: path})");
            return null;
        }
        return new Introspection(endpoint, client, secret, f.duration(n, "cache", p, Duration.ofSeconds(30)));
    }

    /** A secret source: {@code {env: VAR}} or {@code {file: path}}; literal secrets are refused. */
    static Secret secret(Fields f, JsonNode n, String p, Path base) {
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isObject()) {
            f.problem(p, "a secret must be {env: VAR} or {file: path} (literal secrets in the config are not allowed)");
            return null;
        }
        f.onlyKeys(n, p, Set.of("env", "file"));
        String env = f.string(n, "env", p, null);
        String file = f.string(n, "file", p, null);
        if ((env == null) == (file == null)) {
            f.problem(p, "a secret needs exactly one of 'env' and 'file'");
            return null;
        }
        return new Secret(env, file == null ? null : base.resolve(file).normalize());
    }

    private static LocalUser local(Fields f, JsonNode n) {
        String p = P + "/stdio";
        if (!f.isObject(n, p, "'stdio'")) {
            return LocalUser.OS_USER;
        }
        f.onlyKeys(n, p, Set.of("subject", "display_name", "roles"));
        return new LocalUser(f.string(n, "subject", p, null), f.string(n, "display_name", p, null), f.strings(n, "roles", p));
    }

    private static TlsConfig tls(Fields f, JsonNode n, Path base) {
        String p = P + "/tls";
        if (!f.isObject(n, p, "'tls'")) {
            return null;
        }
        f.onlyKeys(n, p, Set.of("keystore", "keystore_password", "keystore_type", "client_auth", "client_ca", "clients"));
        String ks = f.string(n, "keystore", p, null);
        Secret pw = secret(f, n.get("keystore_password"), p + "/keystore_password", base);
        if (ks == null || pw == null) {
            f.problem(p, "'tls' needs 'keystore' (PKCS12 file with the server's key and certificate) and 'keystore_password'");
        }
        ClientAuth auth = switch (f.string(n, "client_auth", p, "none").toLowerCase(Locale.ROOT)) {
            case "none" -> ClientAuth.NONE;
            case "optional" -> ClientAuth.OPTIONAL;
            case "required" -> ClientAuth.REQUIRED;
            default -> {
                f.problem(p + "/client_auth", "'client_auth' must be none, optional or required");
                yield ClientAuth.NONE;
            }
        };
        String ca = f.string(n, "client_ca", p, null);
        if (auth != ClientAuth.NONE && ca == null) {
            f.problem(p + "/client_ca", "client certificates need 'client_ca': the PEM file of the CA(s) that sign them");
        }
        List<CertificateRule> rules = new ArrayList<>();
        JsonNode list = n.get("clients");
        if (list != null && !list.isNull() && !list.isArray()) {
            f.problem(p + "/clients", "'clients' must be a list of certificate mappings");
        } else if (list != null) {
            for (int i = 0; i < list.size(); i++) {
                CertificateRule r = rule(f, list.get(i), p + "/clients/" + i);
                if (r != null) {
                    rules.add(r);
                }
            }
        }
        if (!rules.isEmpty() && auth == ClientAuth.NONE) {
            f.problem(p + "/client_auth", "'clients' are mapped but 'client_auth' is none: no certificate would ever be asked for");
        }
        return new TlsConfig(ks == null ? null : base.resolve(ks).normalize(), pw, f.string(n, "keystore_type", p, "PKCS12"),
                auth, ca == null ? null : base.resolve(ca).normalize(), rules);
    }

    private static CertificateRule rule(Fields f, JsonNode n, String p) {
        if (!f.isObject(n, p, "a certificate mapping")) {
            return null;
        }
        Map<String, CertificateField> fields = Map.of("subject_dn", CertificateField.SUBJECT_DN, "spiffe_id", CertificateField.SPIFFE_ID,
                "san_uri", CertificateField.SAN_URI, "san_dns", CertificateField.SAN_DNS, "san_email", CertificateField.SAN_EMAIL);
        Set<String> known = new LinkedHashSet<>(fields.keySet());
        known.addAll(Set.of("subject", "kind", "display_name", "roles"));
        f.onlyKeys(n, p, known);
        List<String> present = fields.keySet().stream().filter(n::has).toList();
        if (present.size() != 1) {
            f.problem(p, "a certificate mapping needs exactly one of " + new java.util.TreeSet<>(fields.keySet()));
            return null;
        }
        String kind = f.string(n, "kind", p, null);
        Principal.Kind k;
        if ("user".equals(kind)) {
            k = Principal.Kind.USER;
        } else if ("service".equals(kind)) {
            k = Principal.Kind.SERVICE;
        } else {
            f.problem(p + "/kind", "a certificate mapping needs 'kind': user or service");
            return null;
        }
        return new CertificateRule(fields.get(present.getFirst()), f.string(n, present.getFirst(), p, ""),
                f.string(n, "subject", p, null), k, f.string(n, "display_name", p, null), f.strings(n, "roles", p));
    }

    private static Duration bounded(Fields f, JsonNode n, String key, Duration fallback, Duration min, Duration max) {
        Duration d = f.duration(n, key, P, fallback);
        if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
            f.problem(P + "/" + key, "'" + key + "' must be between " + human(min) + " and " + human(max));
            return fallback;
        }
        return d;
    }

    private static String human(Duration d) {
        long ms = d.toMillis();
        return ms % 86_400_000 == 0 && ms > 0 ? ms / 86_400_000 + "d" : ms % 3_600_000 == 0 && ms > 0 ? ms / 3_600_000 + "h"
                : ms % 60_000 == 0 && ms > 0 ? ms / 60_000 + "m" : ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms";
    }

    private static URI url(Fields f, JsonNode n, String key, String p) {
        String s = f.string(n, key, p, null);
        if (s == null) {
            return null;
        }
        try {
            URI u = URI.create(s);
            if (!("http".equals(u.getScheme()) || "https".equals(u.getScheme())) || u.getHost() == null) {
                throw new IllegalArgumentException("not http(s)");
            }
            return u;
        } catch (IllegalArgumentException e) {
            f.problem(p + "/" + key, "'" + key + "' must be an http:// or https:// URL; got '" + s + "'");
            return null;
        }
    }
}
