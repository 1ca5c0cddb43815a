package io.portcullis.admin;

import io.portcullis.Gateway;
import io.portcullis.http.Origins;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Map;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The approver page (C3.2, C3.3): {@code GET /admin/approvals} and its script and style, static
 * files with no data in them. The page reads and decides through the admin API with the bearer
 * token the approver pastes (kept in the tab's sessionStorage), so it authenticates exactly like
 * every other admin call. A strict Content-Security-Policy allows only these same-origin files: no
 * inline script, no third party, no framing. Off when {@code approvals.page: false}.
 */
public final class ApprovalPage extends Handler.Abstract {
    private static final Map<String, String[]> FILES = Map.of(
            "/admin/approvals", new String[] {"approvals.html", "text/html; charset=utf-8"},
            "/admin/approvals.js", new String[] {"approvals.js", "text/javascript; charset=utf-8"},
            "/admin/approvals.css", new String[] {"approvals.css", "text/css; charset=utf-8"});
    /** The script and style every admin page loads first (served by {@link KillSwitchPage}, always on). */
    static final Map<String, String[]> SHARED = Map.of(
            "/admin/admin-page.js", new String[] {"admin-page.js", "text/javascript; charset=utf-8"},
            "/admin/admin-page.css", new String[] {"admin-page.css", "text/css; charset=utf-8"});
    private static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
            + "img-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'";

    private final Gateway gateway;

    public ApprovalPage(Gateway gateway) {
        this.gateway = gateway;
    }

    @Override
    public boolean handle(Request req, Response res, Callback callback) throws Exception {
        String[] file = FILES.get(Request.getPathInContext(req));
        if (file == null || !gateway.config().approvals().page()) {
            return false;
        }
        try {
            serve(gateway, file, req, res);
            callback.succeeded();
        } catch (Exception e) {
            callback.failed(e);
        }
        return true;
    }

    /**
     * Serves one static admin-page file ({@code {resource, content type}}) with the strict CSP and
     * no-framing headers; also used by {@link KillSwitchPage} (#14 item 2).
     */
    static void serve(Gateway gateway, String[] file, Request req, Response res) throws IOException {
        String refusal = Origins.check(req, gateway.config().server());
        if (refusal != null || !(req.getMethod().equals("GET") || req.getMethod().equals("HEAD"))) {
            AdminApi.reply(res, refusal != null ? 403 : 405, AdminApi.error(refusal != null ? refusal : "GET only"));
            return;
        }
        byte[] bytes;
        try (InputStream in = ApprovalPage.class.getResourceAsStream(file[0])) {
            if (in == null) {
                throw new IOException(file[0] + " is missing from the build");
            }
            bytes = in.readAllBytes();
        }
        var h = res.getHeaders();
        h.put(HttpHeader.CONTENT_TYPE, file[1]);
        h.put(HttpHeader.CONTENT_LENGTH, bytes.length);
        h.put("Content-Security-Policy", CSP);
        h.put("X-Content-Type-Options", "nosniff");
        h.put("X-Frame-Options", "DENY");
        h.put("Referrer-Policy", "no-referrer");
        h.put(HttpHeader.CACHE_CONTROL, "no-store");
        res.setStatus(200);
        try (OutputStream o = Content.Sink.asOutputStream(res)) {
            if (req.getMethod().equals("GET")) {
                o.write(bytes);
            }
        }
    }
}
