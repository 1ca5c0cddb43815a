package io.portcullis.http;

import io.portcullis.identity.IdentityConfig;
import io.portcullis.identity.Pem;
import java.io.IOException;
import java.security.GeneralSecurityException;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * The TLS side of the listener (C1.4): the server's key store, and, when client certificates are
 * asked for, the CA bundle that must have signed them. A certificate not signed by that CA fails
 * the handshake; a signed one is then mapped to a principal by the identity's certificate rules.
 */
public final class ServerTls {
    private ServerTls() {}

    /** @throws IllegalStateException naming the file when the key material cannot be loaded */
    public static SslContextFactory.Server contextFactory(IdentityConfig.TlsConfig tls) {
        SslContextFactory.Server ssl = new SslContextFactory.Server();
        try {
            char[] pw = tls.keystorePassword().value().toCharArray();
            ssl.setKeyStore(Pem.load(tls.keystore(), tls.keystoreType(), pw));
            ssl.setKeyStorePassword(new String(pw));
            if (tls.clientAuth() != IdentityConfig.ClientAuth.NONE) {
                ssl.setTrustStore(Pem.trustStore(tls.clientCa()));
                ssl.setNeedClientAuth(tls.clientAuth() == IdentityConfig.ClientAuth.REQUIRED);
                ssl.setWantClientAuth(tls.clientAuth() == IdentityConfig.ClientAuth.OPTIONAL);
            }
        } catch (IOException | GeneralSecurityException | IllegalStateException e) {
            throw new IllegalStateException("identity.tls: cannot load the key material (" + tls.keystore() + ", "
                    + tls.clientCa() + "): " + e.getMessage(), e);
        }
        return ssl;
    }

    /**
     * The SHA-256 of the server's certificate (hex), for the local CLI to pin (#21 item 13: it reaches
     * this gateway at a loopback address its certificate need not name), or null when there is none.
     */
    public static String fingerprint(SslContextFactory.Server ssl) {
        try {
            java.security.KeyStore ks = ssl.getKeyStore();
            for (String alias : java.util.Collections.list(ks.aliases())) {
                if (ks.isKeyEntry(alias) && ks.getCertificate(alias) != null) {
                    return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                            .digest(ks.getCertificate(alias).getEncoded()));
                }
            }
        } catch (GeneralSecurityException | RuntimeException e) {
            // no pin: the CLI then cannot reach this gateway over TLS and says so
        }
        return null;
    }
}
