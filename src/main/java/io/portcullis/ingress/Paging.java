package io.portcullis.ingress;

import io.portcullis.protocol.ErrorCodes;
import io.portcullis.protocol.ProtocolException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** Opaque cursors over an aggregated list: base64url of "v1:" + offset. */
final class Paging {
    private Paging() {}

    static int offset(ObjectNode params) throws ProtocolException {
        JsonNode c = params.get("cursor");
        if (c == null || c.isNull()) {
            return 0;
        }
        try {
            String s = new String(Base64.getUrlDecoder().decode(c.asString()), StandardCharsets.UTF_8);
            if (!s.startsWith("v1:")) {
                throw new IllegalArgumentException();
            }
            int off = Integer.parseInt(s.substring(3));
            if (off < 0) {
                throw new IllegalArgumentException();
            }
            return off;
        } catch (IllegalArgumentException e) {
            throw new ProtocolException(ErrorCodes.INVALID_PARAMS, "invalid cursor");
        }
    }

    static String cursor(int offset) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(("v1:" + offset).getBytes(StandardCharsets.UTF_8));
    }

    /** Puts one page of {@code items} under {@code key} in {@code result}, and {@code nextCursor} when more remain. */
    static void page(ObjectNode result, String key, List<? extends JsonNode> items, int offset, int pageSize) {
        ArrayNode arr = result.putArray(key);
        int end = Math.min(items.size(), offset + pageSize);
        for (int i = offset; i < end; i++) {
            arr.add(items.get(i));
        }
        if (end < items.size()) {
            result.put("nextCursor", cursor(end));
        }
    }
}
