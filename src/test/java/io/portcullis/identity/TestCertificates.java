package io.portcullis.identity;

import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** A throw-away CA that issues server and client certificates for the TLS tests (BouncyCastle, test scope only). */
final class TestCertificates {
    record Issued(X509Certificate certificate, KeyPair keys) {}

    private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());
    final Issued ca;

    TestCertificates(String caName) throws Exception {
        KeyPair kp = keys();
        X500Name name = dn("CN=" + caName + ",O=Portcullis Tests");
        var b = new JcaX509v3CertificateBuilder(name, serial(), new Date(System.currentTimeMillis() - 60_000),
                new Date(System.currentTimeMillis() + 86_400_000L), name, kp.getPublic());
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        ca = new Issued(sign(b, kp), kp);
    }

    /** A certificate for {@code subjectDn} with the given subject alternative names, signed by this CA. */
    Issued issue(String subjectDn, GeneralName... sans) throws Exception {
        KeyPair kp = keys();
        var b = new JcaX509v3CertificateBuilder(ca.certificate(), serial(), new Date(System.currentTimeMillis() - 60_000),
                new Date(System.currentTimeMillis() + 86_400_000L), dn(subjectDn), kp.getPublic());
        if (sans.length > 0) {
            b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(sans));
        }
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        return new Issued(sign(b, ca.keys()), kp);
    }

    Issued server() throws Exception {
        return issue("CN=localhost", new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
                new GeneralName(GeneralName.dNSName, "localhost"));
    }

    static GeneralName uri(String uri) {
        return new GeneralName(GeneralName.uniformResourceIdentifier, uri);
    }

    static GeneralName email(String address) {
        return new GeneralName(GeneralName.rfc822Name, address);
    }

    /** Writes a PKCS12 key store with the certificate (and this CA) under alias {@code key}. */
    void pkcs12(Issued i, Path file, String password) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("key", i.keys().getPrivate(), password.toCharArray(), new Certificate[] {i.certificate(), ca.certificate()});
        try (OutputStream out = Files.newOutputStream(file)) {
            ks.store(out, password.toCharArray());
        }
    }

    static void pem(X509Certificate cert, Path file) throws Exception {
        Files.writeString(file, "-----BEGIN CERTIFICATE-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(cert.getEncoded()) + "\n-----END CERTIFICATE-----\n");
    }

    static void pemKey(KeyPair kp, Path file) throws Exception {
        Files.writeString(file, "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(kp.getPrivate().getEncoded()) + "\n-----END PRIVATE KEY-----\n");
    }

    /** A DN as RFC 2253 reads it (most significant RDN last in the text), encoded the way the JDK and openssl do. */
    private static X500Name dn(String rfc2253) {
        return X500Name.getInstance(new javax.security.auth.x500.X500Principal(rfc2253).getEncoded());
    }

    private static KeyPair keys() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(256);
        return g.generateKeyPair();
    }

    private static BigInteger serial() {
        return BigInteger.valueOf(SERIAL.incrementAndGet());
    }

    private static X509Certificate sign(JcaX509v3CertificateBuilder b, KeyPair signer) throws Exception {
        return new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer.getPrivate())));
    }
}
