package io.portcullis.admin;

import io.portcullis.Gateway;
import io.portcullis.identity.AuthException;
import io.portcullis.identity.Identity;
import io.portcullis.identity.Principal;
import io.portcullis.http.HttpAuth;
import io.portcullis.http.Origins;
import io.portcullis.protocol.Json;
import java.io.IOException;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;

/**
 * Who may use the admin side: a request authenticated by the identity system exactly like an MCP
 * request (as the default environment's resource), from an allowed origin. Fails closed: without
 * an {@code identity:} section the admin side is closed (403), a bad token gets 401 with the
 * resource metadata, a principal without the needed role 403 naming the roles.
 */
public final class AdminAccess {
    private AdminAccess() {}

    /**
     * Authenticates the request; answers it (403/401) and returns null when it may not proceed.
     * Any authenticated principal passes: routes that need a role check it ({@link #admin}).
     */
    public static Principal authenticated(Gateway gateway, Request req, Response res) throws IOException {
        String refusal = Origins.check(req, gateway.config().server());
        if (refusal != null) {
            AdminApi.reply(res, 403, Json.object().put("error", refusal));
            return null;
        }
        Principal local = LocalAdmin.principal(gateway.config().server().dataDir(), req);
        if (local != null) {
            return local; // #21 item 13: the CLI beside this gateway, with the token of its admin.local file
        }
        Identity identity = gateway.identity();
        if (!identity.enabled()) {
            AdminApi.reply(res, 403, Json.object().put("error", "the admin API is closed: the gateway runs without an identity section"));
            return null;
        }
        return HttpAuth.authenticate(identity, req, res, gateway.config().defaultEnvironment().name(), identity.routeResource(null));
    }

    /** Whether {@code req} carries the local CLI token of this gateway ({@link LocalAdmin}, #21 item 13). */
    public static boolean localCli(Gateway gateway, Request req) {
        return LocalAdmin.principal(gateway.config().server().dataDir(), req) != null;
    }

    /** As {@link #authenticated}, and the principal must hold one of {@code identity.admin_roles}. */
    public static Principal admin(Gateway gateway, Request req, Response res) throws IOException {
        Principal p = authenticated(gateway, req, res);
        if (p == null) {
            return null;
        }
        return holdsAdminRole(gateway, p, res) ? p : null;
    }

    /** Whether {@code p} holds one of {@code identity.admin_roles}; answers 403 naming them when not. */
    static boolean holdsAdminRole(Gateway gateway, Principal p, Response res) throws IOException {
        Identity identity = gateway.identity();
        if (LocalAdmin.isLocal(p) || identity.isAdmin(p)) {
            return true;
        }
        HttpAuth.refuse(identity, res, new AuthException(403, null, p.subject() + " holds none of the admin roles "
                + identity.config().adminRoles(), null), identity.routeResource(null));
        return false;
    }
}
