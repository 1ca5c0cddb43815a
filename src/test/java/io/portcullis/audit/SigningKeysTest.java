package io.portcullis.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** C4.2: checkpoint keys: PKCS#8 PEM files, the public key derived and exported. */
class SigningKeysTest {
    @TempDir
    Path dir;

    @Test
    void aGeneratedKeyReadsBackWithTheSamePublicKey() throws Exception {
        var pair = SigningKeys.generate(dir.resolve("k.pem"));
        assertThat(Files.readString(dir.resolve("k.pem"))).startsWith("-----BEGIN PRIVATE KEY-----");
        var read = SigningKeys.read(dir.resolve("k.pem"));
        assertThat(read.getPublic().getEncoded()).isEqualTo(pair.getPublic().getEncoded());
        byte[] data = "checkpoint".getBytes(StandardCharsets.UTF_8);
        assertThat(SigningKeys.verify(pair.getPublic(), data, SigningKeys.sign(read.getPrivate(), data))).isTrue();
        assertThat(SigningKeys.verify(pair.getPublic(), "other".getBytes(StandardCharsets.UTF_8), SigningKeys.sign(read.getPrivate(), data))).isFalse();
        Files.writeString(dir.resolve("k.pub.pem"), SigningKeys.publicPem(read.getPublic()));
        assertThat(SigningKeys.fingerprint(SigningKeys.readPublic(dir.resolve("k.pub.pem")))).isEqualTo(SigningKeys.fingerprint(pair.getPublic()));
    }

    @Test
    void keysAreNeverOverwrittenAndGarbageIsRefused() throws Exception {
        SigningKeys.generate(dir.resolve("k.pem"));
        assertThatThrownBy(() -> SigningKeys.generate(dir.resolve("k.pem"))).isInstanceOf(FileAlreadyExistsException.class);
        Files.writeString(dir.resolve("bad.pem"), "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");
        assertThatThrownBy(() -> SigningKeys.read(dir.resolve("bad.pem"))).hasMessageContaining("not an Ed25519 private key");
    }
}
