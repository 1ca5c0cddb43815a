package io.portcullis.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.audit.AuditFixture.Kind;
import io.portcullis.store.Store;
import io.portcullis.store.StoreConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * C4.2 on the shared store: two gateway nodes append to one PostgreSQL database at the same time,
 * each to its own chain with its own key; each node's checkpoints cover the other's chain, and
 * verify (trusting both public keys) checks everything and finds tampering in either chain.
 */
class MultiNodeTest {
    @TempDir
    Path dir;

    @Test
    void twoNodesShareOnePostgresStoreWithoutCoordinating() throws Exception {
        try (AuditFixture a = new AuditFixture(Kind.POSTGRES, dir.resolve("a"),
                c -> node(c, "gw-a", dir.resolve("a")))) {
            String url = AuditFixture.PG_BASE + "&currentSchema=" + a.schema;
            Path bDir = Files.createDirectories(dir.resolve("b"));
            try (Store storeB = Store.open(new StoreConfig(url, bDir, 4));
                 AuditLog b = AuditLog.open(storeB, node(AuditConfig.defaults(bDir), "gw-b", bDir))) {
                AuditFixture viaB = new AuditFixture(a, b);
                CompletableFuture<Void> fa = CompletableFuture.runAsync(() -> quietly(() -> a.calls("dev", 300)));
                CompletableFuture<Void> fb = CompletableFuture.runAsync(() -> quietly(() -> viaB.calls("dev", 300)));
                CompletableFuture.allOf(fa, fb).join();
                a.log.checkpoint();
                b.checkpoint();

                Map<String, PublicKey> both = Map.of(SigningKeys.fingerprint(a.log.publicKey()), a.log.publicKey(),
                        SigningKeys.fingerprint(b.publicKey()), b.publicKey());
                Verifier.Report r = new Verifier(a.store, both).run();
                assertThat(r.intact()).as(r.problems().toString()).isTrue();
                assertThat(r.chains()).extracting(Verifier.ChainReport::chain).containsExactly("gw-a/dev", "gw-b/dev");
                assertThat(r.chains()).allSatisfy(c -> {
                    assertThat(c.records()).isEqualTo(300);
                    assertThat(c.signedThrough()).isEqualTo(300);
                });
                // node a's checkpoint vouches for node b's chain too
                assertThat(a.one("SELECT body FROM audit_checkpoints WHERE node = 'gw-a' ORDER BY seq DESC LIMIT 1")).contains("gw-b/dev");

                // only a's key trusted: b's checkpoints are reported, not silently accepted
                Verifier.Report onlyA = new Verifier(a.store, Map.of(SigningKeys.fingerprint(a.log.publicKey()), a.log.publicKey())).run();
                assertThat(onlyA.intact()).isFalse();
                assertThat(onlyA.checkpointProblems()).allSatisfy(p -> assertThat(p.message()).contains("unknown key"));

                // a record of b's chain deleted behind everyone's back is found, by name
                a.sql("DELETE FROM audit_records WHERE chain = 'gw-b/dev' AND seq = 150");
                Verifier.Report after = new Verifier(a.store, both).run();
                assertThat(after.problems()).singleElement().satisfies(p -> {
                    assertThat(p.chain()).isEqualTo("gw-b/dev");
                    assertThat(p.kind()).isEqualTo("deleted");
                    assertThat(p.seq()).isEqualTo(150);
                });
            }
        }
    }

    private static AuditConfig node(AuditConfig c, String id, Path data) {
        return new AuditConfig(data.resolve("key.pem"), true, c.trustedKeys(), id, data, 1_000_000, Duration.ofHours(1),
                c.maskFields(), c.maxValueChars(), c.retention(), c.defaultRetention(), c.pruneInterval(), c.writeTimeout(),
                null, null);
    }

    interface Body {
        void run() throws Exception;
    }

    private static void quietly(Body b) {
        try {
            b.run();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
