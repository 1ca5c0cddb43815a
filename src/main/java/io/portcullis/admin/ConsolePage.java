package io.portcullis.admin;

import io.portcullis.Gateway;
import java.util.Map;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * #18 item 4: the operator console, {@code GET /admin/} (and {@code /admin}) with its script and
 * style: static files with no data in them, served like the approvals page ({@link ApprovalPage}:
 * strict CSP, no inline script, {@code frame-ancestors 'none'}, no-store). The console reads and acts
 * only through the admin API with the bearer token the admin pastes (kept in the tab's
 * sessionStorage), so it authenticates and is authorised exactly like every other admin call; its
 * POSTs (kill switches, approvals) carry the Authorization header and a JSON body, which no
 * cross-site form can send. Everything it shows is put in as text (docs/operations/console.md).
 */
public final class ConsolePage extends Handler.Abstract {
    private static final String[] HTML = {"console.html", "text/html; charset=utf-8"};
    private static final Map<String, String[]> FILES = Map.of(
            "/admin", HTML,
            "/admin/", HTML,
            "/admin/console.js", new String[] {"console.js", "text/javascript; charset=utf-8"},
            "/admin/console-views.js", new String[] {"console-views.js", "text/javascript; charset=utf-8"},
            "/admin/reviews.js", new String[] {"reviews.js", "text/javascript; charset=utf-8"},
            "/admin/console.css", new String[] {"console.css", "text/css; charset=utf-8"});

    private final Gateway gateway;

    public ConsolePage(Gateway gateway) {
        this.gateway = gateway;
    }

    @Override
    public boolean handle(Request req, Response res, Callback callback) throws Exception {
        String[] file = FILES.get(Request.getPathInContext(req));
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
