package io.portcullis.identity;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.portcullis.config.ConfigReader;
import io.portcullis.store.Store;
import io.portcullis.store.StoreConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Token verification on the hot path of every call (docs/performance.md, "Identity"): the
 * authenticator chain as the HTTP ingress calls it, with a real RS256 JWKS (2048-bit keys).
 * <ul>
 *   <li>{@code cached}: a token seen before: SHA-256 of the token, one map lookup, the expiry and
 *       revocation re-checks. 1,000 distinct tokens in rotation, so the map is not a one-entry toy.</li>
 *   <li>{@code uncached}: the same chain with {@code token_cache: 0s}: parse, RS256 signature
 *       check, claim checks, mapping (what the first call of every token costs).</li>
 *   <li>{@code amortised50}: one uncached call per 49 cached ones (a token used for 50 calls).</li>
 * </ul>
 * Run with {@code mvn -B -Pjmh clean test-compile exec:exec -Djmh.args="TokenVerificationBenchmark"}; never part of the test run.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class TokenVerificationBenchmark {
    private static final String ISS = "https://sso.example.com";
    private static final String AUD = "http://127.0.0.1:8080/mcp";
    private static final int TOKENS = 1000;

    private LocalJwks jwks;
    private Store store;
    private Identity cached;
    private Identity uncached;
    private Credentials[] credentials;
    private int next;
    private Path dir;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        dir = Files.createTempDirectory("identity-bench");
        jwks = new LocalJwks();
        RSAKey key = new RSAKeyGenerator(2048).keyID("bench").generate();
        jwks.keys.add(key);
        store = Store.open(new StoreConfig(null, dir, 4));
        cached = identity("60s");
        uncached = identity("0s");
        credentials = new Credentials[TOKENS];
        Instant now = Instant.now();
        for (int i = 0; i < TOKENS; i++) {
            JWTClaimsSet c = new JWTClaimsSet.Builder().issuer(ISS).subject("user-" + i).audience(AUD).jwtID(UUID.randomUUID().toString())
                    .issueTime(Date.from(now)).notBeforeTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(3000)))
                    .claim("azp", "bench-client").claim("scope", "mcp:tools").claim("groups", List.of("engineering")).build();
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("bench").build(), c);
            jwt.sign(new RSASSASigner(key));
            credentials[i] = new Credentials(jwt.serialize(), null, List.of());
        }
        for (Credentials cr : credentials) {
            cached.authenticate(cr, "dev"); // every token verified once: the cached benchmark measures hits only
        }
        cached.store().revokeJti("some-other-token", "bench", null); // a non-empty revocation list, as in production
    }

    private Identity identity(String cache) throws Exception {
        var cfg = ConfigReader.parse("""
                environments: [dev]
                upstreams: {demo: {command: [x]}}
                identity:
                  resource: %s
                  token_cache: %s
                  max_token_lifetime: 1h
                  issuers: [{issuer: "%s", jwks_uri: "%s", claims: {roles: [groups]}}]
                """.formatted(AUD, cache, ISS, jwks.url()), "bench.yaml", dir, null);
        Identity id = new Identity(store, Clock.systemUTC());
        id.apply(cfg.identity(), List.of("dev"));
        return id;
    }

    private Credentials nextToken() {
        int i = next;
        next = i + 1 == TOKENS ? 0 : i + 1;
        return credentials[i];
    }

    @Benchmark
    public Principal cached() throws AuthException {
        return cached.authenticate(nextToken(), "dev");
    }

    @Benchmark
    public Principal uncached() throws AuthException {
        return uncached.authenticate(nextToken(), "dev");
    }

    private int calls;

    /**
     * A token used for 50 calls (a short session): its first call pays the full verification, the
     * other 49 hit the cache. The average is the amortised cost per call.
     */
    @Benchmark
    public Principal amortised50() throws AuthException {
        int c = calls;
        calls = c + 1 == 50 ? 0 : c + 1;
        return c == 0 ? uncached.authenticate(nextToken(), "dev") : cached.authenticate(nextToken(), "dev");
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        cached.close();
        uncached.close();
        store.close();
        jwks.close();
    }
}
