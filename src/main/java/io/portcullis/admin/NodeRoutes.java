package io.portcullis.admin;

import io.portcullis.Gateway;
import io.portcullis.cluster.Nodes;
import io.portcullis.protocol.Json;
import java.io.IOException;
import java.sql.SQLException;
import java.time.Instant;
import org.eclipse.jetty.server.Response;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * #19 item 2: {@code GET /admin/api/nodes} (admin roles): every gateway node registered in the
 * shared store, as {@code {"nodes": [{id, version, config_hash, address, started, last_seen, stopped,
 * state, config_differs}], "config_differs": bool}}; what {@code portcullis nodes} reads when a gateway
 * serves the data directory. 503 when the store does not answer (no partial list).
 */
final class NodeRoutes {
    private NodeRoutes() {}

    static void list(Gateway gateway, Response res) throws IOException {
        try {
            ObjectNode out = Json.object();
            ArrayNode nodes = out.putArray("nodes");
            boolean differs = false;
            for (var n : new Nodes(gateway.store()).list(Instant.now())) {
                nodes.add(n.toJson());
                differs |= n.configDiffers();
            }
            out.put("config_differs", differs);
            AdminApi.reply(res, 200, out);
        } catch (SQLException | RuntimeException e) {
            AdminApi.reply(res, 503, AdminApi.error("the nodes could not be read: the store did not answer: "
                    + gateway.store().describe(e)));
        }
    }
}
