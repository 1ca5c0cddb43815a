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
}
