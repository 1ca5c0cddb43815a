package io.portcullis.http;

import io.portcullis.settings.ServerSettings;
import io.portcullis.protocol.Json;
import io.portcullis.protocol.Message;
import java.util.Set;
import java.util.function.Supplier;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The DNS-rebinding and cross-site guard in front of every route (#11 item 9): the MCP endpoint,
 * the admin, audit and readiness APIs, the approver page, the RFC 9728 metadata and any unknown
 * path. It runs first, before authentication and before any route looks at the request, so a route
 * added later cannot forget it. The rule itself is {@link Origins}.
 *
 * <p>Exempt: the health probes ({@code /healthz}, {@code /readyz}, {@code /livez}). Orchestrators probe them by pod
 * IP, and their answer ("ok" / "draining") tells a rebinding page nothing.
 *
 * <p>A refusal is 403 with one line naming the header: a JSON-RPC error on {@code /mcp...} (what an
 * MCP client expects), {@code {"error": ...}} elsewhere.
 */
public final class HostGuard extends Handler.Wrapper {
    private static final Set<String> PROBES = Set.of("/healthz", "/readyz", "/livez");

    private final Supplier<ServerSettings> settings;

    public HostGuard(Supplier<ServerSettings> settings, Handler next) {
        super(next);
        this.settings = settings;
    }

    @Override
    public boolean handle(Request req, Response res, Callback callback) throws Exception {
        String path = Request.getPathInContext(req);
        String refusal = PROBES.contains(path) ? null : Origins.check(req, settings.get());
        if (refusal == null) {
            return super.handle(req, res, callback);
        }
        try {
            Replies.json(res, 403, path.equals("/mcp") || path.startsWith("/mcp/")
                    ? Message.error(null, -32000, refusal, null) : Json.object().put("error", refusal));
            callback.succeeded();
        } catch (Exception e) {
            callback.failed(e);
        }
        return true;
    }
}
