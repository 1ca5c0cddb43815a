package io.portcullis.call;

import java.util.Map;

/**
 * #16 item 1 (C1.2): the credential a call is sent upstream with, and on whose behalf. The
 * {@code credentials} stage puts it on the trail; the upstream call sends {@link #headers()}; the
 * audit record and the call log show everything but the credential itself (the token never
 * prints: not in {@link #toString()}, not in {@link #describe()}).
 *
 * @param mode          {@code token_exchange}, {@code service} or {@code none}
 * @param upstream      the upstream it is for
 * @param principal     the caller's subject (on whose behalf)
 * @param tokenSubject  the exchanged token's {@code sub}, or null (not a JWT, or service/none)
 * @param tokenAudience the exchanged token's {@code aud} (comma-separated), or null
 * @param actor         the exchanged token's {@code act.sub} (the party acting for the subject: the gateway), or null
 * @param tokenId       the sent token's {@code jti}, or null
 * @param tokenHash     the first 12 hex digits of the sent token's SHA-256, or null when none is sent
 * @param authorization the {@code Authorization} header value to send, or null
 */
public record Delegation(String mode, String upstream, String principal, String tokenSubject, String tokenAudience,
                         String actor, String tokenId, String tokenHash, String authorization) {

    /** The headers the upstream request carries for this call (none for mode {@code none}). */
    public Map<String, String> headers() {
        return authorization == null ? Map.of() : Map.of("Authorization", authorization);
    }

    /** One line for logs and notes: every fact, never the token. */
    public String describe() {
        StringBuilder b = new StringBuilder("credentials=").append(mode).append(" upstream=").append(upstream)
                .append(" for=").append(principal);
        append(b, "sub", tokenSubject);
        append(b, "aud", tokenAudience);
        append(b, "act", actor);
        append(b, "jti", tokenId);
        append(b, "sha256", tokenHash);
        return b.toString();
    }

    private static void append(StringBuilder b, String k, String v) {
        if (v != null) {
            b.append(' ').append(k).append('=').append(v);
        }
    }

    @Override
    public String toString() {
        return "Delegation[" + describe() + "]";
    }
}
