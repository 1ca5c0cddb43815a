package io.portcullis.identity;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.protocol.Json;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * C1.3: the commands of docs/operations/credentials.md, run as a real CLI process against the
 * store of a running gateway: API keys are created (shown once), used, listed and revoked; tokens
 * are revoked by jti and by subject, through the CLI and the admin API; revocations survive a restart.
 */
class CredentialsLifecycleIT {
    record Run(int exit, String out, String err) {}

    @TempDir
    Path dir;
    Path config;
    MockOAuth2Server idp;
    CountingUpstream upstream;
    String issuer;

    @BeforeEach
    void start() throws Exception {
        idp = new MockOAuth2Server();
        idp.start(InetAddress.getByName("127.0.0.1"), 0);
        issuer = "http://127.0.0.1:" + idp.baseUrl().port() + "/default";
        upstream = new CountingUpstream();
        config = dir.resolve("portcullis.yaml");
        Files.writeString(config, """
                server: {host: 127.0.0.1, port: 0, data_dir: data}
                # no store section: sqlite_locking exclusive (the default), keys/revoke commands go through the gateway (#21 item 13)
                environments: [dev, prod]
                upstreams:
                  demo: {url: "%s"}
                identity:
                  resource: https://portcullis.test/mcp   # fixed: the gateway restarts on another port
                  revocation_refresh: 200ms
                  api_keys: {enabled: true, max_lifetime: 90d}
                  admin_roles: [portcullis-admin]
                  issuers:
                    - issuer: %s
                      jwks_uri: %s/jwks
                      claims: {roles: [groups]}
                """.formatted(upstream.url(), issuer, issuer));
    }

    @AfterEach
    void stop() throws Exception {
        upstream.close();
        idp.shutdown();
    }

    GatewayUnderTest gateway() throws Exception {
        return new GatewayUnderTest(Files.readString(config), dir);
    }

