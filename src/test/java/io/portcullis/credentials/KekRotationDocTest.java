package io.portcullis.credentials;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.it.TestGateway;
import io.portcullis.store.Store;
import io.portcullis.store.StoreConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * #16 item 2 (the vault): docs/operations/credentials.md "Rotating the KEK (no downtime)", step by
 * step as the page writes it: the page's {@code openssl} line makes the keys, the page's
 * {@code vault:} line (paths moved into a temporary directory) is the config a real gateway starts
 * on, and the page's {@code portcullis credentials list} shows every grant under the new KEK.
 * Step 4 (the old KEK removed): the grant is still readable, and a vault with only the old KEK is not.
 */
class KekRotationDocTest {
    static final String TOKEN = "eyJ-access-token-of-alice-kek-rotation";
    static final GrantStore.Key KEY = new GrantStore.Key("https://sso.example", "alice", "tickets", "");
    static final Path DOC = Path.of("docs/operations/credentials.md");

    @Test
    void theRotationStepsOfTheDocsWorkAsWritten(@TempDir Path dir) throws Exception {
        List<String> doc = Files.readAllLines(DOC);
        String openssl = doc.stream().map(String::strip).filter(l -> l.startsWith("openssl rand -base64 32 > /run/secrets/vault-kek-2"))
                .findFirst().orElseThrow();
        String vaultLine = doc.stream().map(String::strip).filter(l -> l.startsWith("# vault: {kek: {file: /run/secrets/vault-kek-2}"))
                .findFirst().orElseThrow().substring(2);
        String list = doc.stream().map(String::strip).filter(l -> l.equals("./portcullis credentials list --config gateway.yaml"))
                .findFirst().orElseThrow();
        String secrets = dir.toString() + "/";
        // the old key, made the same way, and the new one by the page's own line
        sh(openssl.replace("/run/secrets/", secrets).replace("vault-kek-2", "vault-kek-1"), dir);
        sh(openssl.replace("/run/secrets/", secrets), dir);
        byte[] oldKek = Base64.getDecoder().decode(Files.readString(dir.resolve("vault-kek-1")).strip());
        byte[] newKek = Base64.getDecoder().decode(Files.readString(dir.resolve("vault-kek-2")).strip());
        assertThat(oldKek).hasSize(32).isNotEqualTo(newKek);
        Vault before = Vault.of(oldKek, null);
        Vault after = Vault.of(newKek, null);
        try (Store store = Store.open(new StoreConfig(null, dir.resolve("data"), 2))) {
            GrantStore.open(store).put(KEY, before.seal(TOKEN.getBytes(StandardCharsets.UTF_8), KEY.record()), "0123456789ab",
                    Instant.parse("2030-01-01T00:00:00Z"), Instant.now());
        }
        String upstream = """
                server: {host: 127.0.0.1, port: 0, data_dir: %s}
                upstreams:
                  tickets:
                    url: https://tickets.example.com/mcp
                    credentials:
                      mode: user_oauth
                      authorization_endpoint: https://auth.tickets.example.com/authorize
                      token_endpoint: https://auth.tickets.example.com/token
                      client_id: portcullis
                """.formatted(dir.resolve("data"));
        // steps 1 and 2: the new KEK current, the old previous; the gateway applies it and re-wraps
        try (TestGateway gw = TestGateway.start(upstream + vaultLine.replace("/run/secrets/", secrets) + "\n", dir, false)) {
            assertThat(gw.dataDir()).isEqualTo(dir.resolve("data"));
        }
        // step 3: every grant shows the new KEK id
        Path config = Files.writeString(dir.resolve("gateway.yaml"),
                upstream + "vault: {kek: {file: " + dir.resolve("vault-kek-2") + "}}\n");
        String[] args = list.substring("./portcullis ".length()).replace("gateway.yaml", config.toString()).split(" ");
        java.io.PrintStream stdout = System.out;
        var buf = new java.io.ByteArrayOutputStream();
        int code;
        try (var out = new java.io.PrintStream(buf, true, StandardCharsets.UTF_8)) {
            System.setOut(out);
            code = new picocli.CommandLine(new io.portcullis.cli.Main()).execute(args);
        } finally {
            System.setOut(stdout);
        }
        String listed = buf.toString(StandardCharsets.UTF_8);
        assertThat(code).as(listed).isZero();
        assertThat(listed).contains("alice", after.currentKek()).doesNotContain(before.currentKek()).doesNotContain(TOKEN);
        // step 4: previous_kek removed, the old key destroyed: the grant opens under the new KEK alone
        try (Store store = Store.open(new StoreConfig(null, dir.resolve("data"), 2))) {
            GrantStore.Row r = GrantStore.open(store).list(null, null).getFirst();
            assertThat(new String(after.open(r.sealed(), KEY.record()), StandardCharsets.UTF_8)).isEqualTo(TOKEN);
        }
    }

    private static void sh(String line, Path dir) throws Exception {
        Process p = new ProcessBuilder("sh", "-c", line).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(line + ": " + out).isZero();
    }
}
