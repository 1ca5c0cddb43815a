package io.portcullis.server;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.portcullis.Gateway;
import io.portcullis.approval.ApprovalRequest;
import io.portcullis.ingress.ClientSession;
import io.portcullis.ingress.Sessions;
import io.portcullis.protocol.ProtocolVersion;
import io.portcullis.upstream.Upstream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToDoubleFunction;

/**
 * The gateway's state as gauges (#18 item 1): upstreams (state, breaker, restarts, calls in flight),
 * the audit writer (queue, commits, records, failures), the store's pool, sessions open by era,
 * approvals pending, kill switches in force, quarantined items. What changes with the config (the
 * upstreams) is re-read at each scrape ({@link #refresh}), so a removed upstream's rows disappear.
 * Per-call metrics are {@code metrics.CallMetrics}'s.
 */
final class GatewayGauges {
    private static final List<String> STATES = List.of("starting", "ready", "degraded", "unresponsive", "down", "closed");
    private static final List<String> BREAKER = List.of("closed", "open", "half_open", "disabled", "forced_open", "metrics_only");

    private final Gateway gateway;
    private final MeterRegistry registry;
    private final MultiGauge upstreamState;
    private final MultiGauge breakerState;
    private final MultiGauge inFlight;
    private final MultiGauge sessionsOpen;
    private final Set<String> restartCounters = ConcurrentHashMap.newKeySet();
    private final Sessions sessions;

    GatewayGauges(Gateway gateway, Sessions sessions, MeterRegistry registry) {
        this.gateway = gateway;
        this.sessions = sessions;
        this.registry = registry;
        upstreamState = MultiGauge.builder("portcullis_upstream_state")
                .description("1 for the state each upstream is in now (starting, ready, degraded, unresponsive, down, closed), else 0")
                .register(registry);
        breakerState = MultiGauge.builder("portcullis_upstream_breaker_state")
                .description("1 for the state of each upstream's circuit breaker now, else 0").register(registry);
        inFlight = MultiGauge.builder("portcullis_upstream_in_flight").description("Calls on their way to each upstream now")
                .register(registry);
        sessionsOpen = MultiGauge.builder("portcullis_sessions_open").description("Client sessions open now, by protocol era")
                .register(registry);
        var audit = gateway.audit().stats();
        gauge("portcullis_audit_queue_depth", "Audit records and jobs waiting for the writer", g -> audit.queueDepth());
        FunctionCounter.builder("portcullis_audit_records", audit, a -> a.records())
                .description("Audit records made durable").register(registry);
        FunctionCounter.builder("portcullis_audit_failures", audit, a -> a.failures())
                .description("Audit records whose commit failed (their calls were refused)").register(registry);
        Timer commits = Timer.builder("portcullis_audit_commit_duration").description("Audit batch commits (group commit)")
                .serviceLevelObjectives(Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5), Duration.ofMillis(10),
                        Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
                        Duration.ofSeconds(1), Duration.ofSeconds(5))
                .register(registry);
        audit.onCommit(nanos -> commits.record(Duration.ofNanos(nanos)));
        // #19: the group commit's batch size (records per commit), fixed buckets: 11 series whatever the load
        DistributionSummary batch = DistributionSummary.builder("portcullis_audit_commit_records")
                .description("Audit records per group commit (the writer's batch size)")
                .serviceLevelObjectives(1, 2, 4, 8, 16, 32, 64, 128, 256).register(registry);
        audit.onBatch(batch::record);
        gauge("portcullis_kill_switches_active", "Run-time kill switches in force on this node", g -> g.killSwitches().active().size());
        for (String kind : List.of("tool", "prompt", "resource")) {
            Gauge.builder("portcullis_quarantined", gateway, g -> g.catalog().quarantinedCount(kind)).tag("kind", kind)
                    .description("Catalog items quarantined because their definition changed from the pinned one")
                    .strongReference(true).register(registry);
        }
        gauge("portcullis_approvals_pending", "Approval requests waiting for a decision (at most 500 counted)", GatewayGauges::pending);
        if (gateway.store().dataSource() instanceof HikariDataSource pool) {
            HikariDataSource p = pool;
            for (String state : List.of("active", "idle", "pending")) {
                Gauge.builder("portcullis_store_connections", p, ds -> connections(ds, state)).tag("state", state)
                        .description("The store's connection pool: connections in use, idle, and threads waiting for one")
                        .strongReference(true).register(registry);
            }
            Gauge.builder("portcullis_store_connections_max", p, ds -> ds.getMaximumPoolSize())
                    .description("The store's pool size limit").strongReference(true).register(registry);
        }
        refresh();
    }

    private void gauge(String name, String description, ToDoubleFunction<Gateway> f) {
        Gauge.builder(name, gateway, f).description(description).strongReference(true).register(registry);
    }

    /** Re-reads what the config decides (upstreams, their breakers, sessions by era): call before each scrape. */
    void refresh() {
        List<MultiGauge.Row<?>> state = new ArrayList<>();
        List<MultiGauge.Row<?>> breaker = new ArrayList<>();
        List<MultiGauge.Row<?>> flight = new ArrayList<>();
        for (Upstream u : gateway.upstreams()) {
            String name = u.name();
            String now = u.status();
            STATES.forEach(s -> state.add(MultiGauge.Row.of(Tags.of("upstream", name, "state", s), s.equals(now) ? 1 : 0)));
            String b = u.protection().breakerState();
            BREAKER.forEach(s -> breaker.add(MultiGauge.Row.of(Tags.of("upstream", name, "state", s), s.equals(b) ? 1 : 0)));
            flight.add(MultiGauge.Row.of(Tags.of("upstream", name), u.inFlight()));
            if (restartCounters.add(name)) {
                FunctionCounter.builder("portcullis_upstream_restarts", gateway,
                                g -> g.upstream(name).map(Upstream::restarts).orElse(0L))
                        .description("Times the upstream's connection went down and was started again")
                        .tag("upstream", name).register(registry);
            }
        }
        upstreamState.register(state, true);
        breakerState.register(breaker, true);
        inFlight.register(flight, true);
        Map<String, Integer> eras = new TreeMap<>();
        for (ProtocolVersion v : ProtocolVersion.values()) {
            eras.put(v.id(), 0);
        }
        for (ClientSession s : sessions.all()) {
            eras.merge(s.version().id(), 1, Integer::sum);
        }
        List<MultiGauge.Row<?>> open = new ArrayList<>();
        eras.forEach((era, n) -> open.add(MultiGauge.Row.of(Tags.of("era", era), n)));
        sessionsOpen.register(open, true);
    }

    private static double pending(Gateway g) {
        try {
            return g.approvals().list(ApprovalRequest.Status.PENDING).size();
        } catch (Exception e) {
            return Double.NaN; // the store does not answer: no number rather than a wrong one
        }
    }

    private static double connections(HikariDataSource ds, String state) {
        HikariPoolMXBean pool = ds.getHikariPoolMXBean();
        if (pool == null) {
            return Double.NaN;
        }
        return switch (state) {
            case "active" -> pool.getActiveConnections();
            case "idle" -> pool.getIdleConnections();
            default -> pool.getThreadsAwaitingConnection();
        };
    }
}
