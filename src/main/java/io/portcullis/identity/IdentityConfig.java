package io.portcullis.identity;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code identity:} section, validated by {@link IdentityConfigReader}. Without the section
 * the gateway runs open ({@link #OPEN}): every HTTP caller is {@link Principal#anonymous}, which
 * the readiness report counts as failing C1.1-C1.4.
 *
 * @param enabled             false only for {@link #OPEN}
 * @param resource            this gateway's resource URL (RFC 8707 / RFC 9728) for the default
 *                            environment; other environments are {@code resource + "/" + env}. Null:
 *                            derived from the listener ({@code http(s)://host:port/mcp})
 * @param issuers             the trusted token issuers (several at once: employees' SSO, machine identities)
 * @param algorithms          JWS algorithms accepted; asymmetric only (never {@code none}, never HMAC)
 * @param clockSkew           tolerance on {@code exp}, {@code nbf} and {@code iat}
 * @param maxTokenLifetime    a token whose {@code exp - iat} exceeds this is refused (C1.3)
 * @param tokenCacheTtl       how long a verified token is remembered (never past its {@code exp});
 *                            revocation is re-checked on every call regardless
 * @param jwksCacheTtl        how long a fetched JWKS is used before it is fetched again
 * @param jwksRefreshInterval at most two JWKS fetches per issuer in this interval (a token with an
 *                            unknown {@code kid} triggers one; floods of made-up kids do not)
 * @param revocationRefresh   how often revocations and API keys written by other processes (the CLI,
 *                            other nodes) are read from the store; the admin API's take effect at once
 * @param apiKeysEnabled      whether {@code Authorization: Bearer pcl_...} API keys are accepted
 * @param apiKeyMaxLifetime   the longest expiry {@code keys create} may give a key
 * @param adminRoles          roles whose holders may use the admin API
 * @param local               the principal of the stdio ingress
 * @param tls                 the TLS listener and client-certificate mapping, or null for plain HTTP
 */
public record IdentityConfig(
        boolean enabled,
        URI resource,
        List<IssuerConfig> issuers,
        Set<String> algorithms,
        Duration clockSkew,
        Duration maxTokenLifetime,
        Duration tokenCacheTtl,
        Duration jwksCacheTtl,
        Duration jwksRefreshInterval,
        Duration revocationRefresh,
        boolean apiKeysEnabled,
        Duration apiKeyMaxLifetime,
        List<String> adminRoles,
        LocalUser local,
        TlsConfig tls) {

    public static final Set<String> DEFAULT_ALGORITHMS = Set.of("RS256", "ES256", "PS256", "EdDSA");
    public static final Set<String> ASYMMETRIC = Set.of("RS256", "RS384", "RS512", "PS256", "PS384", "PS512",
            "ES256", "ES384", "ES512", "ES256K", "EdDSA", "Ed25519");

    /** No {@code identity:} section: the gateway is open and says so loudly at start. */
    public static final IdentityConfig OPEN = new IdentityConfig(false, null, List.of(), DEFAULT_ALGORITHMS,
            Duration.ofSeconds(30), Duration.ofHours(2), Duration.ofSeconds(60), Duration.ofMinutes(5),
            Duration.ofSeconds(30), Duration.ofSeconds(1), false, Duration.ofDays(90), List.of("portcullis-admin"),
            LocalUser.OS_USER, null);

    public IdentityConfig {
        issuers = List.copyOf(issuers);
        algorithms = Set.copyOf(algorithms);
        adminRoles = List.copyOf(adminRoles);
    }

    /** A trusted issuer of bearer tokens. */
    public record IssuerConfig(
            String issuer,
            URI jwksUri,
            URI discovery,
            List<String> audiences,
            Introspection introspection,
            ClaimMapping claims,
            KindRule kind,
            List<String> requiredClaims,
            Map<String, List<String>> requiredScopes) {

        public IssuerConfig {
            audiences = List.copyOf(audiences);
            requiredClaims = List.copyOf(requiredClaims);
            requiredScopes = Map.copyOf(requiredScopes);
        }

        /** Whether JWTs of this issuer are verified locally (JWKS) rather than introspected. */
        public boolean verifiesLocally() {
            return jwksUri != null || discovery != null;
        }

        /** The scopes required in {@code environment}: its own list, else the {@code "*"} list, else none. */
        public List<String> scopesFor(String environment) {
            List<String> own = requiredScopes.get(environment);
            return own != null ? own : requiredScopes.getOrDefault("*", List.of());
        }
    }

    /** How an issuer's principals get their kind: fixed, or SERVICE when the subject is the client itself. */
    public enum KindRule { USER, SERVICE, AUTO }

    /**
     * Which claims feed which field of the principal. Each is a list of claim names (dots reach into
     * nested objects, e.g. {@code realm_access.roles}); the first present wins, except for roles,
     * which are the union of all listed claims.
     */
    public record ClaimMapping(List<String> subject, List<String> displayName, List<String> email,
                               List<String> roles, List<String> clientId, List<String> scopes) {
        public static final ClaimMapping DEFAULT = new ClaimMapping(List.of("sub"), List.of("name", "preferred_username"),
                List.of("email"), List.of("roles", "groups"), List.of("azp", "client_id"), List.of("scope", "scp"));
    }

    /** RFC 7662 introspection of an issuer's tokens (opaque ones, or JWTs the issuer wants introspected). */
    public record Introspection(URI endpoint, String clientId, Secret clientSecret, Duration cacheTtl) {}

    /** A secret read at use time from an environment variable or a file (never written in the config). */
    public record Secret(String env, Path file) {
        /** The secret's value; throws IllegalStateException naming the source when it is absent. */
        public String value() {
            if (env != null) {
                String v = System.getenv(env);
                if (v == null || v.isEmpty()) {
                    throw new IllegalStateException("environment variable " + env + " is not set");
                }
                return v;
            }
            try {
                return java.nio.file.Files.readString(file).strip();
            } catch (java.io.IOException e) {
                throw new IllegalStateException("cannot read " + file + ": " + e.getMessage(), e);
            }
        }
    }

    /** The principal of the stdio ingress: the local OS user unless the config names another. */
    public record LocalUser(String subject, String displayName, List<String> roles) {
        public static final LocalUser OS_USER = new LocalUser(null, null, List.of());

        public LocalUser {
            roles = List.copyOf(roles);
        }

        public String effectiveSubject() {
            return subject != null ? subject : System.getProperty("user.name", "unknown");
        }
    }

    /** Client authentication of the TLS listener. */
    public enum ClientAuth { NONE, OPTIONAL, REQUIRED }

    /**
     * The listener speaks HTTPS. With {@code clientCa} set, client certificates signed by it are
     * asked for (optional) or demanded (required) and mapped to principals by {@code clients}.
     */
    public record TlsConfig(Path keystore, Secret keystorePassword, String keystoreType, ClientAuth clientAuth,
                            Path clientCa, List<CertificateRule> clients) {
        public TlsConfig {
            clients = List.copyOf(clients);
        }
    }

    /** What part of a client certificate a rule matches. */
    public enum CertificateField { SUBJECT_DN, SPIFFE_ID, SAN_URI, SAN_DNS, SAN_EMAIL }

    /**
     * Maps client certificates to a principal.
     *
     * @param field   the certificate field compared
     * @param value   the value it must equal (a trailing {@code *} matches any rest)
     * @param subject the principal's subject; null: the matched field's value
     */
    public record CertificateRule(CertificateField field, String value, String subject, Principal.Kind kind,
                                  String displayName, List<String> roles) {
        public CertificateRule {
            roles = List.copyOf(roles);
        }
    }
}
