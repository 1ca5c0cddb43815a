package io.portcullis.identity;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.store.Store;
import io.portcullis.store.StoreConfig;
import io.portcullis.testing.PgSchema;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The identity tables on the shared store (PostgreSQL, several nodes): same behaviour as on SQLite. */
class IdentityStorePostgresIT {
    @RegisterExtension
    final PgSchema pg = new PgSchema("identity_it_");

    @TempDir
    Path dir;

    Store node() {
        return Store.open(new StoreConfig(pg.url(), dir, 2));
    }

    @Test
    void keysAndRevocationsAreSharedByNodesAndSurviveRestarts() throws Exception {
        String secret;
        try (Store a = node(); Store b = node()) {
            IdentityStore nodeA = IdentityStore.open(a);
            IdentityStore nodeB = IdentityStore.open(b);
            nodeB.startRefresh(Duration.ofMillis(100));
            secret = nodeA.createKey("batch", "batch", List.of("prod"), Instant.now().plus(Duration.ofDays(1)), "test").secret();
            nodeA.revokeJti("jti-pg", "test", null);
            nodeA.revokeSubject("mallory", null, "test", null);
            nodeA.revokeSubject("mallory", null, "test", "again: the instant moves forward");
            String key = secret;
            io.portcullis.testing.Eventually.eventually(Duration.ofSeconds(10), "node B refreshed from node A's writes",
                    () -> nodeB.verifyKey(key) != null && nodeB.jtiRevoked("jti-pg"));
            assertThat(nodeB.verifyKey(secret)).isNotNull();
            assertThat(nodeB.jtiRevoked("jti-pg")).isTrue();
            assertThat(nodeB.subjectRevokedAt("x", "mallory")).isNotNull();
            nodeA.close();
            nodeB.close();
        }
        try (Store restarted = node()) {
            IdentityStore ids = IdentityStore.open(restarted);
            assertThat(ids.verifyKey(secret)).isNotNull();
            assertThat(ids.revocations()).hasSize(2);
            assertThat(ids.revokeKey(ids.verifyKey(secret).prefix(), "test")).isTrue();
            assertThat(ids.verifyKey(secret).revoked()).isNotNull();
            ids.close();
        }
    }
}
