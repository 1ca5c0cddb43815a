package io.portcullis.identity;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.audit.AuditQuery;
import io.portcullis.it.LogLines;
import io.portcullis.protocol.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Issue 17, "How it is shown" (C1.4): a real desktop-style client (the TypeScript SDK over stdio) →
 * {@code portcullis connect} (the built jar, no pre-registered client id) → a Portcullis gateway over
 * TLS that requires OAuth from a real authorization server with RFC 7591 dynamic registration
 * (oidc-provider: {@link DcrAuthServer}). connect finds the authorization server from the gateway's
 * 401 and protected-resource metadata, registers itself, signs in with authorization code + PKCE and
 * the gateway's resource (RFC 8707), and the AS's JWT access token (aud = the gateway's resource)
 * carries the call; the audit record names the AS's subject and the client it registered.
 * mock-oauth2-server, which the issue names, has no registration endpoint (docs/conformance.md).
 */
class ConnectDcrIT {
    static final Path ROOT = Path.of(System.getProperty("portcullis.root", "."));

    @TempDir
    Path dir;

    @BeforeEach
    void certificates() throws Exception {
        TestCertificates ca = new TestCertificates("portcullis-test-ca");
        ca.pkcs12(ca.server(), dir.resolve("server.p12"), "changeit");
        Files.writeString(dir.resolve("server.pw"), "changeit\n");
        TestCertificates.pem(ca.ca.certificate(), dir.resolve("ca.pem"));
    }

    /** TLS only (no client certificate); the one trusted issuer is the AS, which must grant mcp:tools. */
    String config(String issuer) {
        return """
                server: {host: 127.0.0.1, port: 0, data_dir: data}
                upstreams:
                  demo: {command: ["%s", "-cp", "%s", "io.portcullis.demo.DemoServer"], timeout: 20s}
                identity:
                  api_keys: false
                  tls:
                    keystore: server.p12
                    keystore_password: {file: server.pw}
                  issuers:
                    - issuer: %s
                      discovery: %s/.well-known/openid-configuration
                      required_scopes: [mcp:tools]
                """.formatted(ConnectProcess.JAVA, ConnectProcess.JAR, issuer, issuer);
    }

    record Run(JsonNode result, String stderr) {}

    /** The TypeScript SDK's stdio client runs connect as its server: initialize, tools/list, one demo__echo. */
    Run stdioClient(GatewayUnderTest gw, Path cache, String message) throws Exception {
        // the "browser" follows the redirects with cookies (the AS binds its interaction to them) to connect's loopback listener
        List<String> connect = ConnectProcess.command(gw.base() + "/mcp", "--ca", dir.resolve("ca.pem").toString(),
                "--token-cache", cache.toString(), "--browser", "curl -sfL -b /dev/null -o /dev/null", "--login-timeout", "150");
        Path err = Files.createTempFile(dir, "client", ".err");
        Process p = new ProcessBuilder(ROOT.resolve("node_modules/.bin/node").toString(),
                ROOT.resolve("src/test/resources/identity/stdio-client.mjs").toString(), Json.write(Json.MAPPER.valueToTree(connect)), message,
                "170000") // each request may take long on a loaded machine: the first one registers and signs in
                .redirectError(err.toFile()).start();
        try {
            assertThat(p.waitFor(540, TimeUnit.SECONDS)).as("the stdio client finished").isTrue();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            String stderr = Files.readString(err);
            assertThat(out).as(stderr).isNotEmpty();
            return new Run(Json.parse(out.substring(out.lastIndexOf('\n') + 1)), stderr);
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void aStdioClientThroughConnectRegistersDynamicallySignsInAndCallsATool() throws Exception {
        Path cache = dir.resolve("tokens/gateway.json");
        try (DcrAuthServer as = new DcrAuthServer("alice", false);
             GatewayUnderTest gw = new GatewayUnderTest(config(as.issuer), dir);
             LogLines calls = new LogLines("portcullis.calls")) {
            Run run = stdioClient(gw, cache, "registered dynamically");
            assertThat(run.result().path("error").isMissingNode()).as(run.result() + "\n" + run.stderr() + as.log).isTrue();
            assertThat(run.result().path("server").asString()).isEqualTo("portcullis");
            assertThat(run.result().path("echo").asString()).contains("registered dynamically");
            assertThat(run.result().path("isError").asBoolean()).isFalse();
            assertThat(run.stderr()).contains("sign in to " + as.issuer).contains("signed in to " + as.issuer + " for " + gw.base() + "/mcp");
            assertThat(as.registrations("201")).as("one RFC 7591 registration at the AS").isEqualTo(1);

            // the client connect registered is the one in its 0600 cache and in the audit record
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(cache))).isEqualTo("rw-------");
            JsonNode cached = Json.parse(Files.readAllBytes(cache));
            String clientId = cached.path("client_id").asString();
            assertThat(clientId).isNotBlank();
            assertThat(cached.path("auth_method").asString()).isEqualTo("none");
            assertThat(cached.path("resource").asString()).isEqualTo(gw.gateway.identity().resource("default"));
            List<ObjectNode> records = gw.gateway.audit().query().search(new AuditQuery.Filter(null, null, null, null, null, null, "call", 10_000))
                    .stream().filter(r -> r.path("arguments").toString().contains("registered dynamically")).toList();
            assertThat(records).hasSize(1);
            JsonNode who = records.getFirst().path("principal");
            assertThat(who.path("subject").asString()).isEqualTo("alice");
            assertThat(who.path("issuer").asString()).isEqualTo(as.issuer);
            assertThat(who.path("client_id").asString()).isEqualTo(clientId);
            assertThat(who.path("kind").asString()).isEqualTo("user");
            assertThat(calls.lines()).anySatisfy(l -> assertThat(l).contains("subject=alice", "auth=jwt", "outcome=ok"));

            // a second run uses the cached token of the registered client: no new registration, no sign-in
            Run again = stdioClient(gw, cache, "from the cache");
            assertThat(again.result().path("echo").asString()).as(again.stderr()).contains("from the cache");
            assertThat(again.stderr()).doesNotContain("sign in to");
            assertThat(as.registrations("201")).isEqualTo(1);
        }
    }

    @Test
    void whenTheAuthorizationServerRefusesRegistrationConnectSaysSoInOneLineAndUsesNoToken() throws Exception {
        Path cache = dir.resolve("tokens/gateway.json");
        try (DcrAuthServer as = new DcrAuthServer("alice", true);
             GatewayUnderTest gw = new GatewayUnderTest(config(as.issuer), dir);
             LogLines calls = new LogLines("portcullis.calls")) {
            Run run = stdioClient(gw, cache, "never sent");
            assertThat(run.result().path("error").asString()).as(run.stderr()).isNotEmpty();
            List<String> lines = run.stderr().lines().filter(l -> l.contains("registration endpoint")).toList();
            assertThat(lines).as(run.stderr()).hasSize(1);
            assertThat(lines.getFirst()).startsWith("portcullis connect: no token for " + gw.base() + "/mcp: ")
                    .contains("the registration endpoint " + as.issuer + "/reg refused (HTTP 401)");
            assertThat(run.stderr()).doesNotContain("Exception").doesNotContain("\tat ").doesNotContain("sign in to");
            assertThat(as.registrations("401")).isPositive();
            assertThat(as.registrations("201")).isZero();
            assertThat(cache).as("no token was obtained").doesNotExist();
            assertThat(calls.lines()).noneSatisfy(l -> assertThat(l).contains("auth=jwt"));
            assertThat(gw.gateway.audit().query().search(new AuditQuery.Filter(null, null, null, null, null, null, "call", 10_000))
                    .stream().filter(r -> r.path("arguments").toString().contains("never sent")).toList()).isEmpty();
        }
    }
}
