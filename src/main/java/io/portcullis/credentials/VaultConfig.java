package io.portcullis.credentials;

import io.portcullis.settings.UpstreamConfig.HeaderSource;

/**
 * #16 item 2: where the vault's key-encryption keys (KEK) come from ({@code vault:} in the config).
 * Each holds 32 random bytes in base64 ({@code openssl rand -base64 32}), read from an environment
 * variable or a file, never from the config text.
 *
 * @param kek      the current KEK: every record is (re-)wrapped with it
 * @param previous the KEK being rotated out, or null: records still wrapped with it stay readable and
 *                 are re-wrapped with {@code kek} when the gateway starts or applies the config
 */
public record VaultConfig(HeaderSource kek, HeaderSource previous) {
    /** No {@code vault:} section: no per-user tokens can be stored ({@code user_oauth} is refused by the config reader). */
    public static final VaultConfig NONE = new VaultConfig(null, null);

    public boolean configured() {
        return kek != null;
    }
}
