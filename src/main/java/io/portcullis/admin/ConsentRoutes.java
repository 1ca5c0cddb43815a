package io.portcullis.admin;

import io.portcullis.Gateway;
import io.portcullis.credentials.ConsentFlow;
import io.portcullis.settings.UpstreamConfig;
import io.portcullis.settings.UpstreamCredentials;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * #16 item 1, {@code user_oauth}: the browser's side of the consent flow ({@link ConsentFlow}).
 * <ul>
 *   <li>{@code GET /oauth/connect/<upstream>?ticket=T}: the link a refused call carried; spends the
 *       single-use ticket and redirects (302) to the upstream's authorization server, with PKCE.</li>
 *   <li>{@code GET /oauth/callback?code=C&state=S}: where the authorization server sends the browser
 *       back; redeems the code and stores the user's grant sealed in the vault. The answer is a small
 *       page (no script, strict CSP) saying whose account was connected, or why not.</li>
 * </ul>
 * No bearer token is needed here: the ticket (bound to the verified caller who got the link) says
 * whose grant it becomes. No page shows a token.
 */
public final class ConsentRoutes extends Handler.Abstract {
    private static final Logger LOG = LoggerFactory.getLogger("portcullis.credentials");
    private static final String CONNECT = "/oauth/connect/";
    private static final String CALLBACK = "/oauth/callback";

    private final Gateway gateway;

    public ConsentRoutes(Gateway gateway) {
        this.gateway = gateway;
    }

    @Override
    public boolean handle(Request req, Response res, Callback callback) throws Exception {
        String path = Request.getPathInContext(req);
        if (!path.startsWith(CONNECT) && !path.equals(CALLBACK)) {
            return false;
        }
        try {
            if (!req.getMethod().equals("GET")) {
                page(res, 405, "Not allowed", "Only GET is served here.");
            } else if (path.equals(CALLBACK)) {
                callback(req, res);
            } else {
                connect(path.substring(CONNECT.length()), req, res);
            }
            callback.succeeded();
        } catch (Exception e) {
            callback.failed(e);
        }
        return true;
    }

    private void connect(String upstream, Request req, Response res) throws IOException {
        ConsentFlow flow = gateway.credentials().grants().flow();
        try {
            // issue 17 (task h3): an upstream without configured endpoints is discovered from its URL
            UpstreamConfig u = gateway.config().upstreams().get(upstream);
            var to = flow.begin(upstream, param(req, "ticket"), settings(upstream), u == null ? null : u.url(),
                    u == null ? java.time.Duration.ofSeconds(10) : u.timeout());
            res.getHeaders().put(HttpHeader.LOCATION, to.toString());
            res.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
            res.getHeaders().put("Referrer-Policy", "no-referrer");
            res.setStatus(302);
            res.write(true, null, Callback.NOOP);
        } catch (ConsentFlow.Failed e) {
            page(res, 400, "Cannot connect", e.getMessage());
        }
    }

    private void callback(Request req, Response res) throws IOException {
        ConsentFlow flow = gateway.credentials().grants().flow();
        String state = param(req, "state");
        String upstream = flow.upstreamOf(state);
        String error = param(req, "error");
        if (error != null) {
            try {
                flow.finish(state, null, null, java.time.Duration.ZERO); // spends the state
            } catch (ConsentFlow.Failed ignored) {
                // the authorization server's error is what the page shows
            }
            page(res, 400, "Not connected", "The authorization server answered '" + error + "': nothing was stored.");
            return;
        }
        UpstreamConfig u = upstream == null ? null : gateway.config().upstreams().get(upstream);
        try {
            String subject = flow.finish(state, param(req, "code"), settings(upstream),
                    u == null ? java.time.Duration.ofSeconds(10) : u.timeout());
            LOG.info("user_oauth grant stored: {} connected upstream {}", subject, upstream);
            page(res, 200, "Connected", "Your account at upstream " + upstream + " is connected for " + subject
                    + ". Retry the call in your MCP client; you may close this page.");
        } catch (ConsentFlow.Failed e) {
            LOG.info("user_oauth consent for upstream {} failed: {}", upstream, e.getMessage());
            page(res, 400, "Not connected", e.getMessage());
        }
    }

    private UpstreamCredentials settings(String upstream) {
        UpstreamConfig u = upstream == null ? null : gateway.config().upstreams().get(upstream);
        return u == null ? null : u.credentials();
    }

    private static String param(Request req, String name) {
        Fields f = Request.extractQueryParameters(req);
        String v = f.getValue(name);
        return v == null || v.isBlank() ? null : v;
    }

    /** A small page with text only: no script, nothing framed, nothing cached. */
    private static void page(Response res, int status, String title, String text) throws IOException {
        String html = "<!doctype html><html><head><meta charset=\"utf-8\"><title>" + esc(title) + "</title></head><body>"
                + "<h1 id=\"title\">" + esc(title) + "</h1><p id=\"message\">" + esc(text) + "</p></body></html>";
        byte[] bytes = html.getBytes(StandardCharsets.UTF_8);
        var h = res.getHeaders();
        h.put(HttpHeader.CONTENT_TYPE, "text/html; charset=utf-8");
        h.put(HttpHeader.CONTENT_LENGTH, bytes.length);
        h.put("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'; form-action 'none'");
        h.put("X-Content-Type-Options", "nosniff");
        h.put("X-Frame-Options", "DENY");
        h.put("Referrer-Policy", "no-referrer");
        h.put(HttpHeader.CACHE_CONTROL, "no-store");
        res.setStatus(status);
        try (OutputStream o = Content.Sink.asOutputStream(res)) {
            o.write(bytes);
        }
    }

    private static String esc(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }
}
