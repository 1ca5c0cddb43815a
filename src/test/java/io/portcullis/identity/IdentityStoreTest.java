package io.portcullis.identity;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.store.Store;
import io.portcullis.store.StoreConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdentityStoreTest {
    @TempDir
    Path dir;

    Store open() {
        return Store.open(new StoreConfig(null, dir, 4));
    }

    @Test
    void keysAreStoredOnlyAsHashesAndRevocationsSurviveARestart() throws Exception {
        String secret;
        String prefix;
        try (Store store = open()) {
            IdentityStore ids = IdentityStore.open(store);
            var created = ids.createKey(null, "ci", List.of("dev", "prod"), Instant.now().plus(Duration.ofDays(3)), "admin");
            secret = created.secret();
            prefix = created.key().prefix();
            assertThat(secret).startsWith("pcl_" + prefix + "_");
            assertThat(created.key().name()).isEqualTo("apikey-" + prefix);
            ids.revokeJti("jti-1", "admin", "leaked");
            ids.revokeSubject("mallory", null, "admin", "left");
            ids.close();
        }
        try (Store store = open()) {
            IdentityStore ids = IdentityStore.open(store);
            assertThat(ids.verifyKey(secret)).isNotNull().satisfies(k -> assertThat(k.environments()).containsExactly("dev", "prod"));
            assertThat(ids.verifyKey("pcl_" + prefix + "_wrong")).isNull();
            assertThat(ids.jtiRevoked("jti-1")).isTrue();
            assertThat(ids.jtiRevoked("jti-2")).isFalse();
            assertThat(ids.subjectRevokedAt("any-issuer", "mallory")).isNotNull();
            assertThat(ids.revocations()).extracting(IdentityStore.Revocation::kind).containsExactlyInAnyOrder("jti", "subject");
            ids.close();
        }
        byte[] db = Files.readAllBytes(dir.resolve("portcullis.db"));
        assertThat(new String(db, java.nio.charset.StandardCharsets.ISO_8859_1)).doesNotContain(secret.substring(13));
    }

    @Test
    void aSubjectRevocationForOneIssuerLeavesOtherIssuersAlone() {
        try (Store store = open()) {
            IdentityStore ids = IdentityStore.open(store);
            ids.revokeSubject("alice", "https://sso.example.com", "admin", null);
            assertThat(ids.subjectRevokedAt("https://sso.example.com", "alice")).isNotNull();
            assertThat(ids.subjectRevokedAt("https://other.example.com", "alice")).isNull();
            ids.close();
        }
    }

    @Test
    void writesOfAnotherProcessArePickedUpByTheRefresh() throws Exception {
        try (Store gatewaySide = open(); Store cliSide = open()) {
            IdentityStore gateway = IdentityStore.open(gatewaySide);
            IdentityStore cli = IdentityStore.open(cliSide);
            gateway.startRefresh(Duration.ofMillis(100));
            cli.revokeJti("from-the-cli", "operator", null);
            io.portcullis.testing.Eventually.eventually(Duration.ofSeconds(10),
                    () -> assertThat(gateway.jtiRevoked("from-the-cli")).isTrue());
            gateway.close();
            cli.close();
        }
    }

    /** A key created by another process (the CLI beside a running gateway) works at once, not after the next poll. */
    @Test
    void aKeyCreatedByAnotherProcessIsAcceptedOnItsFirstUse() {
        try (Store gatewaySide = open(); Store cliSide = open()) {
            IdentityStore gateway = IdentityStore.open(gatewaySide);
            IdentityStore cli = IdentityStore.open(cliSide);
            gateway.startRefresh(Duration.ofHours(1)); // the poll will not help within this test
            var created = cli.createKey(null, "ci", List.of("dev"), Instant.now().plus(Duration.ofDays(1)), "operator");
            assertThat(gateway.verifyKey(created.secret())).isNotNull();
            // a made-up key is still unknown, and looking it up again right away does not read the store again
            assertThat(gateway.verifyKey("pcl_abcdefgh_" + "x".repeat(43))).isNull();
            gateway.close();
            cli.close();
        }
    }
}
