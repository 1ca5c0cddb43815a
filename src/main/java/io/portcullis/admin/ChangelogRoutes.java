package io.portcullis.admin;

import io.portcullis.Gateway;
import io.portcullis.audit.AuditQuery;
import io.portcullis.changelog.Changelog;
import io.portcullis.protocol.Json;
import java.io.IOException;
import java.sql.SQLException;
import java.time.Instant;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import tools.jackson.databind.node.ArrayNode;

/**
 * #15 item 6 (C7.3): {@code GET /admin/api/changelog[?since=INSTANT][&tool=NAME]} (admin roles): the
 * changelog ({@link Changelog}) oldest first, as {@code {"sources": [...], "entries": [...]}}; what
 * {@code portcullis changelog} reads when a gateway serves the data directory. 400 for a {@code since}
 * that is neither an ISO-8601 instant nor an age ({@code 2h}); 503 when a source cannot be read (no partial changelog).
 */
final class ChangelogRoutes {
    private ChangelogRoutes() {}

    static void list(Gateway gateway, Request req, Response res) throws IOException {
        var params = Request.extractQueryParameters(req);
        Instant since;
        try {
            since = AuditQuery.time(params.getValue("since"), Instant.now());
        } catch (IllegalArgumentException e) {
            AdminApi.reply(res, 400, AdminApi.error("since: " + e.getMessage()));
            return;
        }
        try {
            var out = Json.object();
            ArrayNode sources = out.putArray("sources");
            Changelog.SOURCES.forEach(sources::add);
            ArrayNode entries = out.putArray("entries");
            new Changelog(gateway.store()).read(since, params.getValue("tool")).forEach(e -> entries.add(e.toJson()));
            AdminApi.reply(res, 200, out);
        } catch (SQLException | RuntimeException e) {
            AdminApi.reply(res, 503, AdminApi.error("the changelog could not be read: the store did not answer: "
                    + gateway.store().describe(e)));
        }
    }
}
