package io.portcullis.ingress;

import io.portcullis.audit.Canonical;
import io.portcullis.identity.Principal;
import io.portcullis.protocol.Json;
import io.portcullis.protocol.Message;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import tools.jackson.databind.node.ObjectNode;

/**
 * The {@code requestState} of a 2026-07-28 {@code input_required} round: an opaque token the
 * client echoes on its retry. It is {@code portcullis.v1.<id>.<tag>}, where {@code id} is 128 random bits
 * naming the pending call inside the gateway and {@code tag} is an HMAC-SHA256, under a key derived
 * from the {@link ClusterKey} (#19 item 1: every node of a cluster verifies every node's states;
 * random per node without one) and never shown, over the id and the {@link Binding} (the caller,
 * the environment, the method, the tool and a digest of the arguments). A client can neither
 * forge a state nor move one to another caller or another call: the tag would not match.
 */
final class RequestStates {
    /** Marks the gateway's own states: any other requestState is a 2026-07-28 upstream's, passed on to it. */
    static final String PREFIX = "portcullis.v1.";
    private static final String LABEL = "io.portcullis/requestState/v1";
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();
    private final SecureRandom random = new SecureRandom();
    private final SecretKeySpec key;

    RequestStates() {
        this(ClusterKey.current());
    }

    /** #19 item 1: the key is derived from the cluster's key, so every node verifies every node's states. */
    RequestStates(ClusterKey cluster) {
        key = new SecretKeySpec(cluster.derive("io.portcullis/requestState/v1"), "HmacSHA256");
    }

    /**
     * What a state is bound to. {@code paramsDigest} covers the request's params except
     * {@code _meta}, {@code inputResponses} and {@code requestState}, which legitimately change
     * between the legs of one call.
     */
    record Binding(String issuer, String subject, String kind, String environment, String method, String name,
                   String paramsDigest) {

        static Binding of(Principal caller, String environment, Message msg) {
            ObjectNode p = msg.params().deepCopy();
            p.remove("_meta");
            p.remove("inputResponses");
            p.remove("requestState");
            String name = msg.params().path("name").asString(msg.params().path("uri").asString(""));
            return new Binding(caller.issuer() == null ? "" : caller.issuer(), caller.subject(), caller.kind().name(),
                    environment, msg.method(), name, sha256(Canonical.encode(p)));
        }

        /** Whether {@code other} is the same caller (issuer, subject, kind), as {@link Principal#sameCaller} decides. */
        boolean sameCaller(Binding other) {
            return issuer.equals(other.issuer) && subject.equals(other.subject) && kind.equals(other.kind);
        }

        /** A caller key for per-caller limits. */
        String caller() {
            return Json.write(Json.array().add(issuer).add(subject).add(kind));
        }

        private String text() {
            return Json.write(Json.array().add(LABEL).add(issuer).add(subject).add(kind).add(environment).add(method)
                    .add(name).add(paramsDigest));
        }
    }

    /** A state as the client sent it, split: the id it names and the tag it carries. */
    record Parsed(String id, byte[] tag) {}

    /** A fresh random id for a pending call. */
    String newId() {
        byte[] id = new byte[16];
        random.nextBytes(id);
        return B64.encodeToString(id);
    }

    /** The state for the pending call {@code id} bound to {@code binding}. */
    String issue(String id, Binding binding) {
        return PREFIX + id + "." + B64.encodeToString(tag(id, binding));
    }

    /** Whether {@code state} claims to be one of the gateway's own (it may still be forged: {@link #parse} and the tag decide). */
    static boolean claims(String state) {
        return state != null && state.startsWith(PREFIX);
    }

    /** Splits a state; null when it is not one this gateway could have issued. */
    static Parsed parse(String state) {
        if (state == null || !state.startsWith(PREFIX) || state.length() > 200) {
            return null;
        }
        String rest = state.substring(PREFIX.length());
        int dot = rest.indexOf('.');
        if (dot <= 0 || dot != rest.lastIndexOf('.')) {
            return null;
        }
        try {
            byte[] id = B64D.decode(rest.substring(0, dot));
            byte[] tag = B64D.decode(rest.substring(dot + 1));
            return id.length == 16 && tag.length == 32 ? new Parsed(rest.substring(0, dot), tag) : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** Whether {@code parsed} carries the tag this gateway issued for its id and {@code binding} (constant time). */
    boolean verify(Parsed parsed, Binding binding) {
        return MessageDigest.isEqual(parsed.tag(), tag(parsed.id(), binding));
    }

    private byte[] tag(String id, Binding binding) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            mac.update(id.getBytes(StandardCharsets.UTF_8));
            mac.update((byte) '\n');
            return mac.doFinal(binding.text().getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
        }
    }

    static String sha256(String text) {
        try {
            return B64.encodeToString(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
