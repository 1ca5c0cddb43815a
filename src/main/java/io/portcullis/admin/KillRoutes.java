package io.portcullis.admin;

import io.portcullis.Gateway;
import io.portcullis.identity.Principal;
import io.portcullis.killswitch.KillRequests;
import io.portcullis.killswitch.KillStore;
import io.portcullis.killswitch.KillSwitch;
import io.portcullis.killswitch.KillSwitches;
import io.portcullis.protocol.Json;
import java.io.IOException;
import java.sql.SQLException;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * #14 item 2 (C6.2): the run-time kill switches in the admin API (what {@code portcullis kill|unkill}
 * sends when a gateway serves the data directory).
 * <ul>
 *   <li>{@code GET /admin/api/kill-switches}: {@code {"active": [...], "history": [... newest first],
 *       "problem": null|"..."}}</li>
 *   <li>{@code POST /admin/api/kill-switches} {@code {"action": "kill"|"unkill", "scope": "tool"|"upstream"|"environment",
 *       "name": N, "environment"?: E, "read_only"?: true, "reason": R}}: 201 with the flip; 400 with the close
 *       names for a name that does not exist; 404 for an unkill of a switch that is not in force.</li>
 * </ul>
 * Every flip is an audit record (who, what, scope, reason), written before the answer.
 */
final class KillRoutes {
    private static final Logger LOG = LoggerFactory.getLogger("portcullis.admin");

    private KillRoutes() {}

    static void list(Gateway gateway, Response res) throws IOException {
        KillSwitches kills = gateway.killSwitches();
        ObjectNode out = Json.object();
        var active = out.putArray("active");
        kills.active().forEach(s -> active.add(json(s)));
        var history = out.putArray("history");
        try {
            for (KillStore.Flip f : kills.store().history(50)) {
                history.add(json(f.sw()).put("seq", f.seq()).put("action", f.action()));
            }
        } catch (SQLException e) {
            AdminApi.reply(res, 503, AdminApi.error("the store did not answer: " + gateway.store().describe(e)));
            return;
        }
        out.put("problem", kills.problem());
        AdminApi.reply(res, 200, out);
    }

    static void flip(Gateway gateway, Principal admin, Request req, Response res) throws IOException {
        JsonNode body = AdminApi.body(req, res);
        if (body == null) {
            return;
        }
        String action = AdminApi.text(body, "action");
        String scope = AdminApi.text(body, "scope");
        String name = AdminApi.text(body, "name");
        String env = AdminApi.text(body, "environment");
        String reason = AdminApi.text(body, "reason");
        boolean readOnly = body.path("read_only").asBoolean(false);
        if (!"kill".equals(action) && !"unkill".equals(action)) {
            AdminApi.reply(res, 400, AdminApi.error("send 'action': kill or unkill"));
            return;
        }
        KillSwitches kills = gateway.killSwitches();
        try {
            if (action.equals("unkill")) {
                KillSwitch.Scope s = KillSwitch.Scope.of(scope);
                if (s == null || name == null) {
                    AdminApi.reply(res, 400, AdminApi.error("send 'scope' (tool, upstream or environment) and 'name'"));
                    return;
                }
                var f = kills.unkill(s, name, env, reason, admin.subject());
                if (f.isEmpty()) {
                    AdminApi.reply(res, 404, AdminApi.error(notInForce(kills, s, name, env)));
                    return;
                }
                LOG.warn("kill switch lifted: {} by {}: {}", f.get().sw().describe(), admin.subject(), f.get().sw().reason());
                AdminApi.reply(res, 200, json(f.get().sw()).put("seq", f.get().seq()).put("action", "unkill"));
                return;
            }
            var names = KillRequests.of(gateway.config(), gateway.catalog().tools().stream().map(t -> t.name()).toList());
            String refused = names.refusal(scope, name, env, readOnly, reason, true);
            if (refused != null) {
                AdminApi.reply(res, 400, AdminApi.error(refused));
                return;
            }
            KillStore.Flip f = kills.kill(new KillSwitch(KillSwitch.Scope.of(scope), name, env, readOnly, reason, admin.subject(),
                    KillSwitches.now()));
            LOG.warn("kill switch set: {} by {}: {}", f.sw().describe(), admin.subject(), reason);
            AdminApi.reply(res, 201, json(f.sw()).put("seq", f.seq()).put("action", "kill"));
        } catch (SQLException e) {
            AdminApi.reply(res, 503, AdminApi.error("the kill switch is not changed: the store did not answer: "
                    + gateway.store().describe(e)));
        }
    }

    /** What an unkill of a switch that is not in force answers: the switches that are. */
    static String notInForce(KillSwitches kills, KillSwitch.Scope s, String name, String env) {
        return "no kill switch on " + s.word() + " " + name + (env == null ? "" : " in " + env) + " is in force; in force: "
                + kills.active().stream().map(KillSwitch::describe).toList();
    }

    static ObjectNode json(KillSwitch s) {
        return Json.object().put("scope", s.scope().word()).put("name", s.name())
                .put("environment", s.environment().isEmpty() ? null : s.environment()).put("read_only", s.readOnly())
                .put("reason", s.reason()).put("by", s.by()).put("at", s.at().toString()).put("describe", s.describe());
    }
}
