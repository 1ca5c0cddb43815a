package io.portcullis.upstream;

import io.portcullis.call.GatewayException;
import io.portcullis.identity.Principal;
import io.portcullis.settings.UpstreamConfig;
import io.portcullis.settings.UpstreamCredentials;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import org.eclipse.jetty.client.HttpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * #16 (C1.2): per-user upstream connections. An HTTP upstream reached with each user's own token
 * ({@code credentials: {mode: token_exchange | user_oauth}}) gets one connection, so one upstream
 * MCP session, per user: per (verified issuer + subject, upstream, scope), the key of the credential
 * cache. EVERY request of that connection ({@code initialize}, {@code notifications/initialized},
 * listings, calls, the GET stream, resuming an SSE answer, {@code tasks/*},
 * {@code resources/unsubscribe}, the closing {@code DELETE}) carries that user's current token,
 * asked from the credentials layer per request ({@link UserToken}); never another user's, never the
 * client's own.
 *
 * <p>Bounded: at most {@code max_user_sessions} per upstream; at the cap the least recently used
 * idle connection is closed, and while none is idle a new user is refused (control
 * {@code credentials}). A connection unused for {@code user_session_idle} is closed (its upstream
 * session ended with {@code DELETE}); so is a user's whose grant was revoked ({@link #closeUser}).
 *
 * <p>What a per-user connection sends tied to no call (list changes, log messages, resource
 * updates) goes to that user's client sessions only ({@link UserEvents}); what belongs to a call
 * (progress, sampling, elicitation) goes to that call's session as on any connection.
 */
public final class UserSessions implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(UserSessions.class);
    private static final long MAX_SWEEP_MS = 30_000;

    /** Whose connection: the verified issuer and subject, the upstream, the scope (the credential cache's key). */
    public record Key(String issuer, String subject, String upstream, String scope) {
        @Override
        public String toString() {
            return "upstream " + upstream + " for " + subject + " (" + issuer + ")";
        }
    }

    /** A caller's claim on their connection: its key and how to get the user's current token. */
    public record Lease(Key key, UserToken token) {}

    /** The credentials layer: who the caller is for an upstream and how their token is had. */
    @FunctionalInterface
    public interface Resolver {
        /** @throws GatewayException (control {@code credentials}) when the caller has no credential for the upstream */
        Lease lease(UpstreamConfig upstream, Principal caller) throws GatewayException;
    }

    /** Where a per-user connection's messages tied to no call go: to that user's client sessions alone. */
    public interface UserEvents {
        /** {@code kind} is {@code tools}, {@code prompts} or {@code resources}: the user's listing changed. */
        void listChanged(Key user, String kind);

        /** A notification tied to no call ({@code notifications/message}, {@code notifications/resources/updated}). */
        void notification(Key user, String upstream, ObjectNode message);
    }

    /** Makes and starts a per-user connection (tests pass one that does not connect). */
    interface Factory {
        Upstream open(UpstreamConfig config, Upstream.Listener listener, UserToken token);
    }

    private static final class Entry {
        final Upstream up;
        final Upstream shared;
        final AtomicReference<UserToken> token;
        volatile long lastUsed;

        Entry(Upstream up, Upstream shared, AtomicReference<UserToken> token, long now) {
            this.up = up;
            this.shared = shared;
            this.token = token;
            this.lastUsed = now;
        }
    }

    private final Resolver resolver;
    private final LongSupplier nanos;
    private final Factory factory;
    private final Map<Key, Entry> open = new HashMap<>(); // guarded by this
    private final List<UserEvents> events = new CopyOnWriteArrayList<>();
    private volatile Thread sweeper;
    private volatile boolean closed;

    public UserSessions(Resolver resolver, HttpClient http) {
        this(resolver, System::nanoTime, (config, listener, token) -> {
            Upstream u = new Upstream(config, listener, http);
            u.userToken = token;
            u.start();
            return u;
        });
    }

    UserSessions(Resolver resolver, LongSupplier nanos, Factory factory) {
        this.resolver = resolver;
        this.nanos = nanos;
        this.factory = factory;
    }

    /** Whether {@code u} is reached with each user's own token, so through per-user connections. */
    public static boolean perUser(UpstreamConfig u) {
        return u.transport() == UpstreamConfig.Transport.HTTP && u.credentials() != null && u.credentials().perUser();
    }

    /**
     * Makes {@code shared}'s callers use their own connections whenever its upstream is per-user (as its config
     * says at each call: a reload may change the mode in place); returns it.
     */
    public Upstream attach(Upstream shared) {
        shared.users = this;
        return shared;
    }

    /** Tells {@code e} of what per-user connections send tied to no call. */
    public void onEvents(UserEvents e) {
        events.add(e);
    }

    /**
     * The caller's own connection to {@code shared}'s upstream, opened when they have none, once it is ready.
     *
     * @throws GatewayException control {@code credentials} when the caller has no credential or the cap is
     *         reached with none idle, or when the upstream refused the caller's token as it started (issue 17, task h8:
     *         at once, not at the timeout); control {@code upstream} when its attempt to start failed or did not end
     *         within the upstream's timeout
     */
    Upstream route(Upstream shared, Principal caller) throws GatewayException {
        if (!perUser(shared.config())) {
            return shared;
        }
        Lease lease = resolver.lease(shared.config(), caller);
        Upstream u = session(shared, lease);
        try {
            if (!awaitAttempt(u, shared.config().timeout())) {
                throw refusal(shared, caller, lease.key(), u);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw u.notReady();
        }
        return u;
    }

    /**
     * Issue 17 (task h8): waits while the connection's current attempt to start runs, at most {@code timeout};
     * whether it is ready. An attempt that failed ends the wait at once (the caller is told now, as a shared
     * upstream's are, not after the backoff's next attempts), and so does a refused one (the connection closed).
     */
    static boolean awaitAttempt(Upstream u, Duration timeout) throws InterruptedException {
        long failures = u.restarts();
        long end = System.nanoTime() + timeout.toNanos();
        while (u.state() == Upstream.State.STARTING && u.restarts() == failures && end - System.nanoTime() > 0) {
            Thread.sleep(20);
        }
        return u.state() == Upstream.State.READY;
    }

    /**
     * Issue 17 (task h8): why the caller's connection is not ready. Refused at start (the upstream's 401/403 to
     * their token): control {@code credentials}, and the credentials layer is asked again first, so that a step-up
     * the 403 made due reaches the caller with its consent link (or the step-up bound with its refusal).
     */
    private GatewayException refusal(Upstream shared, Principal caller, Key key, Upstream u) throws GatewayException {
        String why = u.refused;
        if (why == null) {
            return u.notReady();
        }
        synchronized (this) {
            Entry e = open.get(key);
            if (e != null && e.up == u) {
                open.remove(key); // closed already; the next call opens a new one
            }
        }
        resolver.lease(shared.config(), caller); // throws the consent link (or the bound) when the refusal made one due
        return new GatewayException.Refused("credentials", why);
    }

    /**
     * The upstream tool names the caller's own connection lists, for their {@code tools/list}: null when
     * {@code shared} is not per-user (nothing to filter); empty when the caller has no credential or
     * no connection comes up (fail closed: never another user's listing).
     */
    public static Set<String> toolsOf(Upstream shared, Principal caller) {
        UserSessions s = shared.users;
        if (!perUser(shared.config())) {
            return null;
        }
        if (s == null) {
            return Set.of(); // per-user by its config but with no per-user connections: list none (fail closed)
        }
        try {
            java.util.Set<String> names = new java.util.HashSet<>();
            s.route(shared, caller).listing().tools().forEach(t -> names.add(t.path("name").asString("")));
            return Set.copyOf(names);
        } catch (GatewayException e) {
            LOG.debug("{}: no own listing for {}: {}", shared.name(), caller.subject(), e.getMessage());
            return Set.of();
        }
    }

    /** The connection of {@code lease}'s user, opened now when they have none (the cap applies). */
    synchronized Upstream session(Upstream shared, Lease lease) throws GatewayException {
        if (closed) {
            throw new GatewayException.UpstreamFailure("upstream", shared.name(), "the gateway is stopping");
        }
        long now = nanos.getAsLong();
        Entry e = open.get(lease.key());
        if (e != null && (e.up.state() == Upstream.State.CLOSED || !e.up.config().sameConnectionAs(shared.config()))) {
            open.remove(lease.key());
            e.up.close();
            e = null;
        }
        if (e != null) {
            if (!e.up.config().equals(shared.config())) {
                e.up.reconfigure(shared.config()); // only live settings changed (#21 item 6)
            }
            e.token.set(lease.token()); // the caller's latest token is the one exchanged from now on
            e.lastUsed = now;
            return e.up;
        }
        UpstreamCredentials c = shared.config().credentials();
        List<Entry> mine = open.entrySet().stream().filter(x -> x.getKey().upstream().equals(shared.name())).map(Map.Entry::getValue)
                .toList();
        if (mine.size() >= c.maxUserSessions()) {
            Entry lru = mine.stream().filter(x -> x.up.inFlight() == 0).min((a, b) -> Long.compare(a.lastUsed, b.lastUsed)).orElse(null);
            if (lru == null) {
                throw new GatewayException.Refused("credentials", "credentials: upstream " + shared.name() + " has its "
                        + c.maxUserSessions() + " per-user connections (max_user_sessions) open and none is idle; retry shortly");
            }
            closeEntry(lru, "the least recently used of " + c.maxUserSessions() + " (max_user_sessions)");
        }
        AtomicReference<UserToken> token = new AtomicReference<>(lease.token());
        Upstream up = factory.open(shared.config(), listener(shared, lease.key()), new UserToken() {
            @Override
            public String authorization() throws java.io.IOException {
                return token.get().authorization();
            }

            @Override
            public void insufficientScope(String scope) { // issue 17 (task h3): a step-up, told to the current lease
                token.get().insufficientScope(scope);
            }
        });
        open.put(lease.key(), new Entry(up, shared, token, now));
        LOG.info("{}: per-user upstream connection opened ({} open)", lease.key(), mine.size() + 1);
        startSweeper();
        return up;
    }

    /** Closes the connections unused for their upstream's {@code user_session_idle}; returns how many. */
    public synchronized int expireIdle() {
        long now = nanos.getAsLong();
        List<Entry> idle = new ArrayList<>();
        for (Entry e : open.values()) {
            Duration limit = e.up.config().credentials().userSessionIdle();
            if (e.up.inFlight() == 0 && now - e.lastUsed >= limit.toNanos()) {
                idle.add(e);
            }
        }
        idle.forEach(e -> closeEntry(e, "idle for user_session_idle"));
        return idle.size();
    }

    /**
     * Closes the connections of one user (issuer null: of every issuer) to {@code upstream} (null: to every
     * upstream): their grant was revoked. Returns how many.
     */
    public synchronized int closeUser(String subject, String issuer, String upstream) {
        List<Entry> theirs = open.entrySet().stream().filter(x -> x.getKey().subject().equals(subject)
                        && (issuer == null || x.getKey().issuer().equals(issuer))
                        && (upstream == null || x.getKey().upstream().equals(upstream)))
                .map(Map.Entry::getValue).toList();
        theirs.forEach(e -> closeEntry(e, "the user's grant was revoked"));
        return theirs.size();
    }

    /** The per-user connections open to {@code upstream}. */
    public synchronized int openCount(String upstream) {
        return (int) open.keySet().stream().filter(k -> k.upstream().equals(upstream)).count();
    }

    /** Whether {@code key}'s user has a connection open. */
    synchronized boolean isOpen(Key key) {
        return open.containsKey(key);
    }

    private void closeEntry(Entry e, String why) {
        open.values().remove(e);
        LOG.info("upstream {}: per-user connection closed: {}", e.up.name(), why);
        e.up.close(); // the upstream session ends with DELETE, carrying the user's token
    }

    /** The listener of one user's connection: its messages tied to no call reach that user alone. */
    private Upstream.Listener listener(Upstream shared, Key key) {
        return new Upstream.Listener() {
            @Override
            public void listingChanged(Upstream u) {
                // the catalog's listing comes from the shared (discovery) connection; while it cannot list (an
                // upstream that answers no request without a user's token) the users' connections' listings stand in
                if (shared.state() != Upstream.State.READY && shared.listing != u.listing && shared.users == UserSessions.this) {
                    shared.capabilities = u.capabilities; // what the gateway offers its clients of the upstream
                    shared.serverInfo = u.serverInfo;
                    shared.listing = u.listing;
                    shared.listener.listingChanged(shared);
                }
                for (String kind : List.of("tools", "prompts", "resources")) {
                    events.forEach(ev -> ev.listChanged(key, kind));
                }
            }

            @Override
            public void notification(Upstream u, ObjectNode message) {
                events.forEach(ev -> ev.notification(key, shared.name(), message));
            }

            @Override
            public void rootsServed(Upstream u, io.portcullis.settings.UpstreamRoots roots) {
                shared.listener.rootsServed(shared, roots);
            }
        };
    }

    private void startSweeper() {
        if (sweeper == null && !closed) {
            sweeper = Thread.ofVirtual().name("user-sessions-sweeper").start(() -> {
                try {
                    while (!closed) {
                        TimeUnit.MILLISECONDS.sleep(sweepMillis());
                        expireIdle();
                    }
                } catch (InterruptedException e) {
                    // close()
                }
            });
        }
    }

    /** Half the shortest idle time of the open connections, between 1 s and 30 s. */
    private synchronized long sweepMillis() {
        long min = open.values().stream().mapToLong(e -> e.up.config().credentials().userSessionIdle().toMillis() / 2)
                .min().orElse(MAX_SWEEP_MS);
        return Math.max(1_000, Math.min(MAX_SWEEP_MS, min));
    }

    /** Closes every per-user connection (the gateway stops). */
    @Override
    public void close() {
        closed = true;
        Thread s = sweeper;
        if (s != null) {
            s.interrupt();
        }
        List<Entry> all;
        synchronized (this) {
            all = List.copyOf(open.values());
            open.clear();
        }
        all.forEach(e -> e.up.close());
    }
}
