package io.portcullis.connect;

import io.portcullis.identity.Pem;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** The TLS client side of {@code connect}: whom to trust, and the client certificate to present (mutual TLS, C1.4). */
public final class ClientTls {
    private ClientTls() {}

    /**
     * @param ca       PEM bundle to trust for the gateway's certificate, or null for the JDK's trust store
     * @param cert     the client certificate chain (PEM), or null for no client certificate
     * @param key      its unencrypted PKCS#8 key (PEM); with {@code cert}
     * @param keystore a PKCS12 file holding the client identity instead of {@code cert}/{@code key}, or null
     * @param password the PKCS12 password (may be empty)
     * @throws IOException naming the file that cannot be used
     */
    public static SSLContext context(Path ca, Path cert, Path key, Path keystore, char[] password) throws IOException {
        try {
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ca == null ? null : Pem.trustStore(ca));
            KeyManagerFactory kmf = null;
            KeyStore identity = null;
            char[] pw = password == null ? new char[0] : password;
            if (keystore != null) {
                identity = Pem.load(keystore, "PKCS12", pw);
            } else if (cert != null) {
                identity = Pem.identity(cert, key, pw);
            }
            if (identity != null) {
                kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(identity, pw);
            }
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IOException("TLS setup failed (" + (keystore != null ? keystore : cert) + ", " + ca + "): " + e.getMessage(), e);
        }
    }
}
