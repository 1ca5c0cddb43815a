package io.portcullis.admin;

import io.portcullis.Gateway;
import io.portcullis.identity.Principal;
import io.portcullis.pin.Finding;
import io.portcullis.pin.PinReviews;
import io.portcullis.pin.Review;
import io.portcullis.protocol.Json;
import java.io.IOException;
import java.sql.SQLException;
import java.util.List;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * #15 item 2 (C7.2): the review queue of pinned definitions in the admin API, for an authenticated
 * principal; deciding needs a role of {@code pins.reviewers} ({@link PinReviews}); seeing the queue
 * needs that or an admin role (or the local CLI):
 * <ul>
 *   <li>{@code GET  /admin/api/reviews}: every definition waiting (or rejected)</li>
 *   <li>{@code GET  /admin/api/reviews/show?id=UPSTREAM/KIND/NAME}: one, with the diff and the scanner's findings</li>
 *   <li>{@code POST /admin/api/reviews/accept}, body {@code {"id", "hash", "override"}}; 403 without the
 *       role, for a hash that is not what waits, or for blocking findings without an override</li>
 *   <li>{@code POST /admin/api/reviews/reject}, body {@code {"id", "hash", "reason"}}</li>
 * </ul>
 * The id is in the query or body, not the path: it holds slashes (and a resource's URI).
 */
final class ReviewRoutes {
    private ReviewRoutes() {}

    static void serve(Gateway gateway, String route, Request req, Response res, Principal who) throws IOException {
        PinReviews reviews = gateway.reviews();
        String method = req.getMethod();
        res.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        boolean reviewer = who.roles().stream().anyMatch(gateway.pins().config().reviewers()::contains);
        if (method.equals("GET") && !reviewer && !LocalAdmin.isLocal(who) && !gateway.identity().isAdmin(who)) {
            AdminApi.reply(res, 403, AdminApi.error(who.subject() + " holds none of the reviewer roles "
                    + gateway.pins().config().reviewers() + " (pins.reviewers) nor an admin role"));
            return;
        }
        try {
            if (route.equals("reviews") && method.equals("GET")) {
                ArrayNode out = Json.array();
                reviews.list().forEach(r -> out.add(json(r)));
                AdminApi.reply(res, 200, out);
            } else if (route.equals("reviews/show") && method.equals("GET")) {
                String id = Request.extractQueryParameters(req).getValue("id");
                var r = id == null ? java.util.Optional.<Review>empty() : reviews.show(id);
                if (r.isEmpty()) {
                    AdminApi.reply(res, 404, AdminApi.error("nothing waits for review as " + id));
                    return;
                }
                AdminApi.reply(res, 200, json(r.get()));
            } else if ((route.equals("reviews/accept") || route.equals("reviews/reject")) && method.equals("POST")) {
                String type = req.getHeaders().get(HttpHeader.CONTENT_TYPE);
                if (type == null || !type.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
                    AdminApi.reply(res, 415, AdminApi.error("send the decision as application/json: {\"id\", \"hash\", ...}"));
                    return;
                }
                JsonNode body = AdminApi.body(req, res);
                if (body == null) {
                    return;
                }
                String id = text(body, "id");
                String hash = text(body, "hash");
                Review r = route.endsWith("accept") ? reviews.accept(id, hash, who, text(body, "override"))
                        : reviews.reject(id, hash, who, text(body, "reason"));
                List<String> so = route.endsWith("accept") ? reviews.approvals(r) : List.of();
                String decision = !route.endsWith("accept") ? "rejected" : so.isEmpty() ? "accepted"
                        : "accepted " + so.size() + " of " + gateway.pins().config().reviewQuorum(); // #15 item 2: pins.quorum
                ObjectNode out = json(r).put("decision", decision);
                so.forEach(out.putArray("approvers")::add);
                AdminApi.reply(res, 200, out);
            } else {
                AdminApi.reply(res, 404, AdminApi.error("no such admin endpoint: " + method + " /admin/api/" + route));
            }
        } catch (PinReviews.Refused e) {
            AdminApi.reply(res, 403, AdminApi.error(e.getMessage()));
        } catch (SQLException e) {
            AdminApi.reply(res, 503, AdminApi.error("the pins cannot be read (control pin): " + gateway.store().describe(e)));
        }
    }

    private static String text(JsonNode body, String key) {
        JsonNode v = body.get(key);
        return v != null && v.isString() ? v.asString() : null;
    }

    /** A review as JSON: both definitions, the members that differ, the findings. */
    static ObjectNode json(Review r) {
        ObjectNode o = Json.object().put("id", r.id()).put("kind", r.kind()).put("upstream", r.upstream()).put("name", r.name())
                .put("state", r.state()).put("since", r.since()).put("pinned_hash", r.pinnedHash()).put("served_hash", r.servedHash());
        JsonNode pinned = r.pinned() == null ? Json.object() : Json.parse(r.pinned());
        JsonNode served = Json.parse(r.served());
        o.set("pinned", r.pinned() == null ? null : pinned);
        o.set("served", served);
        ArrayNode diff = o.putArray("diff");
        java.util.Set<String> members = new java.util.TreeSet<>(pinned.propertyNames());
        members.addAll(served.propertyNames());
        for (String m : members) {
            if (!java.util.Objects.equals(pinned.get(m), served.get(m))) {
                ObjectNode d = diff.addObject().put("member", m);
                d.set("pinned", pinned.get(m));
                d.set("served", served.get(m));
            }
        }
        ArrayNode f = o.putArray("findings");
        for (Finding x : r.findings()) {
            f.addObject().put("severity", x.severity().id()).put("code", x.code()).put("detail", x.detail());
        }
        return o;
    }
}
