package io.portcullis.cli;

import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * #21 item 13: TLS to the local gateway, trusting exactly the certificate whose SHA-256 the gateway
 * wrote in its {@code admin.local} file. The CLI connects to a loopback address that the
 * certificate need not name, so the name is not checked; the pin is stricter than any CA.
 */
final class Pinned extends X509ExtendedTrustManager {
    private final byte[] sha256;

    private Pinned(String hex) {
        this.sha256 = HexFormat.of().parseHex(hex);
    }

    static SSLContext context(String hex) {
        try {
            SSLContext c = SSLContext.getInstance("TLS");
            c.init(null, new javax.net.ssl.TrustManager[] {new Pinned(hex)}, null);
            return c;
        } catch (GeneralSecurityException e) {
            throw new CliFailure("cannot set up TLS to the local gateway: " + e.getMessage());
        }
    }

    private void check(X509Certificate[] chain) throws CertificateException {
        if (chain == null || chain.length == 0) {
            throw new CertificateException("no certificate");
        }
        try {
            if (!MessageDigest.isEqual(sha256, MessageDigest.getInstance("SHA-256").digest(chain[0].getEncoded()))) {
                throw new CertificateException("the gateway's certificate is not the one its admin.local names");
            }
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new CertificateException(e);
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        check(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        check(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        check(chain);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        throw new CertificateException("a client only");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        throw new CertificateException("a client only");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("a client only");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
    }
}
