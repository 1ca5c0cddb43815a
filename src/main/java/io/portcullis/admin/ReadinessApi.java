package io.portcullis.admin;

import io.portcullis.Gateway;
import io.portcullis.http.Replies;
import io.portcullis.identity.AuthException;
import io.portcullis.identity.Identity;
import io.portcullis.identity.Principal;
import io.portcullis.http.HttpAuth;
import io.portcullis.http.Origins;
import io.portcullis.protocol.Json;
import io.portcullis.readiness.Report;
import java.io.IOException;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import tools.jackson.databind.JsonNode;

/**
 * {@code GET /admin/api/readiness[?env=E]}: the readiness report (JSON, docs/readiness.md) the gateway
 * computed when its config was applied. Authenticated like the rest of the admin API: a principal
 * holding one of {@code identity.admin_roles}; without an {@code identity:} section it is closed (403).
 */
public final class ReadinessApi extends Handler.Abstract {
    static final String PATH = "/admin/api/readiness";

    private final Gateway gateway;

    public ReadinessApi(Gateway gateway) {
        this.gateway = gateway;
    }

    @Override
    public boolean handle(Request req, Response res, Callback callback) throws Exception {
        if (!Request.getPathInContext(req).equals(PATH)) {
            return false;
        }
        try {
            serve(req, res);
            callback.succeeded();
        } catch (Exception e) {
            callback.failed(e);
        }
        return true;
    }

    private void serve(Request req, Response res) throws IOException {
        if (AdminAccess.admin(gateway, req, res) == null) {
            return;
        }
        if (!req.getMethod().equals("GET")) {
            Replies.json(res, 405, Json.object().put("error", "use GET " + PATH));
            return;
        }
        Report report = gateway.readiness();
        Fields query = Request.extractQueryParameters(req);
        String env = query.getValue("env");
        if (env != null) {
            if (report.environment(env).isEmpty()) {
                Replies.json(res, 404, Json.object().put("error", "environment '" + env + "' is not declared"));
                return;
            }
            report = report.only(env);
        }
        Replies.json(res, 200, report.toJson());
    }
}
