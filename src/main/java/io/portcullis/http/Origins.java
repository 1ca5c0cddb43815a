package io.portcullis.http;

import io.portcullis.settings.ServerSettings;
import java.net.URI;
import java.util.Locale;
import java.util.Set;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;

/**
 * DNS-rebinding and cross-site guard: the Host must be a loopback name or one the config allows,
 * and a browser's Origin, when sent, must be a loopback origin or one the config allows.
 */
public final class Origins {
    private static final Set<String> LOOPBACK = Set.of("localhost", "127.0.0.1", "[::1]", "::1");
    private static final Set<String> WILDCARD = Set.of("0.0.0.0", "::", "[::]");

    private Origins() {}

    /** Returns why the request is refused (answered 403), or null when it may proceed. */
    public static String check(Request req, ServerSettings settings) {
        return check(req.getHeaders().get(HttpHeader.HOST), req.getHeaders().get(HttpHeader.ORIGIN), settings);
    }

    /** The rule on the two header values (either may be null: absent). */
    static String check(String host, String origin, ServerSettings settings) {
        if (host != null && !hostAllowed(stripPort(host), settings)) {
            return "Invalid Host header: " + host;
        }
        if (origin == null) {
            return null;
        }
        if (settings.allowedOrigins().contains(origin)) {
            return null;
        }
        try {
            URI u = URI.create(origin);
            if (("http".equals(u.getScheme()) || "https".equals(u.getScheme())) && u.getHost() != null
                    && LOOPBACK.contains(u.getHost())) {
                return null;
            }
        } catch (IllegalArgumentException e) {
            // falls through to the refusal
        }
        return "Invalid Origin header: " + origin;
    }

    private static boolean hostAllowed(String host, ServerSettings settings) {
        String name = host.toLowerCase(Locale.ROOT); // host names are case-insensitive
        return LOOPBACK.contains(name) || settings.allowedHosts().stream().anyMatch(name::equalsIgnoreCase)
                || (isSpecificBind(settings.host()) && name.equalsIgnoreCase(settings.host()));
    }

    /**
     * Whether the bind address names this server: not loopback (covered above) and not a
     * wildcard, since a browser sent to http://0.0.0.0 must not get through on that alone.
     */
    private static boolean isSpecificBind(String bind) {
        return !(LOOPBACK.contains(bind) || bind.startsWith("127.") || WILDCARD.contains(bind));
    }

    private static String stripPort(String host) {
        if (host.startsWith("[")) {
            int end = host.indexOf(']');
            return end < 0 ? host : host.substring(0, end + 1);
        }
        int colon = host.lastIndexOf(':');
        return colon < 0 ? host : host.substring(0, colon);
    }
}
