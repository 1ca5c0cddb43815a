package io.portcullis.identity;

import io.portcullis.it.LogLines;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.connect.ClientTls;
import io.portcullis.protocol.Json;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * C1.4 end to end: a local stdio client → {@code portcullis connect} (a real child process of the
 * built jar) → the gateway over TLS → the demo upstream (a stdio child of the gateway).
 */
class ConnectIT {
    static final Path ROOT = Path.of(System.getProperty("portcullis.root", "."));

    @TempDir
    Path dir;
    TestCertificates ca;

    @BeforeEach
    void certificates() throws Exception {
        ca = new TestCertificates("portcullis-test-ca");
        ca.pkcs12(ca.server(), dir.resolve("server.p12"), "changeit");
        Files.writeString(dir.resolve("server.pw"), "changeit\n");
        TestCertificates.pem(ca.ca.certificate(), dir.resolve("ca.pem"));
        var client = ca.issue("CN=runner-1,O=Example", TestCertificates.uri("spiffe://example.com/ci/runner-1"));
        TestCertificates.pem(client.certificate(), dir.resolve("client.pem"));
        TestCertificates.pemKey(client.keys(), dir.resolve("client.key"));
    }

    String config(String clientAuth, String issuers) {
        return """
                server: {host: 127.0.0.1, port: 0, data_dir: data}
                upstreams:
                  demo: {command: ["%s", "-cp", "%s", "io.portcullis.demo.DemoServer"], timeout: 20s}
                identity:
                  api_keys: false
                  tls:
                    keystore: server.p12
                    keystore_password: {file: server.pw}
                    client_auth: %s
                    client_ca: ca.pem
                    clients:
                      - {spiffe_id: "spiffe://example.com/ci/*", kind: service, roles: [ci]}
                %s""".formatted(ConnectProcess.JAVA, ConnectProcess.JAR, clientAuth, issuers);
    }

    @Test
    void aRealStdioClientReachesTheUpstreamThroughConnectWithAClientCertificate() throws Exception {
        try (GatewayUnderTest gw = new GatewayUnderTest(config("required", ""), dir);
             LogLines calls = new LogLines("portcullis.calls")) {
            List<String> connect = ConnectProcess.command(gw.base() + "/mcp", "--ca", dir.resolve("ca.pem").toString(),
                    "--cert", dir.resolve("client.pem").toString(), "--key", dir.resolve("client.key").toString());
            Path node = ROOT.resolve("node_modules/.bin/node");
            Process p = new ProcessBuilder(node.toString(), ROOT.resolve("src/test/resources/identity/stdio-client.mjs").toString(),
                    Json.write(Json.MAPPER.valueToTree(connect)), "through connect").redirectError(ProcessBuilder.Redirect.INHERIT).start();
            try {
                assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("the stdio client finished").isTrue();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
                JsonNode result = Json.parse(out.substring(out.lastIndexOf('\n') + 1));
                assertThat(result.path("error").isMissingNode()).as(out).isTrue();
                assertThat(result.path("server").asString()).isEqualTo("portcullis");
                assertThat(result.path("tools").toString()).contains("demo__echo");
                assertThat(result.path("echo").asString()).contains("through connect");
                assertThat(result.path("isError").asBoolean()).isFalse();
            } finally {
                p.destroyForcibly();
            }
            assertThat(calls.lines()).anySatisfy(l -> assertThat(l).contains("subject=spiffe://example.com/ci/runner-1",
                    "principal_kind=service", "auth=mtls", "outcome=ok"));
        }
    }

    @Test
    void withoutAClientCertificateTheGatewayRefusesTheConnection() throws Exception {
        try (GatewayUnderTest gw = new GatewayUnderTest(config("required", ""), dir);
             ConnectProcess c = new ConnectProcess(gw.base() + "/mcp", "--ca", dir.resolve("ca.pem").toString())) {
            JsonNode answer = c.initialize();
            assertThat(answer.path("error").path("message").asString()).contains("cannot be reached");
            HttpClient noCert = HttpClient.newBuilder().sslContext(ClientTls.context(dir.resolve("ca.pem"), null, null, null, null)).build();
            assertThatThrownBy(() -> noCert.send(HttpRequest.newBuilder(URI.create(gw.base() + "/healthz")).build(),
                    HttpResponse.BodyHandlers.ofString())).isInstanceOf(IOException.class);
        }
    }

