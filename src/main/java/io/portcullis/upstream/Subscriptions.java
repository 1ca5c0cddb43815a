package io.portcullis.upstream;

import io.portcullis.call.GatewayException;
import io.portcullis.protocol.Json;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * How a 2026-07-28 upstream tells the gateway about changes: there are no unsolicited
 * notifications in that era, so the gateway holds one {@code subscriptions/listen} request open
 * per upstream, asking for the list changes the upstream's capabilities offer and the resources
 * clients subscribed to. The notifications arrive on that request's stream (the SSE answer of its
 * POST, or the stdio pipe) and {@link Upstream} handles them as it does a legacy upstream's.
 *
 * <p>When the stream ends (the upstream restarted, the connection dropped) the listings are
 * fetched again, since changes may have been missed, and the request is sent again, with backoff.
 * When a client subscribes to or unsubscribes from a resource, the open request is cancelled and
 * sent again with the new filter. An upstream that refuses {@code subscriptions/listen} has its
 * listings fetched again every {@link #POLL} instead (its resource subscriptions then get no
 * updates).
 */
final class Subscriptions {
    private static final Logger LOG = LoggerFactory.getLogger(Subscriptions.class);
    static final Duration POLL = Duration.ofSeconds(60);
    private static final Duration FOREVER = Duration.ofDays(365);
    private static final long MAX_BACKOFF_MS = 30_000;

    /** Sends {@code subscriptions/listen} with {@code params} and waits until it ends. */
    interface Listen {
        /** @param relay hands the way to cancel the request to the subscriptions once it is on its way */
        ObjectNode send(ObjectNode params, Duration timeout, Background relay) throws GatewayException;
    }

    private final String upstream;
    private final Listen listen;
    private final Runnable refresh;
    private final Set<String> uris = ConcurrentHashMap.newKeySet();
    private final Object lock = new Object();
    private volatile ObjectNode capabilities = Json.object();
    private volatile Thread thread;
    private volatile Runnable cancelCurrent;
    private volatile boolean refilter;

    /** @param refresh fetches the upstream's listings again */
    Subscriptions(String upstream, Listen listen, Runnable refresh) {
        this.upstream = upstream;
        this.listen = listen;
        this.refresh = refresh;
    }

    /** Starts listening on a new connection whose discover result declared {@code caps}. */
    void start(ObjectNode caps) {
        synchronized (lock) {
            stop();
            capabilities = caps;
            Thread t = Thread.ofVirtual().name("listen-" + upstream).unstarted(this::run);
            thread = t; // before it runs: the loop goes on only while it is the current one
            t.start();
        }
    }

    /** Stops listening (the connection is gone); the subscribed resources are kept for the next one. */
    void stop() {
        synchronized (lock) {
            Thread t = thread;
            thread = null;
            if (t != null) {
                t.interrupt();
            }
            lock.notifyAll();
        }
        cancel();
    }

    /** A client subscribed to {@code uri} through the gateway. */
    void subscribe(String uri) {
        if (uris.add(uri)) {
            changed();
        }
    }

    void unsubscribe(String uri) {
        if (uris.remove(uri)) {
            changed();
        }
    }

    /** The filter of the next listen request: what the capabilities offer, and the subscribed resources. */
    ObjectNode filter() {
        ObjectNode f = Json.object();
        ObjectNode caps = capabilities;
        if (caps.path("tools").path("listChanged").asBoolean(false)) {
            f.put("toolsListChanged", true);
        }
        if (caps.path("prompts").path("listChanged").asBoolean(false)) {
            f.put("promptsListChanged", true);
        }
        if (caps.path("resources").path("listChanged").asBoolean(false)) {
            f.put("resourcesListChanged", true);
        }
        if (caps.path("resources").path("subscribe").asBoolean(false) && !uris.isEmpty()) {
            var a = f.putArray("resourceSubscriptions");
            uris.stream().sorted().forEach(a::add);
        }
        return f;
    }

    private void changed() {
        synchronized (lock) {
            refilter = true;
            lock.notifyAll();
        }
        cancel();
    }

    private void cancel() {
        Runnable c = cancelCurrent;
        if (c != null) {
            c.run();
        }
    }

    private boolean current() {
        return Thread.currentThread() == thread;
    }

    private void run() {
        long backoff = 250;
        try {
            while (current()) {
                ObjectNode filter;
                synchronized (lock) {
                    refilter = false;
                    filter = filter();
                    if (filter.isEmpty()) {
                        lock.wait(); // nothing to listen for until a client subscribes
                        continue;
                    }
                }
                long opened = System.nanoTime();
                LOG.debug("upstream {}: subscriptions/listen {}", upstream, filter);
                try {
                    listen.send(Json.object().set("notifications", filter), FOREVER, new Background(c -> cancelCurrent = c));
                    LOG.info("upstream {}: subscriptions/listen ended; listening again", upstream);
                } catch (GatewayException.UpstreamError e) {
                    LOG.info("upstream {} refused subscriptions/listen ({}); its listings are fetched every {} s instead",
                            upstream, e.error().path("message").asString(""), POLL.toSeconds());
                    poll();
                    return;
                } catch (GatewayException e) {
                    if (!current()) {
                        return;
                    }
                    if (!refilter) {
                        LOG.info("upstream {}: subscriptions/listen stream lost ({}); listening again", upstream, e.getMessage());
                    }
                } finally {
                    cancelCurrent = null;
                }
                if (refilter) {
                    continue; // a subscription changed: listen again at once with the new filter
                }
                backoff = System.nanoTime() - opened > Duration.ofSeconds(60).toNanos() ? 250 : Math.min(backoff * 2, MAX_BACKOFF_MS);
                Thread.sleep(backoff);
                refresh.run(); // changes may have been missed while no stream was open
            }
        } catch (InterruptedException e) {
            // stopped
        }
    }

    private void poll() throws InterruptedException {
        while (current()) {
            Thread.sleep(POLL.toMillis());
            if (current()) {
                refresh.run();
            }
        }
    }

    /** The relay of the gateway's own long-lived requests: no client, but a way to cancel. */
    record Background(Consumer<Runnable> cancelHandle) implements io.portcullis.call.Relay {
        @Override
        public void notify(ObjectNode notification) {}

        @Override
        public ObjectNode request(String method, ObjectNode params) throws GatewayException {
            return io.portcullis.call.Relay.NONE.request(method, params);
        }

        @Override
        public void attach(Runnable canceller) {
            cancelHandle.accept(canceller);
        }

        @Override
        public io.portcullis.call.ClientKey owner() {
            return io.portcullis.call.ClientKey.NONE; // nobody's: never a guess for another call's server-to-client request
        }
    }
}
