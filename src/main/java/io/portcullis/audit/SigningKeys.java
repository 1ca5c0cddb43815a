package io.portcullis.audit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.EdECPrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Ed25519 keys for signing checkpoints (C4.2), with the JDK's own provider: a private key in a
 * PKCS#8 PEM file ({@code -----BEGIN PRIVATE KEY-----}), public keys as X.509 PEM
 * ({@code -----BEGIN PUBLIC KEY-----}). A key is named by its fingerprint: SHA-256 of the public
 * key's X.509 encoding, in hex.
 */
public final class SigningKeys {
    private static final Pattern PEM = Pattern.compile("-----BEGIN ([A-Z ]+)-----([^-]*)-----END \\1-----");

    private SigningKeys() {}

    /**
     * Creates a new key pair and writes the private key to {@code file} (owner-only permissions
     * where the file system has them).
     *
     * @throws IOException when the file exists already (keys are never overwritten) or cannot be written
     */
    public static KeyPair generate(Path file) throws IOException {
        KeyPair pair;
        try {
            pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no Ed25519", e);
        }
        if (file.toAbsolutePath().getParent() != null) {
            Files.createDirectories(file.toAbsolutePath().getParent());
        }
        if (Files.exists(file)) {
            throw new FileAlreadyExistsException(file.toString(), null, "a key file is never overwritten");
        }
        Files.writeString(file, pem("PRIVATE KEY", pair.getPrivate().getEncoded()), StandardCharsets.US_ASCII,
                StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: the directory's permissions protect the key
        }
        return pair;
    }

    /**
     * Reads a PKCS#8 PEM Ed25519 private key and derives its public key.
     *
     * @throws IOException when the file is missing, not PEM, or not an Ed25519 private key
     */
    public static KeyPair read(Path file) throws IOException {
        byte[] der = block(Files.readString(file, StandardCharsets.US_ASCII), "PRIVATE KEY", file);
        try {
            PrivateKey priv = KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(der));
            return new KeyPair(publicOf(priv), priv);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IOException(file + " is not an Ed25519 private key (PKCS#8 PEM): " + e.getMessage(), e);
        }
    }

    /** Reads an X.509 PEM Ed25519 public key. */
    public static PublicKey readPublic(Path file) throws IOException {
        byte[] der = block(Files.readString(file, StandardCharsets.US_ASCII), "PUBLIC KEY", file);
        try {
            return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(der));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IOException(file + " is not an Ed25519 public key (X.509 PEM): " + e.getMessage(), e);
        }
    }

    /** The public key as X.509 PEM, for {@code portcullis audit pubkey}. */
    public static String publicPem(PublicKey key) {
        return pem("PUBLIC KEY", key.getEncoded());
    }

    public static String fingerprint(PublicKey key) {
        return Canonical.sha256(key.getEncoded());
    }

    static byte[] sign(PrivateKey key, byte[] data) {
        try {
            Signature s = Signature.getInstance("Ed25519");
            s.initSign(key);
            s.update(data);
            return s.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign with the audit key: " + e.getMessage(), e);
        }
    }

    static boolean verify(PublicKey key, byte[] data, byte[] signature) {
        try {
            Signature s = Signature.getInstance("Ed25519");
            s.initVerify(key);
            s.update(data);
            return s.verify(signature);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }

    /**
     * The JDK has no call that derives an Ed25519 public key from a private one, but its key
     * generator takes the private key's 32 bytes from the random source it is given: feeding it
     * exactly those bytes yields the matching public key (RFC 8032 5.1.5).
     */
    private static PublicKey publicOf(PrivateKey priv) throws GeneralSecurityException {
        byte[] seed = ((EdECPrivateKey) priv).getBytes().orElseThrow(() -> new GeneralSecurityException("the private key hides its bytes"));
        KeyPairGenerator g = KeyPairGenerator.getInstance("Ed25519");
        g.initialize(255, new SecureRandom() {
            @Override
            public void nextBytes(byte[] bytes) {
                System.arraycopy(seed, 0, bytes, 0, Math.min(seed.length, bytes.length));
            }
        });
        KeyPair derived = g.generateKeyPair();
        byte[] probe = "portcullis key check".getBytes(StandardCharsets.US_ASCII);
        if (!verify(derived.getPublic(), probe, sign(priv, probe))) {
            throw new GeneralSecurityException("could not derive the public key");
        }
        Arrays.fill(seed, (byte) 0);
        return derived.getPublic();
    }

    private static byte[] block(String text, String type, Path file) throws IOException {
        Matcher m = PEM.matcher(text);
        while (m.find()) {
            if (m.group(1).equals(type)) {
                try {
                    return Base64.getMimeDecoder().decode(m.group(2).trim());
                } catch (IllegalArgumentException e) {
                    throw new IOException(file + ": the " + type + " block is not valid base64", e);
                }
            }
        }
        throw new IOException(file + " has no -----BEGIN " + type + "----- block");
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
