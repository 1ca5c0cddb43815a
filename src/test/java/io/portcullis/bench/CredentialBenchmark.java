package io.portcullis.bench;

import io.portcullis.call.CallContext;
import io.portcullis.call.CallHandler;
import io.portcullis.call.CallTrail;
import io.portcullis.call.Relay;
import io.portcullis.config.ConfigReader;
import io.portcullis.config.GatewayConfig;
import io.portcullis.credentials.Credentials;
import io.portcullis.credentials.TokenExchanger;
import io.portcullis.identity.Principal;
import io.portcullis.identity.SubjectToken;
import io.portcullis.pipeline.stages.UpstreamCredential;
import io.portcullis.protocol.Json;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import no.nav.security.mock.oauth2.MockOAuth2Server;
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
import tools.jackson.databind.node.ObjectNode;

/**
 * #16 "How it is shown": what the {@code credentials} stage adds to a call (checklist C1.2). The
 * stage as the chains run it, with a real {@link TokenExchanger} against mock-oauth2-server on
 * loopback (its RFC 8693 endpoint):
 * <ul>
 *   <li>{@code none}: an upstream with {@code credentials: {mode: none}}, the baseline (the stage
 *       itself, the call context, the trail);</li>
 *   <li>{@code exchangeWarm}: {@code token_exchange}, the caller's exchanged token cached (every call
 *       but a user's first within the token's lifetime); the target: at most 20 µs more than
 *       {@code none};</li>
 *   <li>{@code exchangeCold}: the first call of a user, an exchange at the IdP (a fresh exchanger per
 *       invocation, so nothing is cached).</li>
 * </ul>
 * Run: {@code mvn -B -Pjmh test-compile exec:exec -Djmh.args="CredentialBenchmark"} (figures in
 * docs/performance.md, "Credentials (#16)"). {@code CredentialBenchmarkTest} checks that each
 * benchmark does what it says (no timing).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class CredentialBenchmark {
    static final String AUDIENCE = "https://crm.example/mcp";
    static final CallHandler NEXT = call -> Json.object();

    MockOAuth2Server idp;
    Path dir;
    GatewayConfig config;
    UpstreamCredential warm;
    UpstreamCredential cold;
    Principal alice;

    @Setup(Level.Trial)
    public void setup() throws Exception {
        idp = new MockOAuth2Server();
        idp.start(InetAddress.getByName("127.0.0.1"), 0);
        String base = "http://127.0.0.1:" + idp.baseUrl().port();
        dir = Files.createTempDirectory("credential-bench");
        Files.writeString(dir.resolve("secret"), "gateway-secret\n");
        config = ConfigReader.parse("""
                server: {host: 127.0.0.1, port: 0, data_dir: data}
                environments: [dev]
                upstreams:
                  open: {url: "http://127.0.0.1:9/open", credentials: {mode: none}}
                  crm:
                    url: "http://127.0.0.1:9/crm"
                    credentials:
                      mode: token_exchange
                      token_endpoint: %s/default/token
                      client_id: portcullis
                      client_secret: {file: secret}
                      audience: %s
                """.formatted(base, AUDIENCE), "gateway.yaml", dir, null);
        String token = idp.issueToken("default", "alice", "https://gateway.example/mcp", Map.of(), 3600).serialize();
        alice = new Principal("alice", Principal.Kind.USER, "alice", List.of(), "client", "dev", "jwt", "jti-alice",
                Instant.now().plusSeconds(3600), base + "/default", null, List.of()).withSubjectToken(new SubjectToken(token));
        warm = stage();
        warm.handle(call("crm"), NEXT); // the exchange is cached from here on
    }

    @Setup(Level.Invocation)
    public void freshExchanger() {
        cold = stage();
    }

    @TearDown(Level.Trial)
    public void stop() throws Exception {
        idp.shutdown();
        Files.deleteIfExists(dir.resolve("secret"));
        Files.deleteIfExists(dir);
    }

    UpstreamCredential stage() {
        return new UpstreamCredential(config, new Credentials(new TokenExchanger(Clock.systemUTC()), null));
    }

    CallContext call(String upstream) {
        ObjectNode params = Json.object().put("name", upstream + "__echo");
        CallContext c = new CallContext(CallContext.newCallId(), alice, "dev", "s-1", "2025-11-25", upstream + "__echo", params,
                null, Relay.NONE, Instant.now(), new CallTrail());
        c.trail().upstream(upstream);
        return c;
    }

    @Benchmark
    public CallContext none() throws Exception {
        CallContext c = call("open");
        warm.handle(c, NEXT);
        return c;
    }

    @Benchmark
    public CallContext exchangeWarm() throws Exception {
        CallContext c = call("crm");
        warm.handle(c, NEXT);
        return c;
    }

    @Benchmark
    public CallContext exchangeCold() throws Exception {
        CallContext c = call("crm");
        cold.handle(c, NEXT);
        return c;
    }
}
