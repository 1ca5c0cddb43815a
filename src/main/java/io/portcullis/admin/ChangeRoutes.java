package io.portcullis.admin;

import io.portcullis.Gateway;
import io.portcullis.changes.ChangeControl;
import io.portcullis.identity.Principal;
import io.portcullis.protocol.Json;
import java.io.IOException;
import java.sql.SQLException;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * #15 item 4 (C7.2): config changes held for a second person, in the admin API. Seeing them needs a
 * role of {@code change_control.reviewers} or an admin role (or the local CLI); deciding needs a
 * reviewer role, and the change's author is refused ({@link ChangeControl}):
 * <ul>
 *   <li>{@code GET  /admin/api/changes}: {@code {"waiting": ID|null, "running_on": ..., "changes": [...]}}, newest first</li>
 *   <li>{@code GET  /admin/api/changes/show?id=ID}: one, with its diff</li>
 *   <li>{@code POST /admin/api/changes/approve} {@code {"id"}}; {@code POST /admin/api/changes/reject} {@code {"id", "reason"}};
 *       403 without the role, by the author, or for a change that is not held</li>
 * </ul>
 */
final class ChangeRoutes {
    private ChangeRoutes() {}

    static void serve(Gateway gateway, String route, Request req, Response res, Principal who) throws IOException {
        ChangeControl control = gateway.changeControl();
        String method = req.getMethod();
        res.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        var roles = gateway.config().changeControl().reviewers();
        boolean reviewer = who.roles().stream().anyMatch(roles::contains);
        if (method.equals("GET") && !reviewer && !LocalAdmin.isLocal(who) && !gateway.identity().isAdmin(who)) {
            AdminApi.reply(res, 403, AdminApi.error(who.subject() + " holds none of the reviewer roles " + roles
                    + " (change_control.reviewers) nor an admin role"));
            return;
        }
        try {
            if (route.equals("changes") && method.equals("GET")) {
                ObjectNode out = Json.object();
                String waiting = control.waiting().orElse(null);
                out.put("waiting", waiting).put("running_on", waiting == null ? "the config file as it is"
                        : "the last approved config: change " + waiting + " is held for review");
                var list = out.putArray("changes");
                control.list().forEach(h -> list.add(h.toJson()));
                AdminApi.reply(res, 200, out);
            } else if (route.equals("changes/show") && method.equals("GET")) {
                String id = Request.extractQueryParameters(req).getValue("id");
                var h = control.show(id);
                if (h.isEmpty()) {
                    AdminApi.reply(res, 404, AdminApi.error("no config change is held as " + id));
                    return;
                }
                AdminApi.reply(res, 200, h.get().toJson());
            } else if ((route.equals("changes/approve") || route.equals("changes/reject")) && method.equals("POST")) {
                String type = req.getHeaders().get(HttpHeader.CONTENT_TYPE);
                if (type == null || !type.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
                    AdminApi.reply(res, 415, AdminApi.error("send the decision as application/json: {\"id\", ...}"));
                    return;
                }
                JsonNode body = AdminApi.body(req, res);
                if (body == null) {
                    return;
                }
                String id = text(body, "id");
                ChangeControl.Held h = route.endsWith("approve") ? control.approve(id, who) : control.reject(id, who, text(body, "reason"));
                AdminApi.reply(res, 200, h.toJson());
            } else {
                AdminApi.reply(res, 404, AdminApi.error("no such admin endpoint: " + method + " /admin/api/" + route));
            }
        } catch (ChangeControl.Refused e) {
            AdminApi.reply(res, 403, AdminApi.error(e.getMessage()));
        } catch (SQLException e) {
            AdminApi.reply(res, 503, AdminApi.error("held config changes cannot be read (control change_control): "
                    + gateway.store().describe(e)));
        }
    }

    private static String text(JsonNode body, String key) {
        JsonNode v = body.get(key);
        return v != null && v.isString() ? v.asString() : null;
    }
}