    @Test
    void oauthSignInWithPkceThenTheCachedTokenThenARefresh() throws Exception {
        MockOAuth2Server idp = new MockOAuth2Server();
        idp.start(InetAddress.getByName("127.0.0.1"), 0);
        String issuer = "http://127.0.0.1:" + idp.baseUrl().port() + "/default";
        Path cache = dir.resolve("tokens/gateway.json");
        try (GatewayUnderTest gw = new GatewayUnderTest(config("optional", """
                  issuers:
                    - issuer: %s
                      discovery: %s/.well-known/openid-configuration
                """.formatted(issuer, issuer)), dir);
             LogLines calls = new LogLines("portcullis.calls")) {
            String resource = gw.gateway.identity().resource("default");
            // The mock IdP ignores RFC 8707's resource parameter; real ones put it in aud. Say what it should issue.
            idp.enqueueCallback(new DefaultOAuth2TokenCallback("default", "alice", "JWT", List.of(resource), Map.of("azp", "desktop"), 3600L));
            // mock-oauth2-server is an OpenID provider: it wants the openid scope, which connect no longer
            // adds by itself (issue 17: the server's scopes, else none; --scope adds more)
            String[] args = {gw.base() + "/mcp", "--ca", dir.resolve("ca.pem").toString(), "--client-id", "desktop",
                    "--token-cache", cache.toString(), "--scope", "openid"};
            try (ConnectProcess c = new ConnectProcess(concat(args, "--browser", "curl -sfL -o /dev/null", "--login-timeout", "60"))) {
                assertThat(c.initialize().path("result").path("serverInfo").path("name").asString()).as(c.stderr.toString()).isEqualTo("portcullis");
                assertThat(c.echo(2, "signed in").path("result").toString()).contains("signed in");
                assertThat(c.finish()).isZero();
                assertThat(c.stderr.toString()).contains("sign in to " + issuer);
                assertThat(gw.http.sessions().all()).as("connect ended its session (an authenticated DELETE)").isEmpty();
            }
            assertThat(calls.lines()).anySatisfy(l -> assertThat(l).contains("subject=alice", "auth=jwt", "principal_kind=user"));
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(cache))).isEqualTo("rw-------");
            JsonNode first = Json.parse(Files.readAllBytes(cache));
            assertThat(first.path("refresh_token").asString()).isNotEmpty();

            // A second run uses the cached token: its "browser" would fail the sign-in.
            try (ConnectProcess c = new ConnectProcess(concat(args, "--browser", "false", "--login-timeout", "3"))) {
                assertThat(c.initialize().path("result").isObject()).as(c.stderr.toString()).isTrue();
                assertThat(c.finish()).isZero();
                assertThat(c.stderr.toString()).doesNotContain("sign in to");
            }

            // An expired cached token is refreshed with the refresh token, again without a browser.
            ObjectNode stale = (ObjectNode) first.deepCopy();
            stale.put("expires_at", 1);
            Files.write(cache, Json.bytes(stale));
            try (ConnectProcess c = new ConnectProcess(concat(args, "--browser", "false", "--login-timeout", "3"))) {
                assertThat(c.initialize().path("result").isObject()).as(c.stderr.toString()).isTrue();
                assertThat(c.echo(2, "refreshed").path("result").toString()).contains("refreshed");
                assertThat(c.finish()).isZero();
            }
            assertThat(Json.parse(Files.readAllBytes(cache)).path("access_token").asString())
                    .isNotEqualTo(first.path("access_token").asString());
        } finally {
            idp.shutdown();
        }
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
