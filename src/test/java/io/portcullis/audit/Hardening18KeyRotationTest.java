package io.portcullis.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.audit.AuditFixture.Kind;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * #11 item 18: changing the audit signing key. Following the README (keygen, then point
 * {@code signing_key} at the new file) made verify report every earlier checkpoint as forged.
 * With {@link KeyRotation} the handover is a checkpoint in the chain, signed by the new key and
 * vouched for by the old one: verify, trusting only the new key from config, accepts what the old
 * key signed before the rotation and nothing the old key signs after it.
 */
class Hardening18KeyRotationTest {
    @TempDir
    Path dir;
    AuditFixture f;

    @AfterEach
    void close() throws Exception {
        if (f != null) {
            f.close();
        }
    }

    static AuditConfig withKey(AuditConfig c, Path key) {
        return new AuditConfig(key, false, List.of(), "test-node", c.dataDir(), 1_000_000, Duration.ofHours(1), c.maskFields(),
                c.maxValueChars(), Map.of(), c.defaultRetention(), c.pruneInterval(), c.writeTimeout(), c.adminTokenEnv(),
                c.adminTokenFile());
    }

    private Verifier.Report verifyWith(Path key) throws Exception {
        return new Verifier(f.store, AuditLog.trustedKeys(withKey(f.config, key))).run();
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void item18_rotatingTheKeyKeepsEarlierCheckpointsTrusted(Kind kind) throws Exception {
        Path oldKey = dir.resolve("old.key");
        SigningKeys.generate(oldKey);
        f = new AuditFixture(kind, dir, c -> withKey(c, oldKey));
        f.calls("dev", 5);
        f.log.checkpoint();
        f.calls("dev", 5);
        f.log.checkpoint();
        f.log.close();
        f.log = null;

        // the README's old advice: a new key, nothing else. Verify then calls the old checkpoints forged.
        Path naive = dir.resolve("naive.key");
        SigningKeys.generate(naive);
        assertThat(verifyWith(naive).checkpointProblems()).isNotEmpty()
                .allSatisfy(p -> assertThat(p.message()).contains("unknown key"));

        // rotate: the handover goes into the chain
        Path newKey = dir.resolve("new.key");
        KeyPair[] pair = KeyRotation.keys(oldKey, newKey);
        long rotation = KeyRotation.rotate(f.store, withKey(f.config, oldKey), pair[0], pair[1]);
        assertThat(rotation).isEqualTo(3);

        f.log = AuditLog.open(f.store, withKey(f.config, newKey));
        f.calls("dev", 5);
        f.log.checkpoint();
        Verifier.Report r = verifyWith(newKey);
        assertThat(r.problems()).isEmpty();
        assertThat(r.checkpoints()).isEqualTo(4);
        assertThat(r.chains()).singleElement().satisfies(c -> assertThat(c.signedThrough()).isEqualTo(15));
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void item18_theRetiredKeyIsNotTrustedAfterTheRotation(Kind kind) throws Exception {
        Path oldKey = dir.resolve("old.key");
        SigningKeys.generate(oldKey);
        f = new AuditFixture(kind, dir, c -> withKey(c, oldKey));
        f.calls("dev", 3);
        f.log.checkpoint();
        f.log.close();
        f.log = null;
        Path newKey = dir.resolve("new.key");
        KeyPair[] pair = KeyRotation.keys(oldKey, newKey);
        KeyRotation.rotate(f.store, withKey(f.config, oldKey), pair[0], pair[1]);

        // whoever still holds the retired key signs a checkpoint after the rotation: not accepted
        f.log = AuditLog.open(f.store, withKey(f.config, oldKey));
        f.calls("dev", 2);
        f.log.checkpoint();
        Verifier.Report r = verifyWith(newKey);
        assertThat(r.checkpointProblems()).singleElement().satisfies(p -> {
            assertThat(p.seq()).isEqualTo(3);
            assertThat(p.message()).contains("unknown key");
        });
    }
}