    static Run cli(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(ConnectProcess.command());
        cmd.removeLast(); // "connect"
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).start();
        byte[] out = p.getInputStream().readAllBytes();
        byte[] err = p.getErrorStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("the CLI did not finish: " + cmd);
        }
        return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
    }

    String token(GatewayUnderTest gw, String subject, List<String> groups) {
        return idp.issueToken("default", subject, gw.gateway.identity().resource("dev"),
                Map.of("iss", issuer, "groups", groups), 600).serialize();
    }

    /** Waits (at most 10 s) until the condition holds: the CLI writes the store; the gateway polls it. */
    static void eventually(Callable<Boolean> condition) {
        io.portcullis.testing.Eventually.eventually(Duration.ofSeconds(10), "the gateway saw the CLI's write", condition::call);
    }

    @Test
    void apiKeysAreCreatedOnceUsedListedAndRevokedFromTheCli() throws Exception {
        try (GatewayUnderTest gw = gateway()) {
            Run created = cli("keys", "create", "--config", config.toString(), "--role", "ci", "--env", "dev", "--expires", "1d",
                    "--name", "nightly-build");
            assertThat(created.exit()).as(created.err()).isZero();
            String key = created.out().strip();
            assertThat(key).startsWith("pcl_").doesNotContain("\n");
            assertThat(created.err()).contains("shown this once");
            String prefix = key.substring(4, 12);

            eventually(() -> gw.modernCall("/mcp", key, "with a key").status() == 200);
            assertThat(gw.modernCall("/mcp/prod", key, "wrong environment").status()).isEqualTo(401);

            Run list = cli("keys", "list", "--config", config.toString());
            assertThat(list.out()).contains(prefix, "nightly-build", "ci", "dev", "active").doesNotContain(key);

            Run revoked = cli("keys", "revoke", "--config", config.toString(), prefix);
            assertThat(revoked.exit()).isZero();
            eventually(() -> gw.modernCall("/mcp", key, "revoked key").status() == 401);
            int before = upstream.calls();
            assertThat(gw.modernCall("/mcp", key, "revoked key").body()).contains("was revoked");
            assertThat(upstream.calls()).isEqualTo(before);
            assertThat(cli("keys", "list", "--config", config.toString()).out()).contains("revoked");
        }
        try (GatewayUnderTest restarted = gateway()) {
            assertThat(restarted.gateway.identity().store().keys()).singleElement()
                    .satisfies(k -> assertThat(k.revoked()).isNotNull());
        }
        Run tooLong = cli("keys", "create", "--config", config.toString(), "--role", "ci", "--env", "dev", "--expires", "400d");
        assertThat(tooLong.exit()).as("#12 item 6: an option the config does not allow is a usage error").isEqualTo(2);
        assertThat(tooLong.err()).contains("max_lifetime");
    }

    @Test
    void tokensAreRevokedFromTheCliAndStayRevokedAfterARestart() throws Exception {
        String token;
        try (GatewayUnderTest gw = gateway()) {
            token = token(gw, "dora", List.of());
            assertThat(gw.modernCall("/mcp", token, "before").status()).isEqualTo(200);
            String jti = Tokens.claims(token).getJWTID();
            Run r = cli("revoke", "--config", config.toString(), "--jti", jti, "--reason", "laptop stolen");
            assertThat(r.exit()).as(r.err()).isZero();
            eventually(() -> gw.modernCall("/mcp", token, "after").status() == 401);
            assertThat(cli("revoke", "--config", config.toString(), "--list").out()).contains(jti, "laptop stolen");
        }
        try (GatewayUnderTest restarted = gateway()) {
            GatewayUnderTest.Reply r = restarted.modernCall("/mcp", token, "after a restart");
            assertThat(r.status()).isEqualTo(401);
            assertThat(r.body()).contains("revoked");
            String emils = token(restarted, "emil", List.of()); // issued before the revocation: refused after it
            assertThat(restarted.modernCall("/mcp", emils, "x").status()).isEqualTo(200);
            Run bySubject = cli("revoke", "--config", config.toString(), "--subject", "emil", "--issuer", issuer);
            assertThat(bySubject.exit()).isZero();
            eventually(() -> restarted.modernCall("/mcp", emils, "x").status() == 401);
        }
    }

    @Test
    void theAdminApiRevokesAtOnceAndOnlyForAdmins() throws Exception {
        try (GatewayUnderTest gw = gateway()) {
            HttpClient http = HttpClient.newHttpClient();
            String admin = token(gw, "ops-anna", List.of("portcullis-admin"));
            String user = token(gw, "bob", List.of("engineering"));
            assertThat(gw.modernCall("/mcp", user, "before").status()).isEqualTo(200);

            HttpResponse<String> anonymous = http.send(post(gw, null, "{\"subject\":\"bob\"}"), HttpResponse.BodyHandlers.ofString());
            assertThat(anonymous.statusCode()).isEqualTo(401);
            HttpResponse<String> notAdmin = http.send(post(gw, user, "{\"subject\":\"bob\"}"), HttpResponse.BodyHandlers.ofString());
            assertThat(notAdmin.statusCode()).isEqualTo(403);
            assertThat(gw.modernCall("/mcp", user, "still allowed").status()).isEqualTo(200);

            HttpResponse<String> done = http.send(post(gw, admin, "{\"subject\":\"bob\",\"reason\":\"suspicious calls\"}"),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(done.statusCode()).as(done.body()).isEqualTo(201);
            assertThat(Json.parse(done.body()).path("revoked_by").asString()).isEqualTo("ops-anna");
            assertThat(gw.modernCall("/mcp", user, "the very next call").status()).isEqualTo(401);

            HttpResponse<String> list = http.send(HttpRequest.newBuilder(URI.create(gw.base() + "/admin/api/revocations"))
                    .header("Authorization", "Bearer " + admin).GET().build(), HttpResponse.BodyHandlers.ofString());
            assertThat(list.body()).contains("\"value\":\"bob\"", "suspicious calls");
            HttpResponse<String> bad = http.send(post(gw, admin, "{\"nothing\":1}"), HttpResponse.BodyHandlers.ofString());
            assertThat(bad.statusCode()).isEqualTo(400);

            var key = gw.gateway.identity().store().createKey("batch", "batch", List.of("dev"),
                    java.time.Instant.now().plus(Duration.ofDays(1)), "test");
            assertThat(gw.modernCall("/mcp", key.secret(), "key").status()).isEqualTo(200);
            HttpResponse<String> keys = http.send(HttpRequest.newBuilder(URI.create(gw.base() + "/admin/api/keys"))
                    .header("Authorization", "Bearer " + admin).GET().build(), HttpResponse.BodyHandlers.ofString());
            assertThat(keys.body()).contains(key.key().prefix(), "batch").doesNotContain(key.secret());
            HttpResponse<String> revokeKey = http.send(HttpRequest.newBuilder(URI.create(gw.base() + "/admin/api/keys/"
                    + key.key().prefix() + "/revoke")).header("Authorization", "Bearer " + admin)
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(revokeKey.statusCode()).isEqualTo(200);
            assertThat(gw.modernCall("/mcp", key.secret(), "revoked key").status()).isEqualTo(401);
        }
    }

    private static HttpRequest post(GatewayUnderTest gw, String token, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(gw.base() + "/admin/api/revocations"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return b.build();
    }
}
