package io.portcullis.credentials;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * #16 item 2: envelope encryption of per-user tokens, with the JDK's AES-GCM (docs/dependencies.md
 * says why not Tink). The construction, per record:
 * <ol>
 *   <li>a fresh 256-bit data key (DEK) from {@link SecureRandom};</li>
 *   <li>{@code sealed = nonce(12) || AES-256-GCM(DEK, nonce, plaintext, aad = record)}, tag 128 bits;</li>
 *   <li>{@code wrapped = nonce(12) || AES-256-GCM(KEK, nonce, DEK, aad = "portcullis-dek/v1|" + kekId + "|" + record)};</li>
 *   <li>stored: {@code kekId}, {@code wrapped}, {@code sealed}; never the DEK or the plaintext.</li>
 * </ol>
 * {@code record} names the row (issuer, subject, upstream, scope), so a sealed value moved to another
 * user's row does not open. {@code kekId} is the first 16 hex digits of SHA-256 over a label and the
 * KEK: it says which KEK wrapped a record without revealing it. Nonces are random; one DEK seals one
 * value, so the 2^32 random-nonce limit per key is never approached.
 */
public final class Vault {
    /** A value sealed under a KEK. */
    public record Sealed(String kekId, byte[] wrapped, byte[] sealed) {}

    /** Why a value could not be sealed or opened: one line, never key material. */
    public static final class VaultException extends Exception {
        VaultException(String message) {
            super(message, null, false, false);
        }
    }

    private static final SecureRandom RANDOM = new SecureRandom();
    private final String currentId;
    private final Map<String, SecretKeySpec> keks; // current first

    private Vault(String currentId, Map<String, SecretKeySpec> keks) {
        this.currentId = currentId;
        this.keks = keks;
    }

    /**
     * A vault over raw KEKs: {@code current} wraps, {@code previous} (or null) only unwraps.
     *
     * @throws VaultException when a key is not 32 bytes
     */
    public static Vault of(byte[] current, byte[] previous) throws VaultException {
        Map<String, SecretKeySpec> keks = new LinkedHashMap<>();
        String id = kekId(check(current, "the KEK"));
        keks.put(id, new SecretKeySpec(current, "AES"));
        if (previous != null) {
            keks.putIfAbsent(kekId(check(previous, "the previous KEK")), new SecretKeySpec(previous, "AES"));
        }
        return new Vault(id, keks);
    }

    /** The vault of a config's {@code vault:} section, its keys read now; null when none is configured. */
    public static Vault open(VaultConfig config) throws VaultException {
        if (config == null || !config.configured()) {
            return null;
        }
        return of(decode(config.kek(), "vault.kek"), config.previous() == null ? null : decode(config.previous(), "vault.previous_kek"));
    }

    private static byte[] decode(io.portcullis.settings.UpstreamConfig.HeaderSource s, String what) throws VaultException {
        try {
            return Base64.getDecoder().decode(s.resolve().trim());
        } catch (IllegalStateException e) {
            throw new VaultException(what + " cannot be read: " + e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new VaultException(what + " is not base64 (32 random bytes: openssl rand -base64 32)");
        }
    }

    private static byte[] check(byte[] key, String what) throws VaultException {
        if (key == null || key.length != 32) {
            throw new VaultException(what + " must be 32 bytes (base64 of 32 random bytes: openssl rand -base64 32); got "
                    + (key == null ? 0 : key.length));
        }
        return key;
    }

    /** The id of the KEK that wraps new records. */
    public String currentKek() {
        return currentId;
    }

    /** Whether this vault can unwrap a record wrapped by {@code kekId}. */
    public boolean knows(String kekId) {
        return keks.containsKey(kekId);
    }

    public Sealed seal(byte[] plaintext, String record) throws VaultException {
        byte[] dek = new byte[32];
        RANDOM.nextBytes(dek);
        try {
            byte[] sealed = gcm(Cipher.ENCRYPT_MODE, new SecretKeySpec(dek, "AES"), null, plaintext, record.getBytes(StandardCharsets.UTF_8));
            return new Sealed(currentId, wrap(dek, currentId, record), sealed);
        } finally {
            java.util.Arrays.fill(dek, (byte) 0);
        }
    }

    public byte[] open(Sealed s, String record) throws VaultException {
        byte[] dek = unwrap(s, record);
        try {
            return gcm(Cipher.DECRYPT_MODE, new SecretKeySpec(dek, "AES"), s.sealed(), null, record.getBytes(StandardCharsets.UTF_8));
        } finally {
            java.util.Arrays.fill(dek, (byte) 0);
        }
    }

    /** The same record with its data key wrapped by the current KEK (the sealed value is untouched). */
    public Sealed rewrap(Sealed s, String record) throws VaultException {
        if (s.kekId().equals(currentId)) {
            return s;
        }
        byte[] dek = unwrap(s, record);
        try {
            return new Sealed(currentId, wrap(dek, currentId, record), s.sealed());
        } finally {
            java.util.Arrays.fill(dek, (byte) 0);
        }
    }

    private byte[] wrap(byte[] dek, String kekId, String record) throws VaultException {
        return gcm(Cipher.ENCRYPT_MODE, keks.get(kekId), null, dek, dekAad(kekId, record));
    }

    private byte[] unwrap(Sealed s, String record) throws VaultException {
        SecretKeySpec kek = keks.get(s.kekId());
        if (kek == null) {
            throw new VaultException("the record is wrapped by KEK " + s.kekId() + ", which is neither vault.kek nor vault.previous_kek");
        }
        return gcm(Cipher.DECRYPT_MODE, kek, s.wrapped(), null, dekAad(s.kekId(), record));
    }

    private static byte[] dekAad(String kekId, String record) {
        return ("portcullis-dek/v1|" + kekId + "|" + record).getBytes(StandardCharsets.UTF_8);
    }

    /** Encrypts {@code plain} (nonce || ciphertext+tag) or decrypts {@code box}. */
    private static byte[] gcm(int mode, SecretKeySpec key, byte[] box, byte[] plain, byte[] aad) throws VaultException {
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            if (mode == Cipher.ENCRYPT_MODE) {
                byte[] nonce = new byte[12];
                RANDOM.nextBytes(nonce);
                c.init(mode, key, new GCMParameterSpec(128, nonce));
                c.updateAAD(aad);
                byte[] ct = c.doFinal(plain);
                byte[] out = new byte[12 + ct.length];
                System.arraycopy(nonce, 0, out, 0, 12);
                System.arraycopy(ct, 0, out, 12, ct.length);
                return out;
            }
            if (box == null || box.length < 12 + 16) {
                throw new VaultException("a vault record is truncated");
            }
            c.init(mode, key, new GCMParameterSpec(128, box, 0, 12));
            c.updateAAD(aad);
            return c.doFinal(box, 12, box.length - 12);
        } catch (GeneralSecurityException e) {
            throw new VaultException("a vault record does not open (wrong key, or altered): " + e.getClass().getSimpleName());
        }
    }

    static String kekId(byte[] kek) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            d.update("portcullis-kek-id/v1|".getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d.digest(kek)).substring(0, 16);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
