package io.portcullis;

import io.portcullis.catalog.Catalog;
import io.portcullis.config.GatewayConfig;
import io.portcullis.settings.UpstreamConfig;
import io.portcullis.pipeline.Pipeline;
import io.portcullis.policy.Policy;
import io.portcullis.upstream.Upstream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import org.eclipse.jetty.client.HttpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The running gateway, independent of transports: the current {@link Snapshot} (config, upstreams,
 * aggregated catalog, policy, readiness report and the chains built from them). A config reload
 * builds a new snapshot and swaps it in atomically; upstreams whose definition did not change keep
 * running. A request reads {@link #snapshot()} once and decides on it alone (#12 item 1).
 */
public final class Gateway implements AutoCloseable, Upstream.Listener {
    private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);

    /**
     * A snapshot with its readiness report (G1) and its chains: computed when config or catalog
     * change, never per call. The report is evaluated against the tool chain's controls (#11 item
     * 22), then the chains are built with that report (#12 item 2).
     */
    private Snapshot snapshot(GatewayConfig config, Map<String, Upstream> upstreams, Catalog built, Policy policy) {
        Catalog catalog = pins.check(built); // #15 item 1: changed definitions quarantined, new ones pinned
        var report = io.portcullis.readiness.Readiness.evaluate(config, catalog, policy, changelogRecorded(),
                Chains.controls(audit, approvals), kills);
        Chains chains = Chains.build(new Chains.Parts(config, upstreams, catalog, policy, report, audit, approvals, credentials, kills, rateLimits,
                conversations, observers));
        return new Snapshot(config, upstreams, catalog, policy, report, chains);
    }

    private final HttpClient http = Upstream.httpClient();
    /** #16 items 1, 2: exchanged upstream tokens (cached per user) and per-user OAuth grants (the vault), across snapshots. */
    private final io.portcullis.credentials.Credentials credentials;
    private final List<BiConsumer<String, ObjectNode>> listeners = new CopyOnWriteArrayList<>();
    private final Object reloadLock = new Object();
    private volatile Snapshot snapshot;
    private final io.portcullis.store.Store store;
    private final io.portcullis.identity.Identity identity;
    private final io.portcullis.approval.Approvals approvals;
    private final io.portcullis.ingress.detached.Ticker ticker;
    private final io.portcullis.audit.AuditLog audit;
    private final io.portcullis.store.DataDirLock dirLock;
    private final io.portcullis.readiness.ConfigChanges changes;
    private final io.portcullis.killswitch.KillSwitches kills;
    private final io.portcullis.ratelimit.RateLimits rateLimits = new io.portcullis.ratelimit.RateLimits();
    private final io.portcullis.conversation.ConversationStore conversations;
    private final io.portcullis.pin.Pins pins;
    private final io.portcullis.pin.PinReviews reviews;
    private final Incidents incidents = new Incidents(() -> snapshot.config()); // #15 item 5
    private final io.portcullis.call.CallObserver.Many observers = new io.portcullis.call.CallObserver.Many(); // #18 item 1
    private final io.portcullis.changes.ChangeControl changeControl;
    private volatile io.portcullis.pin.PinWatch pinWatch;

    /**
     * Builds the gateway and opens its store (created on first start).
     *
     * @throws io.portcullis.store.StoreException when the store or the audit log (its tables, signing key, node id)
     *         cannot be opened: the gateway does not start without them
     */
    public Gateway(GatewayConfig config) {
        this(config, io.portcullis.ingress.detached.Ticker.system());
    }

    /**
     * As {@link #Gateway(GatewayConfig)}, with the time that approvals and detached calls (input
     * rounds, gateway tasks) run on: tests pass a ticker they move by hand (#12 item 7).
     */
    public Gateway(GatewayConfig config, io.portcullis.ingress.detached.Ticker ticker) {
        this.ticker = ticker;
        // #11 item 17: one serving process per data directory (its node id, key and chains live there)
        this.dirLock = io.portcullis.store.DataDirLock.acquire(config.server().dataDir(), "gateway", config.store().sqliteLocking());
        GatewayConfig file = config; // #15 item 4: a restart runs on the last approved config, not on a held change
        this.store = Opening.orClose(() -> io.portcullis.store.Store.openServing(file.store()), dirLock);
        GatewayConfig run = Opening.orClose(() -> io.portcullis.changes.ApprovedConfig.atStart(store, file), store, dirLock);
        config = run;
        this.identity = new io.portcullis.identity.Identity(store, java.time.Clock.systemUTC());
        identity.apply(config.identity(), config.environmentNames());
        this.audit = Opening.orClose(() -> io.portcullis.audit.AuditLog.open(store, run.audit()), store, dirLock);
        this.approvals = new io.portcullis.approval.Approvals(store, ticker.clock());
        approvals.apply(config.approvals());
        approvals.recorder(audit.approvalRecorder());
        this.credentials = GatewayCredentials.open(store, identity, config, http); // #16: before the upstreams (per-user connections)
        Map<String, Upstream> ups = new LinkedHashMap<>();
        for (UpstreamConfig uc : config.upstreams().values()) {
            ups.put(uc.name(), incidents.watch(credentials.sessions().attach(new Upstream(uc, this, http))));
        }
        this.changes = new io.portcullis.readiness.ConfigChanges(store);
        this.conversations = new io.portcullis.conversation.ConversationStore(store, ticker.clock()); // #13 item 4
        // #14 item 2 (C6.2): the run-time kill switches, read from the store now and kept fresh from start()
        this.kills = io.portcullis.killswitch.KillSwitches.open(store, audit.node());
        rateLimits.apply(config.rateLimits()); // #14 item 3
        this.pins = new io.portcullis.pin.Pins(store, ticker.clock());
        pins.apply(config.pins());
        pins.onQuarantine(incidents::quarantined); // #15 item 5; item 6: pins, quarantines, configs as audit records
        io.portcullis.changelog.ChangeRecords.attach(audit, pins, changes, () -> snapshot == null ? run.environmentNames() : snapshot.config().environmentNames());
        changes.record(config);
        this.reviews = new io.portcullis.pin.PinReviews(pins,
                rec -> audit.pinReviewed(snapshot.config().environmentNames(), rec), this::pinsChanged);
        this.changeControl = new io.portcullis.changes.ChangeControl(store, ticker.clock(), this::config, this::apply, // #15 item 4
                rec -> audit.configChanged(snapshot.config().environmentNames(), rec), incidents::changeHeld);
        reviews.authors(changeControl::authorsOf); // #15 item 2: the author of an upstream's last config change reviews none of its pins
        snapshot = snapshot(config, ups, Catalog.EMPTY, Snapshot.compile(config));
    }

    public void start() {
        kills.start(this::killSwitchesChanged, f -> {
            audit.adminAction("kill_switch", f.sw().by(), f.action(), f.tool(), f.toJson(), f.sw().environmentsAmong(snapshot.config().environmentNames()));
            incidents.flipped(f); // #15 item 5: after the record is durable, the owners' on-call webhooks
        });
        snapshot.upstreams().values().forEach(Upstream::start);
        pinWatch = new io.portcullis.pin.PinWatch(pins, this::pinsChanged); // #15: another node's reviews and quarantines
    }

    /** #14 item 2 (C6.2): the node's run-time kill switches (kill, unkill, what is in force). */
    public io.portcullis.killswitch.KillSwitches killSwitches() {
        return kills;
    }

    /** #18 item 1: who is told of every finished tool call (the listener adds its metrics here). */
    public io.portcullis.call.CallObserver.Many callObservers() {
        return observers;
    }
    /**
     * A kill switch was flipped (here or on another node) or their store stopped or started answering:
     * the readiness report is evaluated again (C6.2 shows them) and clients re-list (killed items are hidden).
     */
    private void killSwitchesChanged() {
        rebuild(false);
        List.of("tools", "resources", "prompts").forEach(kind -> fire(kind, null));
    }

    /** The snapshot built again on the same config, its catalog listed anew when {@code relist}; returns the kinds of lists that changed. */
    private Set<String> rebuild(boolean relist) {
        synchronized (reloadLock) {
            Snapshot s = snapshot;
            snapshot = snapshot(s.config(), s.upstreams(), relist ? Catalog.build(s.config(), s.upstreams().values()) : s.catalog(), s.policy());
            return snapshot.catalog().changedSince(s.catalog());
        }
    }

    /** Waits until every upstream is ready or the time is up; returns the names not ready. */
    public List<String> awaitUpstreams(Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        List<String> notReady = new ArrayList<>();
        for (Upstream u : snapshot.upstreams().values()) {
            long left = Math.max(0, end - System.nanoTime());
            if (!u.awaitReady(Duration.ofNanos(left))) {
                notReady.add(u.name());
            }
        }
        return notReady;
    }

    /** The durable store; its location is fixed at start (a reload that changes it needs a restart). */
    public io.portcullis.store.Store store() {
        return store;
    }

    /** Who may call (C1.1-C1.4): the authenticator of the current config, revocations, API keys. */
    public io.portcullis.identity.Identity identity() {
        return identity;
    }

    /** The audit log (C4.1–C4.3); its store is {@link #store()}. */
    public io.portcullis.audit.AuditLog audit() {
        return audit;
    }

    /** The approval workflow (C3.2, C3.3): requests, decisions, waiting calls. */
    public io.portcullis.approval.Approvals approvals() {
        return approvals;
    }

    /** #16: the credential services for upstreams (exchanger, per-user OAuth grants). */
    public io.portcullis.credentials.Credentials credentials() { return credentials; }

    /** The rate limiter (#14 item 3, C6.3): its buckets outlive config reloads. */
    public io.portcullis.ratelimit.RateLimits rateLimits() {
        return rateLimits;
    }

    /** The time approvals and detached calls run on (#12 item 7). */
    public io.portcullis.ingress.detached.Ticker ticker() {
        return ticker;
    }

    /**
     * The applied state as one value (#12 item 1). A request reads it once, when it is dispatched,
     * and runs on that value alone; the accessors below are for what is not a call (admin, CLI).
     */
    public Snapshot snapshot() {
        return snapshot;
    }

    public GatewayConfig config() { return snapshot.config(); }

    public Catalog catalog() {
        return snapshot.catalog();
    }

    /** The compiled policy of the current config (C3.1). */
    public Policy policy() {
        return snapshot.policy();
    }

    /** The running tool chain's stages and the checklist lines each enforces (#11 item 22: what readiness evaluates). */
    public Map<String, List<String>> controls() {
        return snapshot.chains().toolCall().controls();
    }

    /** The readiness report of the current config and catalog, with each environment's G1 gate. */
    public io.portcullis.readiness.Report readiness() {
        return io.portcullis.changes.HeldNotice.on(snapshot.readiness(), changeControl); // #15 item 4: a held change is named
    }

    /** Whether every applied config has been recorded in the store's {@code config_changes} (C7.3). */
    public boolean changelogRecorded() {
        return changes.healthy();
    }

    /** The changelog of applied configs (C7.3). */
    public io.portcullis.readiness.ConfigChanges configChanges() {
        return changes;
    }

    /** The {@code tools/call} chain of the current snapshot (bound to it: a call on it decides on that snapshot alone). */
    public Pipeline pipeline() {
        return snapshot.chains().toolCall();
    }

    public Optional<Upstream> upstream(String name) {
        return Optional.ofNullable(snapshot.upstreams().get(name));
    }

    public List<Upstream> upstreams() {
        return List.copyOf(snapshot.upstreams().values());
    }

    /** The event kind of an upstream's log message tied to no call, followed by the upstream's name (#11 item 21). */
    public static final String LOG_EVENT = "log:";

    /** Registers a listener for list changes ({@code tools}, {@code prompts}, {@code resources}) and upstream notifications. */
    public void onEvent(BiConsumer<String, ObjectNode> listener) {
        listeners.add(listener);
    }

    /**
     * Swaps in a new config: new upstreams start, removed ones stop, changed ones restart (keeping
     * their last listing until the new connection lists), upstreams whose change is only to live
     * settings (timeout, protocol tolerance) are reconfigured in place, the rest keep running. The catalog is rebuilt against the new config at once.
     */
    public void apply(GatewayConfig next) {
        Set<String> changed;
        synchronized (reloadLock) {
            Snapshot old = snapshot;
            Map<String, Upstream> ups = new LinkedHashMap<>();
            List<Upstream> toStart = new ArrayList<>();
            for (UpstreamConfig uc : next.upstreams().values()) {
                Upstream existing = old.upstreams().get(uc.name());
                if (existing != null && Objects.equals(existing.config(), uc)) {
                    ups.put(uc.name(), existing);
                } else if (existing != null && existing.config().sameConnectionAs(uc)) {
                    existing.reconfigure(uc); // only live settings changed (timeout, ...): no restart (#21 item 6)
                    ups.put(uc.name(), existing);
                } else {
                    Upstream fresh = incidents.watch(credentials.sessions().attach(new Upstream(uc, this, http)));
                    if (existing != null) {
                        fresh.inheritListing(existing); // its tools stay known ("starting") while it restarts
                    }
                    ups.put(uc.name(), fresh);
                    toStart.add(fresh);
                }
            }
            identity.apply(next.identity(), next.environmentNames());
            audit.reconfigure(next.audit());
            approvals.apply(next.approvals());
            rateLimits.apply(next.rateLimits());
            changes.record(next);
            pins.apply(next.pins());
            credentials.grants().apply(next.vault()); // #16 item 2: a rotated KEK re-wraps every grant
            snapshot = snapshot(next, ups, Catalog.build(next, ups.values()), Snapshot.compile(next));
            changed = snapshot.catalog().changedSince(old.catalog());
            if (!snapshot.gates().equals(old.gates())) {
                changed.add("tools"); // the readiness gate hides or marks tools (G1): clients must re-list
            }
            for (Upstream u : old.upstreams().values()) {
                if (ups.get(u.name()) != u) {
                    u.close();
                }
            }
            toStart.forEach(Upstream::start);
            LOG.info("config applied: {} upstreams ({} started), {} environments", ups.size(), toStart.size(), next.environments().size());
        }
        changed.forEach(kind -> fire(kind, null));
    }

    @Override
    public void listingChanged(Upstream upstream) {
        Set<String> changed;
        synchronized (reloadLock) {
            if (snapshot.upstreams().get(upstream.name()) != upstream) {
                return; // a replaced upstream reporting late
            }
            changed = rebuild(true);
        }
        // only real changes reach clients: a restarted upstream that lists the same tools is no news
        changed.forEach(kind -> fire(kind, null));
    }

    /** #15 items 1, 2: the pins of tool, prompt and resource definitions. */
    public io.portcullis.pin.Pins pins() {
        return pins;
    }

    /** #15 item 2: the review queue of changed and held definitions; a decision re-checks the catalog. */
    public io.portcullis.pin.PinReviews reviews() {
        return reviews;
    }

    /** #15 item 4: where the config watcher offers each reload; widening changes wait there for a second person. */
    public io.portcullis.changes.ChangeControl changeControl() {
        return changeControl;
    }

    /** A pin was accepted or rejected: the catalog is checked against the pins again, and clients told of what changed. */
    private void pinsChanged() {
        rebuild(true).forEach(kind -> fire(kind, null));
    }

    /** #11 item 1: the roots the gateway gave a shared upstream are an audit record in every environment's chain. */
    @Override
    public void rootsServed(Upstream upstream, io.portcullis.settings.UpstreamRoots roots) {
        audit.rootsServed(upstream.name(), snapshot.config().environmentNames(),
                roots.uris().stream().map(java.net.URI::toString).toList(), roots.source());
    }

    @Override
    public void notification(Upstream upstream, ObjectNode message) {
        if ("notifications/message".equals(message.path("method").asString(""))) {
            // #13 item 2: scanned like a result before any session sees it (class, count, place logged; never the value)
            ObjectNode clean = io.portcullis.egress.EgressRelay.untied(snapshot.config().egress(), upstream.name(), message,
                    found -> LOG.info("upstream {} log message (no call): egress {}", upstream.name(), found));
            if (clean != null) {
                fire(LOG_EVENT + upstream.name(), clean); // a log line tied to no call
            }
            return;
        }
        fire("notification", message);
    }

    private void fire(String kind, ObjectNode message) {
        for (BiConsumer<String, ObjectNode> l : listeners) {
            try {
                l.accept(kind, message);
            } catch (RuntimeException e) {
                LOG.warn("event listener failed: {}", e.toString());
            }
        }
    }

    @Override
    public void close() {
        kills.close();
        changeControl.close();
        java.util.Optional.ofNullable(pinWatch).ifPresent(io.portcullis.pin.PinWatch::close);
        GatewayCredentials.close(credentials, snapshot.upstreams().values()); // #16: the per-user connections too
        approvals.close();
        incidents.close();
        rateLimits.close();
        try {
            http.stop();
        } catch (Exception e) {
            LOG.debug("upstream HTTP client did not stop cleanly: {}", e.toString());
        }
        identity.close();
        audit.close();
        store.close();
        dirLock.close();
    }
}
