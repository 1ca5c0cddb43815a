package io.portcullis.admin;

import io.portcullis.Gateway;
import io.portcullis.http.Replies;
import io.portcullis.identity.AuthException;
import io.portcullis.identity.Identity;
import io.portcullis.identity.IdentityStore;
import io.portcullis.identity.Principal;
import io.portcullis.http.HttpAuth;
import io.portcullis.http.Origins;
import io.portcullis.protocol.Json;
import java.io.IOException;
import java.io.InputStream;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The admin REST API under {@code /admin/api/}. Every request is authenticated like an MCP request
 * (same credentials, audience of the default environment) and must come from a principal holding
 * one of {@code identity.admin_roles}; without an {@code identity:} section the API is closed, except
 * to the CLI on the same host with the token of the gateway's {@code admin.local} file ({@link LocalAdmin}, #21 item 13).
 * <ul>
 *   <li>{@code GET  /admin/api/revocations}: the revocations (C1.3)</li>
 *   <li>{@code POST /admin/api/revocations} {@code {"jti": X}} or {@code {"subject": S, "issuer"?: I}},
 *       optional {@code "reason"}: takes effect on the next call, and survives a restart</li>
 *   <li>{@code GET  /admin/api/keys}: the API keys (never the keys themselves)</li>
 *   <li>{@code POST /admin/api/keys}: creates one, its secret in the answer only ({@link KeyRoutes})</li>
 *   <li>{@code GET  /admin/api/upstreams}: each upstream's state, era, version, listings and last error ({@link UpstreamRoutes})</li>
 *   <li>{@code POST /admin/api/keys/{prefix}/revoke}</li>
 *   <li>{@code /admin/api/approvals...}: see {@link ApprovalRoutes}; open to approvers, not only admins</li>
 *   <li>{@code GET|POST /admin/api/kill-switches}: the run-time kill switches (C6.2, #14 item 2; {@link KillRoutes})</li>
 *   <li>{@code GET /admin/api/credentials}, {@code POST /admin/api/credentials/revoke}: per-user OAuth grants (#16; {@link CredentialRoutes})</li>
 *   <li>{@code GET /admin/api/nodes}: the gateway nodes sharing the store (#19 item 2; {@link NodeRoutes})</li>
 *   <li>{@code GET /admin/api/changelog}: the changelog (C7.3, #15 item 6; {@link ChangelogRoutes})</li>
 *   <li>{@code GET /admin/api/console/...}: what the operator console needs besides these ({@link ConsoleRoutes}, #18 item 4)</li>
 *   <li>{@code /admin/api/reviews...}: see {@link ReviewRoutes} (#15 item 2); open to reviewers, not only admins</li>
 *   <li>{@code /admin/api/changes...}: held config changes, see {@link ChangeRoutes} (#15 item 4); open to reviewers</li>
 * </ul>
 */
public final class AdminApi extends Handler.Abstract {
    private static final Logger LOG = LoggerFactory.getLogger("portcullis.admin");
    private static final String PREFIX = "/admin/api/";
    private static final int MAX_BODY = 64 * 1024;

    private final Gateway gateway;

    public AdminApi(Gateway gateway) {
        this.gateway = gateway;
    }

    @Override
    public boolean handle(Request req, Response res, Callback callback) throws Exception {
        String path = Request.getPathInContext(req);
        if (!path.startsWith(PREFIX)) {
            return false;
        }
        try {
            serve(path.substring(PREFIX.length()), req, res);
            callback.succeeded();
        } catch (Exception e) {
            callback.failed(e);
        }
        return true;
    }

    private void serve(String route, Request req, Response res) throws IOException {
        Principal admin = AdminAccess.authenticated(gateway, req, res);
        if (admin == null) {
            return;
        }
        if (route.equals("approvals") || route.startsWith("approvals/")) {
            // Approvers need not be admins: each request names the roles that may decide it (C3.3).
            ApprovalRoutes.serve(gateway, route, req, res, admin);
            return;
        }
        if (route.equals("reviews") || route.startsWith("reviews/")) {
            // #15 item 2: reviewers need not be admins; deciding needs a role of pins.reviewers (C7.2)
            ReviewRoutes.serve(gateway, route, req, res, admin);
            return;
        }
        if (route.equals("changes") || route.startsWith("changes/")) {
            ChangeRoutes.serve(gateway, route, req, res, admin); // #15 item 4: reviewers of change_control.reviewers
            return;
        }
        if (!AdminAccess.holdsAdminRole(gateway, admin, res)) {
            return;
        }
        Identity identity = gateway.identity();
        IdentityStore store = identity.store();
        String method = req.getMethod();
        if (route.equals("revocations") && method.equals("GET")) {
            ArrayNode out = Json.array();
            store.revocations().forEach(r -> out.add(Json.object().put("kind", r.kind()).put("value", r.value())
                    .put("issuer", r.issuer()).put("revoked_at", r.revokedAt().toString()).put("revoked_by", r.revokedBy())
                    .put("reason", r.reason())));
            reply(res, 200, out);
        } else if (route.equals("revocations") && method.equals("POST")) {
            JsonNode body = body(req, res);
            if (body == null) {
                return;
            }
            String jti = text(body, "jti");
            String subject = text(body, "subject");
            if ((jti == null) == (subject == null)) {
                reply(res, 400, error("send exactly one of 'jti' and 'subject'"));
                return;
            }
            String by = admin.subject();
            var r = jti != null ? store.revokeJti(jti, by, text(body, "reason"))
                    : store.revokeSubject(subject, text(body, "issuer"), by, text(body, "reason"));
            LOG.warn("revoked {} {} (issuer {}) by {}: {}", r.kind(), r.value(), r.issuer(), by, r.reason());
            reply(res, 201, Json.object().put("kind", r.kind()).put("value", r.value()).put("issuer", r.issuer())
                    .put("revoked_at", r.revokedAt().toString()).put("revoked_by", by));
        } else if (route.equals("upstreams") && method.equals("GET")) {
            reply(res, 200, UpstreamRoutes.list(gateway));
        } else if (route.equals("kill-switches") && method.equals("GET")) {
            KillRoutes.list(gateway, res); // #14 item 2 (C6.2)
        } else if (route.equals("kill-switches") && method.equals("POST")) {
            KillRoutes.flip(gateway, admin, req, res);
        } else if (route.startsWith("console/") && method.equals("GET")) {
            ConsoleRoutes.serve(gateway, route, req, res); // #18 item 4: what only the console needs
        } else if (route.equals("credentials") && method.equals("GET")) {
            CredentialRoutes.list(gateway, req, res); // #16 item 1: per-user OAuth grants, fingerprints only
        } else if (route.equals("credentials/revoke") && method.equals("POST")) {
            CredentialRoutes.revoke(gateway, admin, req, res);
        } else if (route.equals("nodes") && method.equals("GET")) {
            NodeRoutes.list(gateway, res); // #19 item 2: the cluster's members
        } else if (route.equals("changelog") && method.equals("GET")) {
            ChangelogRoutes.list(gateway, req, res); // #15 item 6 (C7.3)
        } else if (route.equals("keys") && method.equals("POST")) {
            KeyRoutes.create(gateway.config(), store, admin, req, res); // #21 item 13: keys create beside the gateway
        } else if (route.equals("keys") && method.equals("GET")) {
            ArrayNode out = Json.array();
            store.keys().forEach(k -> {
                ObjectNode o = out.addObject().put("prefix", k.prefix()).put("name", k.name()).put("role", k.role())
                        .put("created", k.created().toString()).put("expires", k.expires().toString())
                        .put("revoked", k.revoked() == null ? null : k.revoked().toString());
                k.environments().forEach(o.withArray("environments")::add);
            });
            reply(res, 200, out);
        } else if (route.startsWith("keys/") && route.endsWith("/revoke") && method.equals("POST")) {
            String prefix = route.substring("keys/".length(), route.length() - "/revoke".length());
            if (!store.revokeKey(prefix, admin.subject())) {
                reply(res, 404, error("no active API key has the prefix " + prefix));
                return;
            }
            LOG.warn("revoked API key {} by {}", prefix, admin.subject());
            reply(res, 200, Json.object().put("prefix", prefix).put("revoked", true));
        } else {
            reply(res, 404, error("no such admin endpoint: " + method + " " + PREFIX + route));
        }
    }

    static JsonNode body(Request req, Response res) throws IOException {
        try (InputStream in = Content.Source.asInputStream(req)) {
            byte[] data = in.readNBytes(MAX_BODY + 1);
            if (data.length > MAX_BODY) {
                reply(res, 413, error("body too large"));
                return null;
            }
            JsonNode n = Json.parse(data);
            if (n == null || !n.isObject()) {
                reply(res, 400, error("the body must be a JSON object"));
                return null;
            }
            return n;
        } catch (JacksonException e) {
            reply(res, 400, error("the body is not valid JSON"));
            return null;
        }
    }

    static String text(JsonNode body, String field) {
        JsonNode n = body.get(field);
        return n != null && n.isString() && !n.asString().isBlank() ? n.asString() : null;
    }

    static ObjectNode error(String message) {
        return Json.object().put("error", message);
    }

    static void reply(Response res, int status, JsonNode body) throws IOException {
        Replies.json(res, status, body);
    }
}
