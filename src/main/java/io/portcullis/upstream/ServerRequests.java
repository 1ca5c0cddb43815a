package io.portcullis.upstream;

import io.portcullis.settings.UpstreamRoots;
import io.portcullis.call.GatewayException;
import io.portcullis.call.Relay;
import io.portcullis.protocol.ErrorCodes;
import io.portcullis.protocol.Json;
import io.portcullis.protocol.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import java.net.URI;
import java.nio.file.Path;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The gateway's answer to a request an upstream sends it (server-to-client: ping, sampling,
 * elicitation, roots). {@code roots/list} is answered by the gateway itself, from config, never
 * relayed (#11 item 1: the connection is shared, and a client's roots would re-point the upstream
 * for every session). Sampling and elicitation are relayed to the client whose call they belong
 * to; without such a call, a clear refusal, never a guess at a client.
 */
final class ServerRequests {
    private static final Logger LOG = LoggerFactory.getLogger(Upstream.class);

    private ServerRequests() {}

    /**
     * @param relay the client call the request belongs to, or null when there is none (or no single one)
     * @return the JSON-RPC response to send back to the upstream
     */
    static ObjectNode answer(String upstream, Message msg, Relay relay, UpstreamRoots roots) {
        if ("ping".equals(msg.method())) {
            return Message.result(msg.id(), Json.object());
        }
        if ("roots/list".equals(msg.method())) {
            return Message.result(msg.id(), Json.object().set("roots", rootsList(roots)));
        }
        if (relay == null) {
            LOG.info("upstream {}: {} refused: no single client call it can belong to", upstream, msg.method());
            return Message.error(msg.id(), ErrorCodes.INVALID_REQUEST, "portcullis: "
                    + msg.method() + " is relayed only while calls of exactly one client are in flight", null);
        }
        try {
            ObjectNode answer = relay.request(msg.method(), msg.params()).deepCopy();
            answer.set("id", msg.id());
            return answer;
        } catch (GatewayException e) {
            return Message.error(msg.id(), ErrorCodes.INTERNAL_ERROR, e.getMessage(), null);
        }
    }

    /** The {@code roots} array of a {@code roots/list} result: each configured directory as a file URI. */
    static ArrayNode rootsList(UpstreamRoots roots) {
        ArrayNode out = Json.array();
        for (URI uri : roots.uris()) {
            out.addObject().put("uri", uri.toString()).put("name", Path.of(uri).getFileName() == null ? "/" : Path.of(uri).getFileName().toString());
        }
        return out;
    }
}
