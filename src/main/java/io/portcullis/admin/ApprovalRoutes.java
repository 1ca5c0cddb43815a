package io.portcullis.admin;

import io.portcullis.Gateway;
import io.portcullis.approval.ApprovalException;
import io.portcullis.approval.ApprovalRequest;
import io.portcullis.approval.Approvals;
import io.portcullis.identity.Principal;
import io.portcullis.protocol.Json;
import java.io.IOException;
import java.util.Optional;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;

/**
 * The approvals part of the admin API (C3.2, C3.3), for an already authenticated principal:
 * <ul>
 *   <li>{@code GET  /admin/api/approvals[?status=pending|approved|denied|expired|used]}: the requests
 *       this principal may see (admins: all; otherwise those it may decide, and its own), newest first</li>
 *   <li>{@code GET  /admin/api/approvals/{id}}: one request with every decision</li>
 *   <li>{@code POST /admin/api/approvals/{id}/approve} or {@code /deny}, body {@code {"comment": "..."}}:
 *       the decision of this principal; 403 for the caller itself or without an approver role</li>
 * </ul>
 * POSTs need a JSON body and the {@code Authorization} header (already checked): a browser never
 * sends either on its own, so a cross-site form cannot decide anything.
 */
final class ApprovalRoutes {
    private ApprovalRoutes() {}

    static void serve(Gateway gateway, String route, Request req, Response res, Principal who) throws IOException {
        Approvals approvals = gateway.approvals();
        boolean admin = gateway.identity().isAdmin(who);
        String method = req.getMethod();
        String[] parts = route.split("/", -1);
        res.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        try {
            if (parts.length == 1 && method.equals("GET")) {
                String s = Request.extractQueryParameters(req).getValue("status");
                ApprovalRequest.Status status = s == null ? null : ApprovalRequest.Status.of(s);
                if (s != null && status == null) {
                    AdminApi.reply(res, 400, AdminApi.error("status must be pending, approved, denied, expired or used"));
                    return;
                }
                ArrayNode out = Json.array();
                for (ApprovalRequest r : approvals.list(status)) {
                    if (Approvals.mayView(who, r, admin)) {
                        out.add(r.toJson());
                    }
                }
                AdminApi.reply(res, 200, out);
            } else if (parts.length == 2 && method.equals("GET")) {
                Optional<ApprovalRequest> r = approvals.find(parts[1]).filter(a -> Approvals.mayView(who, a, admin));
                if (r.isEmpty()) {
                    AdminApi.reply(res, 404, AdminApi.error("no approval " + parts[1]));
                    return;
                }
                AdminApi.reply(res, 200, r.get().toJson());
            } else if (parts.length == 3 && method.equals("POST") && (parts[2].equals("approve") || parts[2].equals("deny"))) {
                String type = req.getHeaders().get(HttpHeader.CONTENT_TYPE);
                if (type == null || !type.toLowerCase().startsWith("application/json")) {
                    AdminApi.reply(res, 415, AdminApi.error("send the decision as application/json: {\"comment\": \"...\"}"));
                    return;
                }
                JsonNode body = AdminApi.body(req, res);
                if (body == null) {
                    return;
                }
                JsonNode c = body.get("comment");
                if (c != null && !c.isNull() && !c.isString()) {
                    AdminApi.reply(res, 400, AdminApi.error("'comment' must be a string"));
                    return;
                }
                // Visibility first: an id that this principal may not see answers like one that does not exist.
                if (approvals.find(parts[1]).filter(a -> Approvals.mayView(who, a, admin)).isEmpty()) {
                    AdminApi.reply(res, 404, AdminApi.error("no approval " + parts[1]));
                    return;
                }
                ApprovalRequest after = approvals.decide(parts[1], who, parts[2].equals("approve"),
                        c == null || c.isNull() ? null : c.asString());
                AdminApi.reply(res, 200, after.toJson());
            } else {
                AdminApi.reply(res, 404, AdminApi.error("no such admin endpoint: " + method + " /admin/api/" + route));
            }
        } catch (ApprovalException e) {
            AdminApi.reply(res, e.status(), AdminApi.error(e.getMessage()));
        }
    }
}
