package io.portcullis.killswitch;

import io.portcullis.call.GatewayException;
import io.portcullis.store.Store;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * #14 item 2 (C6.2): the run-time kill switches of one gateway node. Calls and lists read an
 * in-memory view ({@link #refusal}), never the store; the view is re-read when a flip is made here,
 * when PostgreSQL notifies a flip made on another node ({@link KillListener}, {@code LISTEN}), and by a
 * poll: every {@link #EMBEDDED_POLL} on the embedded store, every {@link #SAFETY_NET} on PostgreSQL (in case
 * a notification is lost). Each node writes the audit record of the flips no node has recorded yet
 * ({@link Recorder}; exactly one node takes each flip), so a flip made by the CLI on a stopped gateway's
 * store is recorded when a gateway next runs.
 *
 * <p>Fail closed: when the view has not been read for {@link #STALE} (the store does not answer),
 * every tool and item that is not {@code read_only} is refused, naming the control and the problem,
 * and {@link #problem()} says so (the readiness report's C6.2 line fails).
 */
public final class KillSwitches implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger("portcullis.kill-switch");
    /** The control named in refusals. */
    public static final String CONTROL = "kill-switch";
    public static final Duration EMBEDDED_POLL = Duration.ofMillis(250);
    public static final Duration SAFETY_NET = Duration.ofSeconds(2);
    public static final Duration STALE = Duration.ofSeconds(5);

    /** Writes the audit record of one flip and returns when it is durable; throws when it is not. */
    @FunctionalInterface
    public interface Recorder {
        void record(KillStore.Flip flip) throws Exception;
    }

    private record View(long version, List<KillSwitch> active, long readAt) {}

    private final KillStore store;
    private final String node;
    private final LongSupplier nanos;
    private volatile View view;
    private volatile String problem;
    private volatile Runnable onChange = () -> { };
    private volatile Recorder recorder;
    private Thread poller;
    private KillListener listener;

    KillSwitches(KillStore store, String node, LongSupplier nanos) {
        this.store = store;
        this.node = node;
        this.nanos = nanos;
        this.view = new View(-1, List.of(), nanos.getAsLong());
        refresh();
    }

    /** The node's switches on {@code store}, read once now; {@link #start} keeps them fresh. */
    public static KillSwitches open(Store store, String node) {
        return new KillSwitches(KillStore.open(store), node, System::nanoTime);
    }

    public KillStore store() {
        return store;
    }

    /**
     * Starts re-reading (poll, and LISTEN on PostgreSQL): {@code onChange} runs after the switches in
     * force or the view's health changed; {@code recorder} writes the audit records of new flips.
     */
    public synchronized void start(Runnable onChange, Recorder recorder) {
        this.onChange = onChange;
        this.recorder = recorder;
        if (poller != null) {
            return;
        }
        boolean pg = store.store().dialect() == Store.Dialect.POSTGRES;
        Duration every = pg ? SAFETY_NET : EMBEDDED_POLL;
        poller = Thread.ofPlatform().daemon(true).name("kill-switch-poll").start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    Thread.sleep(every.toMillis()); // a timer, not a synchronisation
                } catch (InterruptedException e) {
                    return;
                }
                refresh();
            }
        });
        if (pg) {
            listener = KillListener.start(store.store(), this::refresh);
        }
        refresh();
    }

    /**
     * Re-reads the switches when the store's version moved, then records unaudited flips. Never
     * throws: a failure is kept in {@link #problem()} and the view ages (see {@link #STALE}).
     */
    public synchronized void refresh() {
        boolean wasHealthy = problem() == null;
        List<KillSwitch> before = view.active();
        try {
            long v = store.version();
            View next = v == view.version() ? new View(v, view.active(), nanos.getAsLong())
                    : new View(v, List.copyOf(store.active()), nanos.getAsLong());
            view = next;
            problem = null;
        } catch (SQLException | RuntimeException e) {
            problem = "the store did not answer: " + store.store().describe(e);
            LOG.warn("kill switches: cannot re-read from the store: {}", problem);
        }
        audit();
        if (!before.equals(view.active()) || wasHealthy != (problem() == null)) {
            try {
                onChange.run();
            } catch (RuntimeException e) {
                LOG.warn("kill switches: change listener failed: {}", e.toString());
            }
        }
    }

    private void audit() {
        Recorder r = recorder;
        if (r == null || problem != null) {
            return;
        }
        try {
            for (KillStore.Flip f : store.unaudited()) {
                if (!store.claim(f.seq(), node)) {
                    continue; // another node records it
                }
                try {
                    r.record(f);
                } catch (Exception e) {
                    LOG.error("AUDIT FAILURE: the kill switch flip {} ({} {}) is not recorded durably: {}", f.seq(), f.action(),
                            f.sw().describe(), e.toString());
                    store.release(f.seq());
                }
            }
        } catch (SQLException | RuntimeException e) {
            LOG.warn("kill switches: cannot record flips in the audit log: {}", e.toString());
        }
    }

    /** Sets a switch in the store; this node applies it at once, the others within their refresh. */
    public KillStore.Flip kill(KillSwitch s) throws SQLException {
        KillStore.Flip f = store.kill(s);
        refresh();
        return f;
    }

    /** Lifts a switch; empty when none such is in force. */
    public Optional<KillStore.Flip> unkill(KillSwitch.Scope scope, String name, String env, String reason, String by)
            throws SQLException {
        Optional<KillStore.Flip> f = store.unkill(scope, name, env, reason, by);
        refresh();
        return f;
    }

    /** The switches in force as this node sees them. */
    public List<KillSwitch> active() {
        return view.active();
    }

    /** Why the view cannot be trusted (the store does not answer, or it is older than {@link #STALE}), or null. */
    public String problem() {
        long age = nanos.getAsLong() - view.readAt();
        if (age > STALE.toNanos()) {
            return "the kill switches have not been read from the store for " + Duration.ofNanos(age).toSeconds() + " s"
                    + (problem == null ? "" : " (" + problem + ")");
        }
        return problem;
    }

    /**
     * Why {@code what} may not run in {@code env}, or empty. {@code tool} is its catalog name (null for
     * a resource or prompt), {@code upstream} the upstream serving it.
     */
    public Optional<GatewayException.Refused> refusal(String what, String tool, String upstream, boolean readOnly, String env) {
        for (KillSwitch s : view.active()) {
            if (!s.appliesIn(env)) {
                continue;
            }
            boolean hits = switch (s.scope()) {
                case TOOL -> s.name().equals(tool);
                case UPSTREAM -> s.name().equals(upstream);
                case ENVIRONMENT -> !s.readOnly() || !readOnly;
            };
            if (hits) {
                return Optional.of(new GatewayException.Refused(CONTROL, s.refusal(what)));
            }
        }
        String p = readOnly ? null : problem();
        if (p != null) {
            return Optional.of(new GatewayException.Refused(CONTROL, what + " is refused because the run-time kill switches "
                    + "cannot be trusted: " + p + "; only read_only tools run until the store answers (fail closed, C6.2)"));
        }
        return Optional.empty();
    }

    /** The instant of now as switches record it. */
    public static Instant now() {
        return Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
    }

    @Override
    public synchronized void close() {
        if (poller != null) {
            poller.interrupt();
        }
        if (listener != null) {
            listener.close();
        }
    }
}
