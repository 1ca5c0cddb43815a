package io.portcullis.audit;

import io.portcullis.protocol.Json;
import io.portcullis.store.Store;
import io.portcullis.store.StoreException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.sql.SQLException;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * Rotating a node's checkpoint signing key without orphaning what the old key signed (#11 item
 * 18). {@code portcullis audit rotate-key} writes a rotation checkpoint into the node's checkpoint
 * sequence: signed by the NEW key, it carries the old public key ({@code retired_key}) and the old
 * key's signature over the handover ({@code retired_key_signature}: "this node now signs with the
 * new key"). Verify, trusting the new key from config, then trusts the old key for that node's
 * checkpoints numbered below the rotation, and only those: the trust is recorded in the signed
 * chain itself, not in a list an operator must keep. Rotations chain: a key retired by a trusted
 * rotation can vouch for the key it retired in turn.
 */
public final class KeyRotation {
    private KeyRotation() {}

    /** A key a rotation retired: trusted for checkpoints of {@code node} numbered below {@code beforeSeq}. */
    record Retired(String node, long beforeSeq, PublicKey key) {}

    static String handover(String node, String newKeyId) {
        return "portcullis-audit-key-rotation:" + node + ":" + newKeyId;
    }

    /**
     * Writes the rotation checkpoint: the node's next checkpoint over every chain's head, signed by
     * {@code next}, naming {@code current} as retired. Set {@code audit.signing_key} to the new key
     * file afterwards.
     *
     * @throws StoreException when the store cannot be written
     */
    public static long rotate(Store store, AuditConfig config, KeyPair current, KeyPair next) {
        String node = AuditLog.nodeId(config);
        String newId = SigningKeys.fingerprint(next.getPublic());
        String retiredSig = Base64.getEncoder().encodeToString(
                SigningKeys.sign(current.getPrivate(), handover(node, newId).getBytes(StandardCharsets.UTF_8)));
        try {
            return store.inTransaction(c -> {
                store.beginWrite(c);
                Checkpoints.Last last = Checkpoints.last(c, node);
                Checkpoints.Last written = new Checkpoints(node, next).write(c, last, Map.of(
                        "retired_key", Base64.getEncoder().encodeToString(current.getPublic().getEncoded()),
                        "retired_key_signature", retiredSig));
                return written.seq();
            });
        } catch (SQLException e) {
            throw new StoreException("cannot write the rotation checkpoint: " + e.getMessage(), e);
        }
    }

    /** Reads the current and creates the next key, for the command. */
    public static KeyPair[] keys(Path currentFile, Path nextFile) throws IOException {
        return new KeyPair[] {SigningKeys.read(currentFile), SigningKeys.generate(nextFile)};
    }

    /**
     * The keys retired by rotation checkpoints that a trusted key signed (repeated until nothing
     * new is learnt, so that rotations chain), by fingerprint.
     */
    static Map<String, Retired> retired(List<Checkpoints.Row> rows, Map<String, PublicKey> trusted) {
        Map<String, Retired> out = new HashMap<>();
        boolean learnt = true;
        while (learnt) {
            learnt = false;
            for (Checkpoints.Row r : rows) {
                if (!r.body().contains("\"retired_key\"")) {
                    continue;
                }
                PublicKey signer = key(r.keyId(), r.node(), r.seq(), trusted, out);
                if (signer == null || !signatureOk(signer, r)) {
                    continue;
                }
                JsonNode body;
                try {
                    body = Json.parse(r.body());
                } catch (RuntimeException e) {
                    continue;
                }
                PublicKey old = decode(body.path("retired_key").asString(""));
                if (old == null) {
                    continue;
                }
                String oldId = SigningKeys.fingerprint(old);
                byte[] handoverSig;
                try {
                    handoverSig = Base64.getDecoder().decode(body.path("retired_key_signature").asString(""));
                } catch (IllegalArgumentException e) {
                    continue;
                }
                boolean consented = SigningKeys.verify(old, handover(r.node(), r.keyId()).getBytes(StandardCharsets.UTF_8), handoverSig);
                Retired known = out.get(oldId);
                if (consented && !trusted.containsKey(oldId) && (known == null || known.beforeSeq() < r.seq())) {
                    out.put(oldId, new Retired(r.node(), r.seq(), old));
                    learnt = true;
                }
            }
        }
        return out;
    }

    /** The key that may have signed checkpoint {@code seq} of {@code node} under this id, or null. */
    static PublicKey key(String keyId, String node, long seq, Map<String, PublicKey> trusted, Map<String, Retired> retired) {
        PublicKey k = trusted.get(keyId);
        if (k != null) {
            return k;
        }
        Retired r = retired.get(keyId);
        return r != null && r.node().equals(node) && seq < r.beforeSeq() ? r.key() : null;
    }

    private static boolean signatureOk(PublicKey key, Checkpoints.Row r) {
        try {
            return Canonical.sha256(r.body()).equals(r.hash())
                    && SigningKeys.verify(key, r.body().getBytes(StandardCharsets.UTF_8), Base64.getDecoder().decode(r.signature()));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static PublicKey decode(String b64) {
        try {
            return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(b64)));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return null;
        }
    }
}
