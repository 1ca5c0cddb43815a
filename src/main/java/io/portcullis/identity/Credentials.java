package io.portcullis.identity;

import java.security.cert.X509Certificate;
import java.util.List;

/**
 * What a caller presented, as the transport extracted it: nothing else about the request reaches
 * the authenticators.
 *
 * @param bearer       the token of an {@code Authorization: Bearer} header, or null
 * @param otherScheme  the scheme of a non-Bearer {@code Authorization} header (e.g. {@code Basic}), or null;
 *                     it is refused, never ignored
 * @param certificates the client certificate chain from the TLS handshake (already verified against
 *                     the configured client CA by the TLS layer), leaf first; empty without one
 */
public record Credentials(String bearer, String otherScheme, List<X509Certificate> certificates) {

    public static final Credentials NONE = new Credentials(null, null, List.of());

    public Credentials {
        certificates = certificates == null ? List.of() : List.copyOf(certificates);
        if (bearer != null && bearer.isBlank()) {
            bearer = null;
        }
    }

    /** Parses an {@code Authorization} header value (may be null) and a certificate chain (may be null). */
    public static Credentials of(String authorization, X509Certificate[] chain) {
        List<X509Certificate> certs = chain == null ? List.of() : List.of(chain);
        if (authorization == null || authorization.isBlank()) {
            return new Credentials(null, null, certs);
        }
        String a = authorization.strip();
        int space = a.indexOf(' ');
        String scheme = space < 0 ? a : a.substring(0, space);
        if (scheme.equalsIgnoreCase("Bearer") && space > 0) {
            return new Credentials(a.substring(space + 1).strip(), null, certs);
        }
        return new Credentials(null, scheme, certs);
    }

    public boolean hasCertificate() {
        return !certificates.isEmpty();
    }

    public X509Certificate leaf() {
        return certificates.isEmpty() ? null : certificates.getFirst();
    }

    @Override
    public String toString() {
        // Never print the token: credentials end up in exception messages and logs.
        return "Credentials[bearer=" + (bearer == null ? "none" : "<" + bearer.length() + " chars>")
                + ", scheme=" + otherScheme + ", certificates=" + certificates.size() + "]";
    }
}
