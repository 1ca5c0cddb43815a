package io.portcullis.identity;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.identity.CredentialsLifecycleIT.Run;
import io.portcullis.protocol.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.node.ObjectNode;

/**
 * #21 item 13 over TLS: the gateway writes its certificate's SHA-256 into {@code admin.local}; the
 * CLI connects to the loopback address (which the certificate does not name) and trusts exactly
 * that certificate. A credential whose pin does not match the gateway is refused in the handshake.
 */
class LocalCliTlsIT {
    @TempDir
    Path dir;

    @Test
    void item13_theCliPinsTheGatewaysCertificateOverTls() throws Exception {
        TestCertificates ca = new TestCertificates("portcullis-test-ca");
        ca.pkcs12(ca.server(), dir.resolve("server.p12"), "changeit");
        Files.writeString(dir.resolve("server.pw"), "changeit\n");
        String yaml = """
                server: {host: 127.0.0.1, port: 0, data_dir: data}
                environments: [dev]
                upstreams:
                  demo: {command: ["%s", "-cp", "%s", "io.portcullis.demo.DemoServer"], timeout: 20s}
                identity:
                  api_keys: {enabled: true, max_lifetime: 90d}
                  tls:
                    keystore: server.p12
                    keystore_password: {file: server.pw}
                """.formatted(ConnectProcess.JAVA, ConnectProcess.JAR);
        Path config = Files.writeString(dir.resolve("portcullis.yaml"), yaml);
        try (GatewayUnderTest gw = new GatewayUnderTest(yaml, dir)) {
            assertThat(gw.base()).startsWith("https://");
            Path local = dir.resolve("data/admin.local");
            ObjectNode written = (ObjectNode) Json.parse(Files.readString(local));
            assertThat(written.path("url").asString()).startsWith("https://127.0.0.1:");
            assertThat(written.path("cert_sha256").asString()).matches("[0-9a-f]{64}");

            Run key = CredentialsLifecycleIT.cli("keys", "create", "--config", config.toString(), "--role", "ci", "--env", "dev",
                    "--expires", "1d");
            assertThat(key.exit()).as(key.err()).isZero();
            assertThat(key.out()).startsWith("pcl_");

            // another certificate's pin: the handshake fails, nothing is sent, one line, exit 2
            Files.writeString(local, Json.write(written.put("cert_sha256", "00".repeat(32))));
            Files.setPosixFilePermissions(local, PosixFilePermissions.fromString("rw-------"));
            Run wrong = CredentialsLifecycleIT.cli("keys", "list", "--config", config.toString());
            assertThat(wrong.exit()).isEqualTo(2);
            assertThat(wrong.err()).startsWith("portcullis: ").doesNotContain("\tat ");
            assertThat(wrong.out()).doesNotContain("PREFIX");
        }
    }
}
