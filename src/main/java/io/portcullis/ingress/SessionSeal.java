package io.portcullis.ingress;

import io.portcullis.identity.Principal;
import io.portcullis.protocol.Json;
import io.portcullis.protocol.ProtocolVersion;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * #19 item 1: legacy session ids that carry their session, sealed. An id is
 * {@code pcs1.<key id>.<nonce ‖ AES-256-GCM ciphertext>} (base64url), the plaintext being what
 * a node needs to continue the session: the environment, the negotiated version, the client's
 * capabilities and info, and the caller it is bound to (issuer, subject, kind), with when it was
 * opened. The key is derived from the {@link ClusterKey}: any node of the cluster opens any
 * node's id, a client can neither read nor alter one (the GCM tag), and an id sealed by another
 * cluster's key is named as such (the key id, 8 bytes of an HMAC of the key, is in the clear).
 * The id says who may use it; the node still checks the caller ({@link LegacyRequests#session}).
 */
final class SessionSeal {
    static final String PREFIX = "pcs1.";
    private static final byte[] AAD = "io.portcullis/session/v1".getBytes(StandardCharsets.UTF_8);
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();
    private static final int NONCE = 12;
    /** Longer ids are not ours (and the HTTP header must stay well under the usual 8 KB limits). */
    static final int MAX_ID = 6000;
    /** Client capabilities or info larger than this (as JSON) are cut to what the gateway reads. */
    private static final int MAX_PART = 2000;

    private final SecureRandom random = new SecureRandom();
    private final SecretKeySpec key;
    private final String keyId;

    SessionSeal(ClusterKey cluster) {
        this.key = new SecretKeySpec(cluster.derive("io.portcullis/session-seal/v1"), "AES");
        this.keyId = B64.encodeToString(Arrays.copyOf(cluster.derive("io.portcullis/session-seal/key-id/v1"), 8));
    }

    /** What a sealed id carries. */
    record Sealed(String environment, ProtocolVersion version, ObjectNode capabilities, ObjectNode clientInfo,
                  String issuer, String subject, Principal.Kind kind, Instant created) {

        /** Whether {@code caller} is the caller this session was opened by (as {@link Principal#sameCaller} decides). */
        boolean boundTo(Principal caller) {
            return subject.equals(caller.subject()) && kind == caller.kind()
                    && java.util.Objects.equals(issuer, caller.issuer());
        }
    }

    /** Why an id does not open: not of our form, sealed by another cluster's key, or altered/forged. */
    enum Refusal {
        MALFORMED("it is not a session id this gateway issues"),
        OTHER_CLUSTER("it was issued by another Portcullis cluster (a different cluster key)"),
        FORGED("it does not authenticate (forged or altered)");

        final String why;

        Refusal(String why) {
            this.why = why;
        }
    }

    /** Either the session an id carries or why it does not open. */
    record Opened(Sealed sealed, Refusal refusal) {}

    /** Whether {@code id} has the form of a sealed id (it may still not open). */
    static boolean claims(String id) {
        return id != null && id.startsWith(PREFIX);
    }

    /** A new id for a session opened now by {@code principal}. */
    String seal(String environment, ProtocolVersion version, ObjectNode capabilities, ObjectNode clientInfo, Principal principal) {
        ObjectNode p = Json.object();
        p.put("e", environment).put("v", version.id());
        p.set("c", bounded(capabilities, false));
        p.set("i", bounded(clientInfo, true));
        if (principal.issuer() != null) {
            p.put("iss", principal.issuer());
        }
        p.put("sub", principal.subject()).put("k", principal.kind().name()).put("t", Instant.now().toEpochMilli());
        byte[] plain = Json.write(p).getBytes(StandardCharsets.UTF_8);
        byte[] nonce = new byte[NONCE];
        random.nextBytes(nonce);
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, nonce));
            c.updateAAD(AAD);
            c.updateAAD(keyId.getBytes(StandardCharsets.US_ASCII));
            byte[] ct = c.doFinal(plain);
            return PREFIX + keyId + "." + B64.encodeToString(ByteBuffer.allocate(NONCE + ct.length).put(nonce).put(ct).array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES/GCM is missing from this JVM", e);
        }
    }

    /** Opens an id: the session it carries, or why not. Never throws on client input. */
    Opened open(String id) {
        if (!claims(id) || id.length() > MAX_ID) {
            return new Opened(null, Refusal.MALFORMED);
        }
        String rest = id.substring(PREFIX.length());
        int dot = rest.indexOf('.');
        if (dot <= 0 || dot != rest.lastIndexOf('.')) {
            return new Opened(null, Refusal.MALFORMED);
        }
        String kid = rest.substring(0, dot);
        byte[] body;
        try {
            body = B64D.decode(rest.substring(dot + 1));
        } catch (IllegalArgumentException e) {
            return new Opened(null, Refusal.MALFORMED);
        }
        if (body.length < NONCE + 16) {
            return new Opened(null, Refusal.MALFORMED);
        }
        if (!kid.equals(keyId)) {
            return new Opened(null, Refusal.OTHER_CLUSTER);
        }
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, body, 0, NONCE));
            c.updateAAD(AAD);
            c.updateAAD(kid.getBytes(StandardCharsets.US_ASCII));
            byte[] plain = c.doFinal(body, NONCE, body.length - NONCE);
            return new Opened(read(Json.parse(new String(plain, StandardCharsets.UTF_8))), null);
        } catch (AEADBadTagException e) {
            return new Opened(null, Refusal.FORGED);
        } catch (GeneralSecurityException | RuntimeException e) {
            // authenticated but unreadable: only a node of another version could have sealed it
            return new Opened(null, Refusal.MALFORMED);
        }
    }

    private static Sealed read(JsonNode p) {
        ProtocolVersion v = ProtocolVersion.of(p.path("v").asString("")).orElseThrow();
        return new Sealed(p.path("e").asString(), v,
                p.get("c") instanceof ObjectNode c ? c : Json.object(),
                p.get("i") instanceof ObjectNode i ? i : Json.object(),
                p.has("iss") ? p.path("iss").asString() : null, p.path("sub").asString(),
                Principal.Kind.valueOf(p.path("k").asString()), Instant.ofEpochMilli(p.path("t").asLong()));
    }

    /** The object, or (when larger than {@link #MAX_PART} as JSON) only what the gateway reads of it. */
    private static ObjectNode bounded(ObjectNode o, boolean info) {
        if (o == null) {
            return Json.object();
        }
        if (Json.write(o).length() <= MAX_PART) {
            return o;
        }
        ObjectNode cut = Json.object();
        if (info) {
            for (String f : new String[] {"name", "title", "version"}) {
                if (o.path(f).isString()) {
                    String s = o.path(f).asString();
                    cut.put(f, s.length() > 200 ? s.substring(0, 200) : s);
                }
            }
            return cut;
        }
        // capabilities: which ones the client declared (sampling, elicitation, roots, tasks ...), without their details
        o.propertyNames().forEach(n -> {
            if (n.length() <= 100 && o.get(n).isObject()) {
                cut.putObject(n);
            }
        });
        return cut;
    }
}
