package io.portcullis.admin;

import io.portcullis.Gateway;
import io.portcullis.credentials.GrantStore;
import io.portcullis.credentials.UserGrants;
import io.portcullis.identity.Principal;
import io.portcullis.protocol.Json;
import java.io.IOException;
import java.sql.SQLException;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Fields;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;

/**
 * #16 item 1: the per-user OAuth grants ({@code user_oauth}) through the admin API; what
 * {@code portcullis credentials list|revoke} sends. Never a token: each grant shows the fingerprint
 * (first 12 hex digits of SHA-256) of its access token and the id of the KEK that wraps it.
 * <ul>
 *   <li>{@code GET /admin/api/credentials[?user=U][&upstream=X]}</li>
 *   <li>{@code POST /admin/api/credentials/revoke} {@code {"user": U, "upstream"?: X, "issuer"?: I}}: deletes
 *       the grants; the user's next call to the upstream asks for consent again</li>
 * </ul>
 */
final class CredentialRoutes {
    private static final Logger LOG = LoggerFactory.getLogger("portcullis.admin");

    private CredentialRoutes() {}

    static void list(Gateway gateway, Request req, Response res) throws IOException {
        Fields q = Request.extractQueryParameters(req);
        UserGrants grants = gateway.credentials().grants();
        ArrayNode out = Json.array();
        try {
            for (GrantStore.Row r : grants.store().list(blank(q.getValue("user")), blank(q.getValue("upstream")))) {
                out.addObject().put("user", r.key().subject()).put("issuer", r.key().issuer()).put("upstream", r.key().upstream())
                        .put("scope", r.key().scope()).put("token_sha256_prefix", r.fingerprint()).put("kek", r.sealed().kekId())
                        .put("expires", r.expiresAt() == null ? null : r.expiresAt().toString())
                        .put("connected", r.created().toString()).put("updated", r.updated().toString());
            }
        } catch (SQLException e) {
            AdminApi.reply(res, 503, AdminApi.error("the grants cannot be read from the store"));
            return;
        }
        var vault = grants.vault();
        AdminApi.reply(res, 200, Json.object().put("kek", vault == null ? null : vault.currentKek())
                .put("vault", vault == null ? grants.vaultProblem() : "open").set("grants", out));
    }

    static void revoke(Gateway gateway, Principal admin, Request req, Response res) throws IOException {
        JsonNode body = AdminApi.body(req, res);
        if (body == null) {
            return;
        }
        String user = AdminApi.text(body, "user");
        if (user == null) {
            AdminApi.reply(res, 400, AdminApi.error("send 'user' (and optionally 'upstream', 'issuer')"));
            return;
        }
        String upstream = AdminApi.text(body, "upstream");
        try {
            int n = gateway.credentials().grants().revoke(user, AdminApi.text(body, "issuer"), upstream);
            LOG.warn("{} user_oauth grant(s) of {} to {} revoked by {}", n, user, upstream == null ? "every upstream" : upstream,
                    admin.subject());
            AdminApi.reply(res, 200, Json.object().put("user", user).put("upstream", upstream).put("revoked", n));
        } catch (SQLException e) {
            AdminApi.reply(res, 503, AdminApi.error("the grants cannot be written to the store"));
        }
    }

    private static String blank(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
