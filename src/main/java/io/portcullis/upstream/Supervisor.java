package io.portcullis.upstream;

import io.portcullis.settings.UpstreamConfig;
import io.portcullis.call.GatewayException;
import io.portcullis.call.Relay;
import io.portcullis.protocol.Json;
import io.portcullis.protocol.Message;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Keeps one {@link Upstream} connected (#12 item 4: the connection's life, apart from the calls
 * made over it): connects, settles the era ({@link Negotiation}) or does the legacy handshake,
 * fetches the listings, and when the connection dies or is found wedged, reconnects with
 * exponential backoff (issue #21 item 1). Runs on the upstream's own virtual thread.
 */
final class Supervisor {
    /** The upstream's logger: operators read these lines under the upstream's name. */
    private static final Logger LOG = LoggerFactory.getLogger(Upstream.class);
    private static final Duration INITIAL_BACKOFF = Duration.ofMillis(250);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
    /** An upstream that ran this long before dying is restarted at the initial backoff again. */
    private static final Duration STABLE = Duration.ofSeconds(60);

    private final Upstream up;
    /** Issue 17: the upstream's OAuth client, kept across reconnects (its token outlives a connection). */
    private UpstreamAuth auth;

    Supervisor(Upstream up) {
        this.up = up;
    }

    /** Connects now and reconnects with backoff whenever the connection dies, until the upstream is closed. */
    void run() {
        long backoffMs = INITIAL_BACKOFF.toMillis();
        try {
            while (up.state != Upstream.State.CLOSED) {
                long startedAt = System.nanoTime();
                CountDownLatch down = new CountDownLatch(1);
                try {
                    connect(down);
                    awaitDown(down);
                } catch (InterruptedException e) {
                    return;
                } catch (Exception e) {
                    // lastError reaches clients ("not available: ..."): a message, never a class name
                    up.lastError = e.getMessage() == null ? "unexpected failure while connecting" : up.config.scrub(e.getMessage());
                    if (refusedUser()) {
                        return; // issue 17 (task h8): closed; the user's next call opens a new connection (after their consent)
                    }
                    if (e instanceof GatewayException || e instanceof IOException) {
                        LOG.warn("upstream {} failed to start: {}", up.name(), up.lastError);
                    } else {
                        LOG.warn("upstream {} failed to start: {}", up.name(), up.lastError, e); // a bug: keep the trace
                    }
                }
                disconnect();
                if (up.state == Upstream.State.CLOSED) {
                    return;
                }
                up.state = Upstream.State.DOWN;
                up.restarts.incrementAndGet();
                up.calls.failAll(up.name(), "upstream " + up.name() + " is down: " + up.lastError);
                if (Duration.ofNanos(System.nanoTime() - startedAt).compareTo(STABLE) > 0) {
                    backoffMs = INITIAL_BACKOFF.toMillis(); // it ran a good while: a fresh failure, not a crash loop
                }
                LOG.info("upstream {} restarting in {} ms", up.name(), backoffMs);
                up.nextAttemptNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(backoffMs);
                Thread.sleep(backoffMs);
                if (up.state == Upstream.State.CLOSED) {
                    return;
                }
                up.state = Upstream.State.STARTING;
                backoffMs = Math.min(backoffMs * 2, MAX_BACKOFF.toMillis());
            }
        } catch (InterruptedException e) {
            // close() interrupts the supervisor
        } finally {
            // whatever the supervisor was doing when close() came, no child process may outlive it
            disconnect();
        }
    }

    /**
     * Issue 17 (task h8): a per-user connection whose start the upstream refused with 401/403 (or for which the
     * credentials layer had no token): retrying with the same token only meets the same refusal, and the caller
     * waiting for it would wait out the upstream's timeout. It is closed now (fail closed), its refusal kept for
     * {@link UserSessions#route}, which answers it at once (with the consent link when a step-up is due).
     */
    private boolean refusedUser() {
        String why = up.userToken != null && up.connection instanceof HttpConnection h ? h.refusal() : null;
        if (why == null) {
            return false;
        }
        up.refused = up.config.scrub(why);
        up.lastError = up.refused;
        LOG.info("upstream {}: per-user connection refused at start, closed: {}", up.name(), up.refused);
        up.close();
        return true;
    }

    /**
     * Waits until the connection reports that it is gone, or until it is broken without a report
     * (a reader that died, a child that stopped reading): the supervisor does not trust a silent
     * connection (issue #21 item 1).
     */
    private void awaitDown(CountDownLatch down) throws InterruptedException {
        while (!down.await(1, TimeUnit.SECONDS)) {
            Connection c = up.connection;
            String failure = c == null ? null : c.failure();
            if (failure != null) {
                up.lastError = up.config.scrub(failure);
                LOG.warn("upstream {} is wedged: {}; restarting it", up.name(), up.lastError);
                return;
            }
        }
    }

    private void connect(CountDownLatch down) throws IOException, GatewayException {
        UpstreamConfig config = up.config;
        Connection c = config.transport() == UpstreamConfig.Transport.STDIO
                ? new StdioConnection(config, up::config)
                : new HttpConnection(config, up.http, auth = UpstreamAuth.of(config, auth), up.userToken); // #16: null unless per-user
        up.connection = c;
        up.modern = false;
        up.health.reset();
        c.open(new Inbound(up, down));
        EraProbe.Verdict.Modern m = up.negotiation.negotiate(c, down);
        if (m != null) {
            up.negotiatedVersion = m.version();
            up.capabilities = m.discover().get("capabilities") instanceof ObjectNode o ? o : Json.object();
            up.serverInfo = m.discover().path("_meta").get(ModernEnvelope.SERVER_INFO_KEY) instanceof ObjectNode o ? o : Json.object();
            up.instructions = instructions(m.discover()); // #15 item 1: pinned, never passed on unreviewed
            up.modern = true;
            c.negotiated(up.negotiatedVersion);
        } else {
            initialize(c);
        }
        up.fetchListing();
        // the catalog has the upstream's tools before anyone is told it is ready
        up.listener.listingChanged(up);
        up.lastError = null;
        up.state = Upstream.State.READY;
        if (up.modern) {
            up.subscriptions.start(up.capabilities);
        }
        LOG.info("upstream {} ready: {} {} (protocol {}), {} tools", up.name(), up.serverInfo.path("name").asString(""),
                up.serverInfo.path("version").asString(""), up.negotiatedVersion, up.listing.tools().size());
    }

    /** The legacy handshake: initialize, then notifications/initialized. */
    private void initialize(Connection c) throws IOException, GatewayException {
        UpstreamConfig config = up.config;
        ObjectNode params = Json.object().put("protocolVersion", config.protocolVersion());
        ObjectNode caps = params.putObject("capabilities");
        caps.putObject("sampling");
        caps.putObject("elicitation");
        caps.putObject("roots").put("listChanged", true);
        params.set("clientInfo", ModernEnvelope.gatewayInfo());
        ObjectNode init = up.send("initialize", params, Upstream.HANDSHAKE_TIMEOUT, Relay.NONE);
        up.negotiatedVersion = init.path("protocolVersion").asString(config.protocolVersion());
        up.capabilities = init.get("capabilities") instanceof ObjectNode o ? o : Json.object();
        up.serverInfo = init.get("serverInfo") instanceof ObjectNode o ? o : Json.object();
        up.instructions = instructions(init); // #15 item 1: pinned, never passed on unreviewed
        c.negotiated(up.negotiatedVersion);
        c.send(Message.notification("notifications/initialized", null), null);
    }

    /** The handshake's {@code instructions}, or null when there are none (or they are not a string). */
    private static String instructions(ObjectNode handshake) {
        var i = handshake.get("instructions");
        return i != null && i.isString() && !i.asString().isBlank() ? i.asString() : null;
    }

    /** Stops the listen subscriptions and closes the connection (a child process is stopped). */
    void disconnect() {
        up.subscriptions.stop();
        Connection c = up.connection;
        up.connection = null;
        if (c != null) {
            c.close();
        }
    }
}
