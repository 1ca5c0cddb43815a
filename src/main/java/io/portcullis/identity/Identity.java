package io.portcullis.identity;

import io.portcullis.identity.IdentityConfig.IssuerConfig;
import io.portcullis.protocol.Json;
import io.portcullis.store.Store;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The identity capability at run time: the {@link Authenticator} of the current config (rebuilt
 * atomically on reload), the durable {@link IdentityStore}, and what the transports need to answer
 * refusals: the resource URL per environment, the RFC 9728 metadata and the challenge header.
 * Strategy order: API keys (recognised by their prefix), JWTs verified locally, introspection,
 * then client certificates (only when no {@code Authorization} header was sent).
 */
public final class Identity implements Authenticator, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Identity.class);

    private record Built(IdentityConfig config, List<String> environments, Authenticator chain, JwtAuthenticator jwt, TokenCache cache) {}

    private final IdentityStore store;
    private final Clock clock;
    private volatile Built built;
    private volatile String listenerBase = "http://127.0.0.1:8080";

    /**
     * @throws io.portcullis.store.StoreException when the identity tables cannot be created or read
     */
    public Identity(Store store, Clock clock) {
        this.store = IdentityStore.open(store);
        this.clock = clock;
        this.built = new Built(IdentityConfig.OPEN, List.of("default"), null, null, null);
    }

    /** Swaps in the identity config of a (re)loaded gateway config; {@code environments} default first. */
    public synchronized void apply(IdentityConfig config, List<String> environments) {
        Built old = built;
        if (old.config().equals(config) && old.environments().equals(environments)) {
            return;
        }
        if (!config.enabled()) {
            LOG.warn("""
                    identity: NO AUTHENTICATION IS CONFIGURED (insecure-dev mode). Every HTTP caller is 'anonymous'; \
                    calls are not attributable and the readiness report fails C1.1-C1.4. Add an 'identity:' section \
                    (docs/operations/credentials.md) before anyone but you can reach this gateway.""");
            built = new Built(config, List.copyOf(environments), null, null, null);
        } else {
            TokenCache cache = new TokenCache(config.tokenCacheTtl());
            Map<String, IssuerKeys> keys = new LinkedHashMap<>();
            Map<String, ClaimRules> local = new LinkedHashMap<>();
            List<ClaimRules> introspected = new ArrayList<>();
            for (IssuerConfig i : config.issuers()) {
                ClaimRules rules = new ClaimRules(config, i, this::audiences, store);
                if (i.verifiesLocally()) {
                    keys.put(i.issuer(), new IssuerKeys(i, config));
                    local.put(i.issuer(), rules);
                } else {
                    introspected.add(rules);
                }
            }
            JwtAuthenticator jwt = new JwtAuthenticator(keys, local, config.algorithms(), cache, clock);
            Authenticator chain = new ApiKeyAuthenticator(store, config.apiKeysEnabled(), clock)
                    .orElse(jwt)
                    .orElse(new IntrospectionAuthenticator(introspected, cache, clock))
                    .orElse(new CertificateAuthenticator(config.tls() == null ? List.of() : config.tls().clients(), store, clock));
            built = new Built(config, List.copyOf(environments), chain, jwt, cache);
            LOG.info("identity: {} issuer(s) {}, API keys {}, client certificates {}", config.issuers().size(),
                    config.issuers().stream().map(IssuerConfig::issuer).toList(), config.apiKeysEnabled() ? "on" : "off",
                    config.tls() == null ? "off" : config.tls().clientAuth().name().toLowerCase());
        }
        store.startRefresh(config.revocationRefresh());
        if (old.jwt() != null) {
            old.jwt().close();
        }
    }

    /** Tells the identity where the listener is, to derive resource URLs when the config gives none. */
    public void listening(String scheme, String host, int port) {
        String h = host.contains(":") ? "[" + host + "]" : host;
        listenerBase = scheme + "://" + h + ":" + port;
    }

    /**
     * Authenticates an HTTP request. Without an {@code identity:} section every caller is
     * {@link Principal#anonymous} (insecure-dev mode, logged loudly at start).
     */
    @Override
    public Principal authenticate(Credentials in, String environment) throws AuthException {
        Built b = built;
        if (!b.config().enabled()) {
            return Principal.anonymous(environment, null);
        }
        if (in.otherScheme() != null) {
            throw new AuthException(401, AuthException.Error.INVALID_REQUEST, in.otherScheme().equalsIgnoreCase("Bearer")
                    ? "the Authorization header carries an empty Bearer token"
                    : "the Authorization scheme " + in.otherScheme() + " is not supported; send Bearer", null);
        }
        try {
            if (in.bearer() != null) {
                // The hot path: a token verified before (by signature or introspection) costs one
                // SHA-256 and one lookup; expiry and revocation are checked again on every call.
                TokenCache.Entry hit = b.cache().get(TokenCache.key(in.bearer(), environment), clock.instant());
                if (hit != null) {
                    return withToken(hit.recheck(clock.instant()), in);
                }
            }
            return withToken(b.chain().authenticate(in, environment), in);
        } catch (AuthException.NotMine e) {
            if (in.bearer() == null && !in.hasCertificate()) {
                throw AuthException.missing("authentication required");
            }
            throw AuthException.invalid(e.reason().isEmpty() ? "the credentials are not accepted" : e.reason());
        } catch (RuntimeException e) {
            // Fail closed: a check that breaks refuses (and says so in the log), it never grants.
            LOG.error("identity: authentication failed with an internal error", e);
            throw AuthException.unavailable("authentication failed inside the gateway");
        }
    }

    /**
     * #16 item 1: a principal verified from a bearer token (JWT or introspection) keeps that token,
     * in memory only, for the token exchange to upstreams. API keys are the gateway's own
     * credentials: never exchanged.
     */
    private static Principal withToken(Principal p, Credentials in) {
        boolean exchangeable = "jwt".equals(p.authMethod()) || "introspection".equals(p.authMethod());
        return exchangeable && in.bearer() != null ? p.withSubjectToken(new SubjectToken(in.bearer())) : p;
    }

    /** The principal of the stdio ingress: the local OS user (or the configured one), auth method {@code local}. */
    public Principal local(String environment, String clientName) {
        IdentityConfig.LocalUser u = built.config().local();
        String subject = u.effectiveSubject();
        return new Principal(subject, Principal.Kind.USER, u.displayName(), u.roles(), clientName, environment, "local",
                null, null, "local", null, List.of());
    }

    public boolean enabled() {
        return built.config().enabled();
    }

    public IdentityConfig config() {
        return built.config();
    }

    public IdentityStore store() {
        return store;
    }

    /** Whether the principal may use the admin API: authenticated, holding one of {@code admin_roles}. */
    public boolean isAdmin(Principal p) {
        return enabled() && p.kind() != Principal.Kind.ANONYMOUS
                && p.roles().stream().anyMatch(built.config().adminRoles()::contains);
    }

    /** This gateway's resource URL for an environment (RFC 8707 audience, RFC 9728 {@code resource}). */
    public String resource(String environment) {
        return environment.equals(built.environments().getFirst()) ? base() : base() + "/" + environment;
    }

    /**
     * The resource URL of a route: {@code /mcp} (null) is the default environment's resource,
     * {@code /mcp/{name}} is {@code resource + "/" + name} (also for the default environment).
     */
    public String routeResource(String pathEnvironment) {
        return pathEnvironment == null ? base() : base() + "/" + pathEnvironment;
    }

    private String base() {
        Built b = built;
        return b.config().resource() != null ? strip(b.config().resource().toString()) : listenerBase + "/mcp";
    }

    /** Audiences accepted for an issuer's tokens in an environment (no token passthrough: only ours). */
    Set<String> audiences(IssuerConfig issuer, String environment) {
        if (!issuer.audiences().isEmpty()) {
            return new LinkedHashSet<>(issuer.audiences());
        }
        Set<String> out = new LinkedHashSet<>();
        out.add(resource(environment));
        out.add(routeResource(environment));
        return out;
    }

    /** Where the RFC 9728 metadata of a route's resource is served (RFC 9728 section 3.1). */
    public String metadataUrl(String routeResource) {
        java.net.URI r = java.net.URI.create(routeResource);
        String path = r.getRawPath() == null ? "" : r.getRawPath();
        return r.getScheme() + "://" + r.getRawAuthority() + "/.well-known/oauth-protected-resource" + path;
    }

    /** The RFC 9728 metadata served at a request path, if the path is one of ours. */
    public Optional<ObjectNode> metadataAt(String path) {
        Built b = built;
        if (path.equals("/.well-known/oauth-protected-resource")) {
            return Optional.of(metadata(b.environments().getFirst(), base()));
        }
        for (String env : b.environments()) {
            for (String route : List.of(resource(env), routeResource(env))) {
                if (java.net.URI.create(metadataUrl(route)).getRawPath().equals(path)) {
                    return Optional.of(metadata(env, route));
                }
            }
        }
        return Optional.empty();
    }

    private ObjectNode metadata(String environment, String route) {
        Built b = built;
        ObjectNode m = Json.object().put("resource", route);
        var servers = m.putArray("authorization_servers");
        Set<String> scopes = new LinkedHashSet<>();
        for (IssuerConfig i : b.config().issuers()) {
            servers.add(i.issuer());
            scopes.addAll(i.scopesFor(environment));
        }
        m.putArray("bearer_methods_supported").add("header");
        var s = m.putArray("scopes_supported");
        scopes.forEach(s::add);
        m.put("resource_name", "Portcullis MCP gateway (" + environment + ")");
        return m;
    }

    /** The {@code WWW-Authenticate} value for a refusal on a route (RFC 6750 section 3, RFC 9728 section 5.1). */
    public String challenge(AuthException e, String routeResource) {
        StringBuilder b = new StringBuilder("Bearer resource_metadata=\"").append(metadataUrl(routeResource)).append('"');
        if (e.error() != null && e.error() != AuthException.Error.UNAVAILABLE) {
            b.append(", error=\"").append(e.error().code).append('"');
            b.append(", error_description=\"").append(quoteSafe(e.reason())).append('"');
        }
        if (!e.requiredScopes().isEmpty()) {
            b.append(", scope=\"").append(quoteSafe(String.join(" ", e.requiredScopes()))).append('"');
        }
        return b.toString();
    }

    private static String quoteSafe(String s) {
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            b.append(c >= 0x20 && c < 0x7f && c != '"' && c != '\\' ? c : '\'');
        }
        return b.toString();
    }

    private static String strip(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    @Override
    public void close() {
        Built b = built;
        if (b.jwt() != null) {
            b.jwt().close();
        }
        store.close();
    }
}
