package io.portcullis.cluster;

import io.portcullis.protocol.Json;
import java.time.Instant;
import tools.jackson.databind.node.ObjectNode;

/**
 * One gateway node as the store knows it (#19 item 2).
 *
 * @param state         {@code up} (a heartbeat within {@link Nodes#STALE}), {@code unresponsive} (none since:
 *                      killed, hung or cut off from the store) or {@code stopped} (it stopped cleanly)
 * @param configDiffers whether this node, up, runs a config whose hash differs from the other live nodes'
 *                      (the most common hash among them; on a tie every node of the tie is flagged)
 */
public record Node(String id, String version, String configHash, String address, Instant started, Instant lastSeen,
                   Instant stopped, String state, boolean configDiffers) {

    public ObjectNode toJson() {
        return Json.object().put("id", id).put("version", version).put("config_hash", configHash).put("address", address)
                .put("started", started.toString()).put("last_seen", lastSeen.toString())
                .put("stopped", stopped == null ? null : stopped.toString()).put("state", state)
                .put("config_differs", configDiffers);
    }

    public static Node fromJson(tools.jackson.databind.JsonNode n) {
        return new Node(n.path("id").asString(), n.path("version").asString(), n.path("config_hash").asString(),
                n.path("address").asString(), Instant.parse(n.path("started").asString()), Instant.parse(n.path("last_seen").asString()),
                n.path("stopped").isString() ? Instant.parse(n.path("stopped").asString()) : null, n.path("state").asString(),
                n.path("config_differs").asBoolean());
    }
}
