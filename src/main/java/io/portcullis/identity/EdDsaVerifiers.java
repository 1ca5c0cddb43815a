package io.portcullis.identity;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.factories.DefaultJWSVerifierFactory;
import com.nimbusds.jose.jca.JCAContext;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.proc.JWSVerifierFactory;
import com.nimbusds.jose.util.Base64URL;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * Verifier factory that checks EdDSA (Ed25519) signatures with the JDK's own implementation, and
 * everything else with Nimbus' defaults. Nimbus' Ed25519 verifier needs Google Tink (plus
 * protobuf) on the class path; the JDK has had Ed25519 since 15.
 */
final class EdDsaVerifiers implements JWSVerifierFactory {
    /** The DER prefix of an X.509 SubjectPublicKeyInfo for an Ed25519 key; the 32 raw key bytes follow. */
    private static final byte[] ED25519_SPKI = HexFormat.of().parseHex("302a300506032b6570032100");

    private final DefaultJWSVerifierFactory fallback = new DefaultJWSVerifierFactory();

    @Override
    public JWSVerifier createJWSVerifier(JWSHeader header, Key key) throws JOSEException {
        if (!JWSAlgorithm.EdDSA.equals(header.getAlgorithm()) && !JWSAlgorithm.Ed25519.equals(header.getAlgorithm())) {
            return fallback.createJWSVerifier(header, key);
        }
        if (!(key instanceof PublicKey pk) || !("EdDSA".equals(pk.getAlgorithm()) || "Ed25519".equals(pk.getAlgorithm()))) {
            throw new JOSEException("an EdDSA signature needs an Ed25519 public key");
        }
        return new JdkEd25519(pk);
    }

    /** The JDK public key of an Ed25519 OKP JWK. */
    static PublicKey publicKey(OctetKeyPair okp) throws JOSEException {
        if (!Curve.Ed25519.equals(okp.getCurve())) {
            throw new JOSEException("only Ed25519 OKP keys are supported");
        }
        byte[] x = okp.getX().decode();
        byte[] der = new byte[ED25519_SPKI.length + x.length];
        System.arraycopy(ED25519_SPKI, 0, der, 0, ED25519_SPKI.length);
        System.arraycopy(x, 0, der, ED25519_SPKI.length, x.length);
        try {
            return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(der));
        } catch (GeneralSecurityException e) {
            throw new JOSEException("bad Ed25519 key: " + e.getMessage(), e);
        }
    }

    @Override
    public JCAContext getJCAContext() {
        return fallback.getJCAContext();
    }

    /** Key selection that also turns Ed25519 OKP keys into JDK keys (Nimbus cannot export them). */
    static final class Selector extends JWSVerificationKeySelector<SecurityContext> {
        Selector(Set<JWSAlgorithm> algorithms, JWKSource<SecurityContext> source) {
            super(algorithms, source);
        }

        @Override
        public List<Key> selectJWSKeys(JWSHeader header, SecurityContext context) throws KeySourceException {
            if (!isAllowed(header.getAlgorithm()) || !(JWSAlgorithm.EdDSA.equals(header.getAlgorithm())
                    || JWSAlgorithm.Ed25519.equals(header.getAlgorithm()))) {
                return super.selectJWSKeys(header, context);
            }
            List<Key> out = new ArrayList<>();
            for (JWK jwk : getJWKSource().get(new JWKSelector(createJWKMatcher(header)), context)) {
                if (jwk instanceof OctetKeyPair okp) {
                    try {
                        out.add(publicKey(okp));
                    } catch (JOSEException e) {
                        // not an Ed25519 key: not a candidate
                    }
                }
            }
            return out;
        }
    }

    @Override
    public Set<JWSAlgorithm> supportedJWSAlgorithms() {
        return fallback.supportedJWSAlgorithms();
    }

    private record JdkEd25519(PublicKey key) implements JWSVerifier {
        @Override
        public boolean verify(JWSHeader header, byte[] signingInput, Base64URL signature) throws JOSEException {
            try {
                Signature s = Signature.getInstance("Ed25519");
                s.initVerify(key);
                s.update(signingInput);
                return s.verify(signature.decode());
            } catch (GeneralSecurityException e) {
                throw new JOSEException("Ed25519 verification failed: " + e.getMessage(), e);
            }
        }

        @Override
        public Set<JWSAlgorithm> supportedJWSAlgorithms() {
            return Set.of(JWSAlgorithm.EdDSA, JWSAlgorithm.Ed25519);
        }

        @Override
        public JCAContext getJCAContext() {
            return new JCAContext();
        }
    }
}
