package io.portcullis.admin;

import io.portcullis.Gateway;
import io.portcullis.settings.UpstreamConfig;
import io.portcullis.protocol.Json;
import io.portcullis.upstream.Upstream;
import java.nio.file.Path;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code GET /admin/api/upstreams}: what an operator checks first when tools go missing or calls
 * fail with control {@code upstream}: each upstream's state, the era and version it speaks, the
 * server it says it is, what it lists, and its last error. Never credentials: for a stdio upstream
 * only the program's file name (its arguments may hold secrets), for an HTTP one the URL without
 * user info or query, and no header values.
 */
final class UpstreamRoutes {
    private UpstreamRoutes() {}

    static ArrayNode list(Gateway gateway) {
        ArrayNode out = Json.array();
        for (Upstream u : gateway.upstreams()) {
            UpstreamConfig c = u.config();
            ObjectNode o = out.addObject().put("name", u.name()).put("transport", c.transport().name().toLowerCase());
            if (c.transport() == UpstreamConfig.Transport.STDIO) {
                o.put("program", c.command().isEmpty() ? null : Path.of(c.command().getFirst()).getFileName().toString());
            } else {
                o.put("url", c.shownUrl());
                o.put("header_names", String.join(", ", c.headers().keySet()));
            }
            o.put("protocol", c.protocol().name().toLowerCase());
            // the truthful state (issue #21 item 10): "ready" only while calls are answered
            o.put("state", u.status());
            o.put("unanswered_calls", u.unansweredCalls());
            o.put("era", u.negotiatedVersion() == null ? null : u.modern() ? "modern" : "legacy");
            o.put("protocol_version", u.negotiatedVersion());
            o.put("server_name", u.serverInfo().path("name").asString(null));
            o.put("server_version", u.serverInfo().path("version").asString(null));
            io.portcullis.catalog.Listing l = u.listing();
            o.put("tools", l.tools().size()).put("prompts", l.prompts().size()).put("resources", l.resources().size());
            o.put("timeout_ms", c.timeout().toMillis());
            o.put("last_error", u.state() == Upstream.State.READY ? null : u.lastError()); // shown without credentials by Upstream
        }
        return out;
    }
}
