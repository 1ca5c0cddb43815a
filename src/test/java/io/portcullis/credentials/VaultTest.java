package io.portcullis.credentials;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** #16 item 2: the envelope construction of {@link Vault}. */
class VaultTest {
    static byte[] key(int seed) {
        byte[] k = new byte[32];
        java.util.Arrays.fill(k, (byte) seed);
        return k;
    }

    @Test
    void sealsOpensAndBindsTheRecord() throws Exception {
        Vault v = Vault.of(key(1), null);
        byte[] plain = "token-abc".getBytes(StandardCharsets.UTF_8);
        Vault.Sealed s = v.seal(plain, "row-1");
        assertThat(new String(s.sealed(), StandardCharsets.ISO_8859_1)).doesNotContain("token-abc");
        assertThat(v.open(s, "row-1")).isEqualTo(plain);
        assertThatThrownBy(() -> v.open(s, "row-2")).isInstanceOf(Vault.VaultException.class).hasMessageContaining("does not open");
        assertThat(v.seal(plain, "row-1").wrapped()).as("a fresh data key and nonce per record").isNotEqualTo(s.wrapped());
    }

    @Test
    void rotationRewrapsTheDataKeyOnly() throws Exception {
        Vault old = Vault.of(key(1), null);
        Vault.Sealed s = old.seal("t".getBytes(StandardCharsets.UTF_8), "r");
        Vault both = Vault.of(key(2), key(1));
        assertThat(both.open(s, "r")).isEqualTo("t".getBytes(StandardCharsets.UTF_8));
        Vault.Sealed re = both.rewrap(s, "r");
        assertThat(re.kekId()).isEqualTo(both.currentKek()).isNotEqualTo(s.kekId());
        assertThat(re.sealed()).isEqualTo(s.sealed());
        assertThat(Vault.of(key(2), null).open(re, "r")).isEqualTo("t".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> Vault.of(key(3), null).open(re, "r")).hasMessageContaining("neither");
        assertThatThrownBy(() -> Vault.of(new byte[16], null)).hasMessageContaining("32 bytes");
    }
}
