package io.portcullis.http;

import static net.logstash.logback.argument.StructuredArguments.kv;

import io.portcullis.identity.AuthException;
import io.portcullis.identity.Credentials;
import io.portcullis.identity.Identity;
import io.portcullis.identity.Principal;
import io.portcullis.protocol.Message;
import java.io.IOException;
import java.security.cert.X509Certificate;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where an HTTP request is authenticated and an {@link AuthException} becomes an
 * HTTP answer: 401 with {@code WWW-Authenticate: Bearer resource_metadata="..."} (plus
 * {@code error="invalid_token"} when a credential was sent), 403 with
 * {@code error="insufficient_scope", scope="..."}, or 503 when a key source is unreachable. Every
 * refusal is one structured line on the {@code portcullis.auth} logger. A refused request never
 * reaches a session, the pipeline or an upstream.
 */
public final class HttpAuth {
    private static final Logger LOG = LoggerFactory.getLogger("portcullis.auth");

    private HttpAuth() {}

    /**
     * Authenticates a request on a route.
     *
     * @param route the route's resource URL ({@link Identity#routeResource}), for the challenge
     * @return the caller's principal, or null after the refusal has been written
     */
    public static Principal authenticate(Identity identity, Request req, Response res, String environment, String route)
            throws IOException {
        Credentials c = Credentials.of(req.getHeaders().get(HttpHeader.AUTHORIZATION), peerCertificates(req));
        try {
            return identity.authenticate(c, environment);
        } catch (AuthException e) {
            LOG.info("auth refused {} {} {} {} {} {}", kv("status", e.status()), kv("error", e.error() == null ? null : e.error().code),
                    kv("reason", e.reason()), kv("env", environment), kv("path", Request.getPathInContext(req)),
                    kv("remote", Request.getRemoteAddr(req)));
            refuse(identity, res, e, route);
            return null;
        }
    }

    /** Writes the HTTP answer for a refusal. */
    public static void refuse(Identity identity, Response res, AuthException e, String route) throws IOException {
        res.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, identity.challenge(e, route));
        if (e.status() == 503) {
            res.getHeaders().put(HttpHeader.RETRY_AFTER, "5");
        }
        String what = switch (e.status()) {
            case 403 -> "Forbidden: ";
            case 503 -> "Service Unavailable: ";
            default -> "Unauthorized: ";
        };
        Replies.json(res, e.status(), Message.error(null, -32000, what + e.reason(), null));
    }

    /** The client certificate chain of a TLS request (verified by the TLS layer), or null. */
    static X509Certificate[] peerCertificates(Request req) {
        return req.getAttribute(EndPoint.SslSessionData.ATTRIBUTE) instanceof EndPoint.SslSessionData ssl ? ssl.peerCertificates() : null;
    }
}
