package io.portcullis.admin;

import io.portcullis.Gateway;
import java.util.Map;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The kill-switch page (C6.2, #14 item 2): {@code GET /admin/kill-switches} and its script and
 * style, and the script and style shared by the admin pages ({@code ApprovalPage.SHARED}), static
 * files with no data in them, served with the same headers as the approvals page
 * ({@link ApprovalPage}: strict CSP, no inline script, {@code frame-ancestors 'none'}). The page lists
 * the switches in force and the flip history and kills or unkills through
 * {@code /admin/api/kill-switches} ({@link KillRoutes}) with the bearer token the admin pastes, so it
 * authenticates and is authorised (admin roles) exactly like every other admin call; its POSTs carry
 * the Authorization header, which no cross-site form can send.
 */
public final class KillSwitchPage extends Handler.Abstract {
    private static final Map<String, String[]> FILES = Map.of(
            "/admin/kill-switches", new String[] {"kill-switches.html", "text/html; charset=utf-8"},
            "/admin/kill-switches.js", new String[] {"kill-switches.js", "text/javascript; charset=utf-8"},
            "/admin/kill-switches.css", new String[] {"kill-switches.css", "text/css; charset=utf-8"});

    private final Gateway gateway;

    public KillSwitchPage(Gateway gateway) {
        this.gateway = gateway;
    }

    @Override
    public boolean handle(Request req, Response res, Callback callback) throws Exception {
        String path = Request.getPathInContext(req);
        String[] file = FILES.getOrDefault(path, ApprovalPage.SHARED.get(path));
        if (file == null) {
            return false;
        }
        try {
            ApprovalPage.serve(gateway, file, req, res);
            callback.succeeded();
        } catch (Exception e) {
            callback.failed(e);
        }
        return true;
    }
}
