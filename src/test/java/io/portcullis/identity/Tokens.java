package io.portcullis.identity;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Forged and damaged tokens, each built from the claims of a genuine one so that only one thing is wrong. */
final class Tokens {
    private Tokens() {}

    static JWTClaimsSet claims(String token) throws Exception {
        return SignedJWT.parse(token).getJWTClaimsSet();
    }

    /** The same claims, unsigned ({@code alg: none}). */
    static String algNone(String genuine) throws Exception {
        return new PlainJWT(claims(genuine)).serialize();
    }

    /** The classic key-confusion forgery: HS256 with the issuer's RSA public key as the HMAC secret. */
    static String hs256WithPublicKey(String genuine, RSAKey issuerPublic) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(issuerPublic.getKeyID()).build(), claims(genuine));
        jwt.sign(new MACSigner(issuerPublic.toRSAPublicKey().getEncoded()));
        return jwt.serialize();
    }

    /** Signed correctly, but with a key the issuer never published. */
    static String unknownKid(String genuine) throws Exception {
        RSAKey key = new RSAKeyGenerator(2048).keyID("unknown-kid").generate();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(), claims(genuine));
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }

    /** Claims signed RS256 with a key the issuer does publish (for claims the IdP would never issue). */
    static String signed(RSAKey key, JWTClaimsSet claims) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(), claims);
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }

    /** The payload edited (another subject), the original signature kept. */
    static String tamperedPayload(String genuine) throws Exception {
        String[] parts = genuine.split("\\.");
        Map<String, Object> json = claims(genuine).toJSONObject();
        json.put("sub", "mallory");
        String payload = Base64URL.encode(JWTClaimsSet.parse(json).toString().getBytes(StandardCharsets.UTF_8)).toString();
        return parts[0] + "." + payload + "." + parts[2];
    }

    /** The signature's bytes changed, header and payload intact. */
    static String tamperedSignature(String genuine) {
        String[] parts = genuine.split("\\.");
        byte[] sig = new Base64URL(parts[2]).decode();
        sig[sig.length / 2] ^= 0x5a;
        return parts[0] + "." + parts[1] + "." + Base64URL.encode(sig);
    }
}
