package io.portcullis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.credentials.GrantStore;
import io.portcullis.credentials.Vault;
import io.portcullis.store.Store;
import io.portcullis.store.StoreConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * #16 item 1: {@code portcullis credentials list|revoke} as docs/operations/credentials.md shows them,
 * here on the store directly (no gateway serves the data directory; through a serving gateway's
 * admin API the same routes answer, see UserOAuthIT). Never a token in the output.
 */
class CredentialsCommandTest {
    static final String TOKEN = "eyJ-access-token-of-alice-0123456789";

    @Test
    void listShowsFingerprintsAndRevokeDeletesTheGrant(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("vault.kek"), java.util.Base64.getEncoder().encodeToString(new byte[32]));
        Path config = Files.writeString(dir.resolve("gateway.yaml"), """
                server: {data_dir: data}
                environments: [dev]
                upstreams:
                  tickets:
                    url: https://tickets.example.com/mcp
                    credentials:
                      mode: user_oauth
                      authorization_endpoint: https://auth.tickets.example.com/authorize
                      token_endpoint: https://auth.tickets.example.com/token
                      client_id: portcullis
                vault:
                  kek: {file: vault.kek}
                """);
        Vault vault = Vault.of(new byte[32], null);
        try (Store store = Store.open(new StoreConfig(null, dir.resolve("data"), 2))) {
            GrantStore grants = GrantStore.open(store);
            GrantStore.Key key = new GrantStore.Key("https://sso.example", "alice", "tickets", "");
            grants.put(key, vault.seal(TOKEN.getBytes(StandardCharsets.UTF_8), "x"), "0123456789ab", Instant.parse("2030-01-01T00:00:00Z"),
                    Instant.now());
        }
        PolicyCommandTest.Run list = PolicyCommandTest.run("credentials", "list", "--config", config.toString());
        assertThat(list.code()).as(list.err()).isZero();
        assertThat(list.out()).contains("alice", "https://sso.example", "tickets", "0123456789ab", vault.currentKek())
                .doesNotContain(TOKEN);
        PolicyCommandTest.Run revoke = PolicyCommandTest.run("credentials", "revoke", "--config", config.toString(), "--user", "alice",
                "--upstream", "tickets");
        assertThat(revoke.code()).as(revoke.err()).isZero();
        assertThat(revoke.out()).contains("revoked 1 grant(s) of alice to tickets");
        assertThat(PolicyCommandTest.run("credentials", "list", "--config", config.toString(), "--user", "alice").out())
                .contains("no grants");
    }
}
