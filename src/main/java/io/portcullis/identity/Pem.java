package io.portcullis.identity;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * PEM and PKCS12 files as the JDK's key material: CA bundles for trust, a certificate plus an
 * unencrypted PKCS#8 key for a client identity, PKCS12 key stores.
 */
public final class Pem {
    private static final Pattern KEY = Pattern.compile("-----BEGIN PRIVATE KEY-----([^-]+)-----END PRIVATE KEY-----");

    private Pem() {}

    /** Every certificate in a PEM (or DER) file. */
    public static List<X509Certificate> certificates(Path file) throws IOException, GeneralSecurityException {
        try (InputStream in = Files.newInputStream(file)) {
            List<X509Certificate> out = new ArrayList<>();
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                out.add((X509Certificate) c);
            }
            if (out.isEmpty()) {
                throw new GeneralSecurityException(file + " holds no certificate");
            }
            return out;
        }
    }

    /** An unencrypted PKCS#8 private key ({@code BEGIN PRIVATE KEY}), RSA, EC or Ed25519. */
    public static PrivateKey privateKey(Path file) throws IOException, GeneralSecurityException {
        Matcher m = KEY.matcher(Files.readString(file, StandardCharsets.US_ASCII));
        if (!m.find()) {
            throw new GeneralSecurityException(file + " holds no unencrypted PKCS#8 key (-----BEGIN PRIVATE KEY-----); "
                    + "convert with: openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pk8");
        }
        byte[] der = Base64.getMimeDecoder().decode(m.group(1));
        for (String alg : List.of("RSA", "EC", "Ed25519")) {
            try {
                return KeyFactory.getInstance(alg).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                // try the next algorithm
            }
        }
        throw new GeneralSecurityException(file + " holds a key of an unsupported algorithm");
    }

    /** A trust store holding the certificates of a PEM bundle. */
    public static KeyStore trustStore(Path pemBundle) throws IOException, GeneralSecurityException {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        int i = 0;
        for (X509Certificate c : certificates(pemBundle)) {
            ks.setCertificateEntry("ca-" + i++, c);
        }
        return ks;
    }

    /** A key store holding one client identity (certificate chain + key), under the alias {@code client}. */
    public static KeyStore identity(Path certificateChain, Path key, char[] password) throws IOException, GeneralSecurityException {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("client", privateKey(key), password, certificates(certificateChain).toArray(Certificate[]::new));
        return ks;
    }

    /** A PKCS12 (or JKS) key store file. */
    public static KeyStore load(Path file, String type, char[] password) throws IOException, GeneralSecurityException {
        KeyStore ks = KeyStore.getInstance(type);
        try (InputStream in = Files.newInputStream(file)) {
            ks.load(in, password);
        }
        return ks;
    }
}
