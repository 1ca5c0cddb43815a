package io.portcullis.ingress;

import io.portcullis.call.GatewayException;
import io.portcullis.protocol.ErrorCodes;
import io.portcullis.protocol.Json;
import io.portcullis.protocol.Message;
import io.portcullis.protocol.ProtocolVersion;
import java.util.UUID;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * #16 item 1 (C1.2), {@code user_oauth}: a caller without a grant is asked to connect their account by
 * URL-mode elicitation where their client supports it. The 2025-11-25 spec (elicitation, "URL Elicitation
 * Required Error"): a request that cannot be processed until an elicitation is completed may be answered
 * with JSON-RPC error -32042 whose {@code data.elicitations} lists the URL-mode elicitations
 * ({@code mode: "url"}, {@code elicitationId}, {@code url}, {@code message}); the client shows the URL to the
 * user, who consents out of band, and the client retries. That is the answer for a call that cannot proceed,
 * rather than an {@code elicitation/create} request sent during the call, whose completion the call would
 * have to wait for (the consent takes a browser and minutes). docs/operations/credentials.md says so.
 *
 * <p>Only for a session that negotiated 2025-11-25 or later and whose client declared
 * {@code capabilities.elicitation.url}; every other client keeps the {@code isError} text with the link
 * ({@code Responses}). The link is the caller's alone: it is in this answer only, never in a log line or an
 * audit record (those keep {@link GatewayException#getMessage()}, which names the route, not the ticket).
 */
final class ConsentElicitation {
    private ConsentElicitation() {}

    /** Whether {@code e} asks the caller to open a link and {@code session}'s client can take it as a URL-mode elicitation. */
    static boolean applies(ClientSession session, GatewayException e) {
        return e instanceof GatewayException.Refused r && r.consentUrl() != null
                && session.version().compareTo(ProtocolVersion.V2025_11_25) >= 0
                && declaresUrlMode(session.clientCapabilities());
    }

    static boolean declaresUrlMode(ObjectNode capabilities) {
        return capabilities != null && capabilities.get("elicitation") instanceof ObjectNode e && e.get("url") instanceof ObjectNode;
    }

    /** The -32042 error carrying the one URL-mode elicitation; {@code data.control} names the refusing control. */
    static ObjectNode error(JsonNode id, GatewayException.Refused r) {
        ObjectNode data = Json.object().put("control", r.control());
        data.putArray("elicitations").addObject()
                .put("mode", "url")
                .put("elicitationId", UUID.randomUUID().toString())
                .put("url", r.consentUrl())
                .put("message", r.consentText() != null ? r.consentText() : r.callerText());
        return Message.error(id, ErrorCodes.URL_ELICITATION_REQUIRED,
                "Refused by Portcullis (" + r.control() + "): connect your account first (URL elicitation required)", data);
    }
}
