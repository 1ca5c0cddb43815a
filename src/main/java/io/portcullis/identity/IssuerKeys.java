package io.portcullis.identity;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jose.util.Resource;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import io.portcullis.identity.IdentityConfig.IssuerConfig;
import java.io.Closeable;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.time.Instant;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * The signing keys of one issuer: its JWKS, found directly or through its discovery document,
 * fetched on first use, cached, and fetched again when a token names an unknown {@code kid}
 * (at most twice per {@code jwks_refresh_interval}, so made-up kids cannot hammer the issuer).
 * Key rotation at the issuer therefore works without a restart.
 */
final class IssuerKeys implements Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(IssuerKeys.class);
    private static final int TIMEOUT_MS = 5_000;
    private static final int SIZE_LIMIT = 512 * 1024;

    private final IssuerConfig issuer;
    private final IdentityConfig config;
    private volatile DefaultJWTProcessor<SecurityContext> processor;
    private volatile JWKSource<SecurityContext> source;
    private volatile Instant lastDiscoveryFailure = Instant.EPOCH;

    IssuerKeys(IssuerConfig issuer, IdentityConfig config) {
        this.issuer = issuer;
        this.config = config;
    }

    /**
     * The processor that verifies this issuer's signatures (claims are checked by {@link ClaimRules}).
     *
     * @throws AuthException 503 when the discovery document cannot be fetched (retried after 5 s)
     */
    DefaultJWTProcessor<SecurityContext> processor() throws AuthException {
        DefaultJWTProcessor<SecurityContext> p = processor;
        if (p != null) {
            return p;
        }
        synchronized (this) {
            if (processor != null) {
                return processor;
            }
            if (Instant.now().isBefore(lastDiscoveryFailure.plusSeconds(5))) {
                throw AuthException.unavailable("the keys of issuer " + issuer.issuer() + " are not available yet");
            }
            URI jwks;
            try {
                jwks = issuer.jwksUri() != null ? issuer.jwksUri() : discoverJwks();
            } catch (IOException | RuntimeException e) {
                lastDiscoveryFailure = Instant.now();
                LOG.warn("identity: discovery of issuer {} failed: {}", issuer.issuer(), e.getMessage());
                throw AuthException.unavailable("the keys of issuer " + issuer.issuer() + " cannot be fetched");
            }
            source = buildSource(jwks);
            Set<JWSAlgorithm> algs = config.algorithms().stream().map(JWSAlgorithm::parse).collect(Collectors.toSet());
            DefaultJWTProcessor<SecurityContext> fresh = new DefaultJWTProcessor<>();
            // RFC 9068 access tokens say "at+jwt"; most issuers still say "JWT" or nothing.
            fresh.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(JOSEObjectType.JWT, new JOSEObjectType("at+jwt"),
                    new JOSEObjectType("application/at+jwt"), null));
            fresh.setJWSKeySelector(new EdDsaVerifiers.Selector(algs, source));
            fresh.setJWSVerifierFactory(new EdDsaVerifiers());
            fresh.setJWTClaimsSetVerifier((claims, ctx) -> { });
            processor = fresh;
            return fresh;
        }
    }

    private JWKSource<SecurityContext> buildSource(URI jwks) {
        try {
            URL url = jwks.toURL();
            return JWKSourceBuilder.<SecurityContext>create(url, new DefaultResourceRetriever(TIMEOUT_MS, TIMEOUT_MS, SIZE_LIMIT))
                    .cache(config.jwksCacheTtl().toMillis(), TIMEOUT_MS)
                    .refreshAheadCache(false)
                    .rateLimited(Math.min(config.jwksRefreshInterval().toMillis(), config.jwksCacheTtl().toMillis() - 1))
                    .retrying(false)
                    .build();
        } catch (IOException e) {
            throw new IllegalArgumentException("bad JWKS URL " + jwks, e);
        }
    }

    /** Reads {@code jwks_uri} from the discovery document, which must name this very issuer. */
    private URI discoverJwks() throws IOException {
        Resource r = new DefaultResourceRetriever(TIMEOUT_MS, TIMEOUT_MS, SIZE_LIMIT).retrieveResource(issuer.discovery().toURL());
        JsonNode doc = io.portcullis.protocol.Json.parse(r.getContent());
        String iss = doc.path("issuer").asString("");
        if (!issuer.issuer().equals(iss)) {
            throw new IOException("the discovery document names issuer '" + iss + "', not '" + issuer.issuer() + "'");
        }
        String jwks = doc.path("jwks_uri").asString("");
        if (jwks.isEmpty()) {
            throw new IOException("the discovery document has no jwks_uri");
        }
        LOG.info("identity: issuer {} publishes its keys at {}", issuer.issuer(), jwks);
        return URI.create(jwks);
    }

    @Override
    public void close() {
        JWKSource<SecurityContext> s = source;
        if (s instanceof Closeable c) {
            try {
                c.close();
            } catch (IOException e) {
                LOG.debug("closing JWKS source: {}", e.getMessage());
            }
        }
    }
}
