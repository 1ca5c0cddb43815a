package io.portcullis.server;

import io.portcullis.Gateway;
import io.portcullis.http.Replies;
import java.util.Optional;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import tools.jackson.databind.node.ObjectNode;

/**
 * RFC 9728 protected resource metadata: {@code /.well-known/oauth-protected-resource} (the default
 * environment) and {@code /.well-known/oauth-protected-resource/mcp/{env}}. It tells an MCP client
 * which authorization servers issue tokens for this gateway; public, like the RFC intends. Not
 * served when the gateway runs without identity.
 */
final class WellKnown extends Handler.Abstract {
    private static final String PREFIX = "/.well-known/oauth-protected-resource";

    private final Gateway gateway;

    WellKnown(Gateway gateway) {
        this.gateway = gateway;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        String path = Request.getPathInContext(request);
        if (!path.startsWith(PREFIX) || !gateway.identity().enabled()) {
            return false;
        }
        Optional<ObjectNode> doc = gateway.identity().metadataAt(path.endsWith("/") ? path.substring(0, path.length() - 1) : path);
        if (doc.isEmpty() || !"GET".equals(request.getMethod())) {
            return false;
        }
        response.getHeaders().put(HttpHeader.ACCESS_CONTROL_ALLOW_ORIGIN, "*");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "max-age=300");
        Replies.json(response, 200, doc.get());
        callback.succeeded();
        return true;
    }
}
