package io.portcullis.admin;

import io.portcullis.Gateway;
import io.portcullis.audit.AuditQuery;
import io.portcullis.catalog.Catalog;
import io.portcullis.catalog.ToolEntry;
import io.portcullis.pin.Review;
import io.portcullis.protocol.Json;
import io.portcullis.settings.EnvironmentConfig;
import io.portcullis.upstream.Version;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * #18 item 4: what the operator console ({@link ConsolePage}) needs and no other admin endpoint
 * gives (admin roles, like the rest of {@link AdminApi}):
 * <ul>
 *   <li>{@code GET /admin/api/console/overview[?minutes=N]}: this node (there is no node registry: each
 *       node answers for itself), and the calls per minute by outcome over the last N minutes (default
 *       15, at most 1440), counted from the audit log, so every node's calls are counted when they share a store</li>
 *   <li>{@code GET /admin/api/console/tools}: the tool inventory (C2.1-C2.3): owner, risk, where it
 *       is enabled, its pin state (quarantined and why, C7.1) and whether a changed definition waits for review (C7.2)</li>
 * </ul>
 * Everything here is data for the page to show as text; an upstream's description is passed as it came.
 */
final class ConsoleRoutes {
    static final int DEFAULT_MINUTES = 15;

    private ConsoleRoutes() {}

    static void serve(Gateway gateway, String route, Request req, Response res) throws IOException {
        switch (route) {
            case "console/overview" -> overview(gateway, req, res);
            case "console/tools" -> tools(gateway, res);
            default -> AdminApi.reply(res, 404, AdminApi.error("no such admin endpoint: GET /admin/api/" + route));
        }
    }

    private static void overview(Gateway gateway, Request req, Response res) throws IOException {
        int minutes;
        try {
            String m = Request.extractQueryParameters(req).getValue("minutes");
            minutes = m == null ? DEFAULT_MINUTES : Integer.parseInt(m);
        } catch (NumberFormatException e) {
            minutes = -1;
        }
        if (minutes < 1 || minutes > 1440) {
            AdminApi.reply(res, 400, AdminApi.error("minutes: a whole number from 1 to 1440"));
            return;
        }
        ObjectNode out = Json.object();
        out.putObject("node").put("id", gateway.audit().node()).put("version", Version.current())
                .put("started", Instant.ofEpochMilli(ManagementFactory.getRuntimeMXBean().getStartTime()).toString())
                .put("registry", false);
        Instant now = Instant.now();
        long last = now.getEpochSecond() / 60;
        long first = last - minutes + 1;
        ObjectNode activity = out.putObject("activity").put("minutes", minutes);
        Map<Long, ObjectNode> byMinute = new HashMap<>();
        ArrayNode rows = activity.putArray("per_minute");
        for (long m = first; m <= last; m++) {
            ObjectNode row = rows.addObject().put("minute", Instant.ofEpochSecond(m * 60).toString())
                    .put("allowed", 0).put("refused", 0).put("failed", 0).put("error", 0);
            byMinute.put(m, row);
        }
        List<AuditQuery.Activity> counted;
        try {
            counted = gateway.audit().query().activity(Instant.ofEpochSecond(first * 60));
        } catch (RuntimeException e) {
            AdminApi.reply(res, 503, AdminApi.error("the audit log could not be read"));
            return;
        }
        long calls = 0;
        long refused = 0;
        for (AuditQuery.Activity a : counted) {
            ObjectNode row = byMinute.get(a.minute());
            String decision = a.decision() == null ? "error" : a.decision();
            if (row == null || !row.has(decision)) {
                continue;
            }
            row.put(decision, row.path(decision).asLong() + a.count());
            calls += a.count();
            refused += decision.equals("refused") ? a.count() : 0;
        }
        double seconds = Duration.between(Instant.ofEpochSecond(first * 60), now).toMillis() / 1000.0;
        activity.put("calls", calls).put("refused", refused)
                .put("calls_per_second", Math.round(calls / Math.max(1.0, seconds) * 1000) / 1000.0);
        ArrayNode quarantined = out.putArray("quarantined");
        Catalog catalog = gateway.catalog();
        catalog.tools().forEach(t -> catalog.toolQuarantine(t.name()).ifPresent(q ->
                quarantined.addObject().put("tool", t.name()).put("upstream", t.upstream()).put("reason", q.reason())));
        AdminApi.reply(res, 200, out);
    }

    private static void tools(Gateway gateway, Response res) throws IOException {
        Map<String, Review> waiting = new HashMap<>();
        String reviewProblem = null;
        try {
            gateway.reviews().list().forEach(r -> waiting.put(r.upstream() + "/" + r.name(), r));
        } catch (SQLException | RuntimeException e) {
            reviewProblem = "the review queue cannot be read (control pin)";
        }
        Catalog catalog = gateway.catalog();
        ObjectNode out = Json.object().put("pins", gateway.pins().config().enabled()).put("review_problem", reviewProblem);
        ArrayNode list = out.putArray("tools");
        for (ToolEntry t : catalog.tools()) {
            ObjectNode o = list.addObject().put("name", t.name()).put("upstream", t.upstream())
                    .put("upstream_name", t.upstreamName()).put("description", t.definition().path("description").asString(null))
                    .put("purpose", t.purpose()).put("risk", t.risk().id()).put("risk_source", t.riskSource())
                    .put("owner", t.owner() == null ? null : t.owner().label()).put("in_catalog", t.spec() != null);
            ArrayNode envs = o.putArray("environments");
            for (EnvironmentConfig e : gateway.config().environments()) {
                if (t.enabledIn(e.name())) {
                    envs.add(e.name());
                }
            }
            t.labels().forEach(o.putArray("labels")::add);
            var q = catalog.toolQuarantine(t.name());
            Review r = waiting.get(t.upstream() + "/" + t.upstreamName());
            o.put("pin", !gateway.pins().config().enabled() ? "off" : q.isPresent() ? "quarantined" : "pinned")
                    .put("quarantine_reason", q.map(Catalog.Quarantine::reason).orElse(null))
                    .put("review", r == null ? null : r.state()).put("review_id", r == null ? null : r.id());
        }
        AdminApi.reply(res, 200, out);
    }
}
