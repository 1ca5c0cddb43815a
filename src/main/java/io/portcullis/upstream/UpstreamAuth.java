package io.portcullis.upstream;

import io.portcullis.oauthclient.Challenge;
import io.portcullis.oauthclient.ClientSettings;
import io.portcullis.oauthclient.OAuthClient;
import io.portcullis.settings.UpstreamConfig;
import io.portcullis.settings.UpstreamCredentials;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Issue 17 item 1, {@code credentials: {mode: oauth}}: the gateway's own OAuth client at an
 * OAuth-protected HTTP upstream, the same {@link OAuthClient} that serves {@code portcullis connect}
 * (one implementation), with the client-credentials grant (a service: no browser, no user).
 *
 * <p>As the MCP authorization spec has it, the first request goes without a token; the upstream's
 * 401 and its {@code WWW-Authenticate} ({@code resource_metadata} hint, {@code scope}) start the
 * discovery (then path-based and root protected-resource metadata, RFC 8414 / OIDC discovery),
 * registration (pre-registered client, else RFC 7591), and the token request with the RFC 8707
 * {@code resource}; metadata about another resource is refused before any token is asked for. From
 * then on every request of the connection (the era probe, {@code initialize}, listings, calls, the
 * GET stream, the DELETE) carries the token, refreshed or renewed before it expires. A 401, or a
 * 403 with {@code insufficient_scope} (a step-up: the challenge's scopes are added), renews it
 * and sends the request once more, at most {@link #MAX_ATTEMPTS} times per request. Fail closed:
 * what cannot be had fails the request with the control named ({@code credentials: ...}), in one line.
 *
 * <p>Kept by the upstream's {@link Supervisor} across reconnects (the token outlives a connection)
 * and replaced when the upstream's URL or credentials change.
 */
final class UpstreamAuth {
    private static final Logger LOG = LoggerFactory.getLogger(UpstreamAuth.class);
    /** Re-authorizations of one request (a 401 after a fresh token, a step-up that is never enough). */
    static final int MAX_ATTEMPTS = 3;
    /** The Jetty request attribute that holds what is needed to send a refused request once more. */
    static final String RESEND = "portcullis.oauth.resend";
    /** How long one request to the authorization server (metadata, registration, token) may take. */
    static final Duration HTTP_TIMEOUT = Duration.ofSeconds(10);

    /** A request to send again after a renewed token; {@code attempt} counts the tokens it was refused with. */
    record Resend(ObjectNode message, Long requestId, Map<String, String> headers, long deadlineNanos, int attempt) {}

    private final UpstreamConfig config;
    private final OAuthClient client;
    /** Whether the upstream has challenged once (before that, requests go without a token). */
    private volatile boolean started;

    private UpstreamAuth(UpstreamConfig config, OAuthClient client) {
        this.config = config;
        this.client = client;
    }

    /**
     * The OAuth client of an upstream with {@code credentials: {mode: oauth}}: {@code kept} when its URL
     * and credentials are unchanged, else a new one; null for every other upstream.
     *
     * @throws IOException (control {@code credentials}) when the client secret cannot be read
     */
    static UpstreamAuth of(UpstreamConfig config, UpstreamAuth kept) throws IOException {
        UpstreamCredentials c = config.credentials();
        if (config.transport() != UpstreamConfig.Transport.HTTP || c == null || c.mode() != UpstreamCredentials.Mode.OAUTH) {
            return null;
        }
        if (kept != null && kept.config.url().equals(config.url()) && kept.config.credentials().equals(c)) {
            return kept;
        }
        String secret;
        try {
            secret = c.clientSecret() == null ? null : c.clientSecret().resolve();
        } catch (IllegalStateException e) {
            throw new IOException("credentials: the OAuth client secret of upstream " + config.name() + " is missing (" + e.getMessage() + ")");
        }
        ClientSettings settings = new ClientSettings(c.clientId(), secret, c.authMethod(), c.privateKey(), c.privateKeyAlg(), null,
                "portcullis-gateway", true, c.scope());
        java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder().followRedirects(java.net.http.HttpClient.Redirect.NEVER)
                .connectTimeout(HTTP_TIMEOUT).build();
        OAuthClient client = new OAuthClient(config.url(), settings, http, url -> {
            throw new IOException("the gateway has no browser: mode oauth uses the client-credentials grant");
        }, HTTP_TIMEOUT, HTTP_TIMEOUT, null, null, new PrintStream(new LogLines(config.name()), true, StandardCharsets.UTF_8));
        return new UpstreamAuth(config, client);
    }

    /** The token to send now, or null before the upstream has asked for one. */
    String token() throws IOException {
        if (!started) {
            return null;
        }
        try {
            return client.token();
        } catch (IOException e) {
            throw new IOException("credentials: " + oneLine(e.getMessage()));
        }
    }

    /**
     * A 401, or a 403 with {@code insufficient_scope}, to a request that can be sent again: renews the
     * token and sends it again on a virtual thread (or fails it after {@link #MAX_ATTEMPTS}). Runs on an
     * HTTP client thread: must not block.
     *
     * @return whether the answer was taken care of here
     */
    boolean challenged(HttpConnection conn, Request request, Response response, Content.Source body) {
        int status = response.getStatus();
        if (status != 401 && status != 403) {
            return false;
        }
        Challenge ch = Challenge.parse(response.getHeaders().get(HttpHeader.WWW_AUTHENTICATE));
        if ((status == 403 && !ch.insufficientScope()) || !(request.getAttributes().get(RESEND) instanceof Resend r)) {
            return false;
        }
        Content.Source.consumeAll(body, Callback.NOOP);
        if (r.attempt() >= MAX_ATTEMPTS) {
            LOG.warn("upstream {}: refused the gateway's OAuth token {} times (HTTP {}); giving up", config.name(), MAX_ATTEMPTS, status);
            conn.failed(r.requestId(), "credentials: the upstream refused the gateway's OAuth token " + MAX_ATTEMPTS + " times (HTTP "
                    + status + (ch.insufficientScope() ? " insufficient_scope" : "") + ")");
            return true;
        }
        String auth = request.getHeaders().get(HttpHeader.AUTHORIZATION);
        String sent = auth != null && auth.startsWith("Bearer ") ? auth.substring(7) : null;
        Thread.ofVirtual().name("oauth-" + config.name()).start(() -> {
            try {
                client.challenged(sent, ch);
                started = true;
            } catch (IOException | RuntimeException e) {
                String why = oneLine(e.getMessage());
                LOG.warn("upstream {}: OAuth refused: {}", config.name(), config.scrub(why));
                conn.failed(r.requestId(), "credentials: " + why);
                return;
            }
            conn.resend(r);
        });
        return true;
    }

    private static String oneLine(String s) {
        return s == null ? "the OAuth client failed" : s.replaceAll("\\s+", " ").strip();
    }

    /** What the OAuth client writes for a person ({@code connect} shows it on stderr) goes to the log. */
    private static final class LogLines extends OutputStream {
        private final String upstream;
        private final ByteArrayOutputStream line = new ByteArrayOutputStream();

        LogLines(String upstream) {
            this.upstream = upstream;
        }

        @Override
        public synchronized void write(int b) {
            if (b != '\n') {
                line.write(b);
                return;
            }
            String s = line.toString(StandardCharsets.UTF_8).replaceFirst("^portcullis connect: ", "");
            line.reset();
            LOG.info("upstream {}: {}", upstream, s);
        }
    }
}
