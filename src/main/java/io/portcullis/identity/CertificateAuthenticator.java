package io.portcullis.identity;

import io.portcullis.identity.IdentityConfig.CertificateField;
import io.portcullis.identity.IdentityConfig.CertificateRule;
import java.security.cert.CertificateException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import javax.security.auth.x500.X500Principal;

/**
 * Client certificates of mutual TLS (C1.4). The TLS layer has already verified the chain against
 * the configured client CA; this maps the leaf to a principal by the first rule whose field (subject
 * DN, SPIFFE ID, URI/DNS/e-mail SAN) matches. A certificate no rule maps is refused. A bearer token
 * on the same request takes precedence: the certificate is then not looked at.
 */
final class CertificateAuthenticator implements Authenticator {
    private final List<CertificateRule> rules;
    private final IdentityStore store;
    private final Clock clock;

    CertificateAuthenticator(List<CertificateRule> rules, IdentityStore store, Clock clock) {
        this.rules = List.copyOf(rules);
        this.store = store;
        this.clock = clock;
    }

    @Override
    public Principal authenticate(Credentials in, String environment) throws AuthException {
        if (in.bearer() != null || in.otherScheme() != null || !in.hasCertificate()) {
            throw new AuthException.NotMine("");
        }
        X509Certificate leaf = in.leaf();
        Instant now = clock.instant();
        try {
            leaf.checkValidity(java.util.Date.from(now));
        } catch (CertificateException e) {
            throw AuthException.invalid("the client certificate is not valid now");
        }
        String dn = leaf.getSubjectX500Principal().getName(X500Principal.RFC2253);
        for (CertificateRule r : rules) {
            String matched = match(r, leaf);
            if (matched == null) {
                continue;
            }
            String subject = r.subject() != null ? r.subject() : matched;
            String issuer = leaf.getIssuerX500Principal().getName(X500Principal.RFC2253);
            Instant cut = store.subjectRevokedAt(issuer, subject);
            if (cut != null && !leaf.getNotBefore().toInstant().isAfter(cut)) {
                throw AuthException.invalid("credentials of " + subject + " issued before " + cut + " were revoked");
            }
            String serial = leaf.getSerialNumber().toString(16);
            if (store.jtiRevoked(serial)) {
                throw AuthException.invalid("the client certificate " + serial + " was revoked");
            }
            List<String> emails = values(leaf, CertificateField.SAN_EMAIL);
            return new Principal(subject, r.kind(), r.displayName(), r.roles(), null, environment, "mtls", serial,
                    leaf.getNotAfter().toInstant(), issuer, emails.isEmpty() ? null : emails.getFirst(), List.of());
        }
        throw AuthException.invalid("the client certificate " + dn + " is not mapped to a principal (identity.tls.clients)");
    }

    /** The certificate value that satisfies the rule, or null. */
    static String match(CertificateRule r, X509Certificate cert) {
        String want = r.field() == CertificateField.SUBJECT_DN && !r.value().endsWith("*") ? normalizeDn(r.value()) : r.value();
        for (String have : values(cert, r.field())) {
            boolean hit = want.endsWith("*") ? have.startsWith(want.substring(0, want.length() - 1)) : have.equals(want);
            if (hit) {
                return have;
            }
        }
        return null;
    }

    static List<String> values(X509Certificate cert, CertificateField field) {
        List<String> out = new ArrayList<>();
        if (field == CertificateField.SUBJECT_DN) {
            out.add(cert.getSubjectX500Principal().getName(X500Principal.RFC2253));
            return out;
        }
        int type = switch (field) {
            case SAN_EMAIL -> 1;
            case SAN_DNS -> 2;
            default -> 6;
        };
        Collection<List<?>> sans;
        try {
            sans = cert.getSubjectAlternativeNames();
        } catch (CertificateParsingException e) {
            return out;
        }
        if (sans == null) {
            return out;
        }
        for (List<?> san : sans) {
            if (san.size() >= 2 && san.get(0) instanceof Integer t && t == type && san.get(1) instanceof String v) {
                if (field != CertificateField.SPIFFE_ID || v.toLowerCase(Locale.ROOT).startsWith("spiffe://")) {
                    out.add(v);
                }
            }
        }
        return out;
    }

    private static String normalizeDn(String dn) {
        try {
            return new X500Principal(dn).getName(X500Principal.RFC2253);
        } catch (IllegalArgumentException e) {
            return dn;
        }
    }
}
