package io.portcullis.conversation;

import io.portcullis.call.CallContext;
import io.portcullis.identity.Principal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Which conversation a call belongs to (#13 item 4), defined so that it cannot be shed. Not the MCP
 * session id: a client that opens a new session (or speaks the stateless 2026-07-28 protocol,
 * which has none) would start clean. The key is the principal (kind, issuer, subject) and its
 * authenticated client id, which a caller cannot change without another credential; within the
 * window, every session and every stateless call of the same principal and client is one
 * conversation. With {@code key: principal+request} the client's user-request id
 * ({@code _meta io.portcullis/userRequest}) or trace id is added when present: conversations are then
 * as narrow as the client says, which a client that invents ids can use to shed its history
 * (documented in docs/chains.md as the price of that setting).
 */
public final class ConversationKey {
    private ConversationKey() {}

    public static String of(CallContext call, ConversationConfig config) {
        Principal p = call.principal();
        String key = p == null ? "nobody" : String.join("\u001f", p.kind().name(), nz(p.issuer()), nz(p.subject()), nz(p.clientId()));
        if (config.byRequest()) {
            String request = requestId(call);
            if (request != null) {
                key += "\u001fr:" + request;
            }
        }
        return key;
    }

    /** The user-request id from {@code _meta}, else the trace id of the traceparent, else null. */
    static String requestId(CallContext call) {
        ObjectNode meta = call.meta();
        JsonNode ur = meta == null ? null : meta.get("io.portcullis/userRequest");
        if (ur != null && ur.isObject() && ur.get("id") != null && ur.get("id").isString()) {
            return ur.get("id").asString();
        }
        if (ur != null && ur.isString()) {
            return ur.asString();
        }
        String tp = meta != null && meta.get("traceparent") != null && meta.get("traceparent").isString()
                ? meta.get("traceparent").asString() : call.origin().traceparent();
        if (tp != null) {
            String[] parts = tp.strip().split("-");
            if (parts.length == 4 && parts[1].matches("[0-9a-f]{32}") && !parts[1].matches("0+")) {
                return "t:" + parts[1];
            }
        }
        return null;
    }

    /** The key as stored: its SHA-256, so the store holds no subject. */
    static String hash(String key) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}
