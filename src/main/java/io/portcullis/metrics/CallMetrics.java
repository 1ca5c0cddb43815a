package io.portcullis.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.portcullis.call.CallContext;
import io.portcullis.call.CallObserver;
import io.portcullis.call.CallTrail;
import io.portcullis.catalog.ToolEntry;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The metrics of every tool call (#18 item 1), recorded in one place: the {@code call-log} stage
 * tells this observer of each finished call, and everything below is read off the call's trail.
 * No stage records metrics itself.
 *
 * <p>Labels are bounded (docs/operations/metrics.md gives the cardinality): environments, upstreams
 * and tools come from the config and the catalog (a tool the catalog does not know is counted as
 * {@code tool="(unknown)"}, never under the name a caller sent), risk classes, outcomes and controls
 * are fixed sets. No subject, client, session or argument value is ever a label.
 */
public final class CallMetrics implements CallObserver {
    /** The name a call to a tool that is not in the catalog is counted under: callers choose tool names. */
    public static final String UNKNOWN = "(unknown)";
    /** Histogram buckets of call and upstream latency: 0.5 ms to 60 s. */
    static final Duration[] BUCKETS = {
            Duration.ofNanos(500_000), Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5),
            Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100),
            Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500),
            Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(60)};

    /** Histogram buckets of a control's own time (#18 item 1): 10 µs to 60 s (the policy stage holds approval waits). */
    static final Duration[] STAGE_BUCKETS = {
            Duration.ofNanos(10_000), Duration.ofNanos(25_000), Duration.ofNanos(50_000), Duration.ofNanos(100_000),
            Duration.ofNanos(250_000), Duration.ofNanos(500_000), Duration.ofMillis(1), Duration.ofMillis(5),
            Duration.ofMillis(25), Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofSeconds(10), Duration.ofSeconds(60)};

    private final MeterRegistry registry;
    /**
     * #18 item 1: the control-duration timers by environment, then method, then control: looked up per
     * stage, registered once (#12: no key is built per call; the names are constants, their hashes cached).
     */
    private final ConcurrentHashMap<String, ConcurrentHashMap<String, ConcurrentHashMap<String, Timer>>> stageTimers =
            new ConcurrentHashMap<>();
    /** #12: each label set's call meters, registered once (a Micrometer builder and meter-id lookup per call cost the HTTP rows). */
    private final ConcurrentHashMap<Labels, Meters> meters = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Timer> upstreamTimers = new ConcurrentHashMap<>();
    /** Environment, then decision: the policy decision counters (one per tool call that reached policy). */
    private final ConcurrentHashMap<String, ConcurrentHashMap<String, Counter>> decisions = new ConcurrentHashMap<>();

    public CallMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void completed(CallContext call, String outcome, String control, Duration took) {
        CallTrail trail = call.trail();
        ToolEntry tool = trail.tool();
        String env = orNone(call.environment());
        String upstream = tool != null ? tool.upstream() : orNone(trail.upstream());
        String name = tool != null ? tool.name() : UNKNOWN;
        String result = outcome(outcome);
        // #12: the meters of a label set are built and registered once, then found here on every call
        Labels labels = new Labels(env, upstream, name, tool == null ? "none" : tool.risk().id(), result, orNone(control));
        Meters m = meters.get(labels);
        if (m == null) {
            m = meters.computeIfAbsent(labels, this::register);
        }
        m.calls().increment();
        m.whole().record(took);
        Duration up = trail.upstreamTime();
        if (up != null) {
            Timer t = upstreamTimers.get(upstream);
            if (t == null) {
                t = upstreamTimers.computeIfAbsent(upstream, u -> Timer.builder("portcullis_upstream_duration")
                        .description("The upstream alone: from the request sent to its answer")
                        .tags("upstream", u).serviceLevelObjectives(BUCKETS).register(registry));
            }
            t.record(up);
        }
        // the gateway's own share: the whole call less the upstream (every control, the audit writes, the relay)
        m.gateway().record(up == null ? took : took.minus(up).isNegative() ? Duration.ZERO : took.minus(up));
        if (trail.decision() != null) {
            var byDecision = decisions.get(env);
            if (byDecision == null) {
                byDecision = decisions.computeIfAbsent(env, e -> new ConcurrentHashMap<>());
            }
            Counter d = byDecision.get(trail.decision());
            if (d == null) {
                d = byDecision.computeIfAbsent(trail.decision(), k -> Counter.builder("portcullis_policy_decisions")
                        .description("Policy decisions on tool calls").tags("environment", env, "decision", k).register(registry));
            }
            d.increment();
            if ("require_approval".equals(trail.decision())) {
                Counter.builder("portcullis_approval_waits").description("Tool calls that waited for an approval, by how they ended")
                        .tags("environment", env, "outcome", result).register(registry).increment();
            }
        }
        if (control != null) {
            Counter.builder("portcullis_control_refusals").description("Tool calls refused or failed, by the control that did it")
                    .tags("control", control, "outcome", result).register(registry).increment();
        }
        for (String detected : trail.detected()) {
            Counter.builder("portcullis_egress_detections").description("Tool calls whose result held data of a detection class")
                    .tags("environment", env, "class", detected).register(registry).increment();
        }
    }

    /** The labels of a tool call's meters (#18 item 1). */
    private record Labels(String env, String upstream, String tool, String risk, String outcome, String control) {}

    /** The meters every tool call of one label set records. */
    private record Meters(Counter calls, Timer whole, Timer gateway) {}

    private Meters register(Labels l) {
        Counter calls = Counter.builder("portcullis_calls")
                .description("Tool calls by environment, upstream, tool, risk class, outcome and the control that refused or failed them")
                .tags("environment", l.env(), "upstream", l.upstream(), "tool", l.tool(),
                        "risk", l.risk(), "outcome", l.outcome(), "control", l.control())
                .register(registry);
        return new Meters(calls,
                timer("portcullis_call_duration", "Whole tool calls, every control and the upstream", l.env(), l.upstream(), l.outcome()),
                timer("portcullis_gateway_duration", "The gateway's own share of tool calls (the whole call less the upstream)",
                        l.env(), l.upstream(), l.outcome()));
    }

    /**
     * #18 item 1 "per control: durations": the stage's own time (its time less the stages inside it,
     * {@code call.StageTimer}) in the {@code tools/call} chain.
     */
    @Override
    public void stageTook(String environment, String control, long nanos) {
        stageTook(environment, io.portcullis.call.StageTimer.TOOL_CALL, control, nanos);
    }

    /**
     * #18 item 1: a stage's own time in the chain of {@code method}. Labels: the environment (from the
     * config), the method (the chains' methods: a fixed set of six) and the control (a stage name: a
     * fixed set). The timer is looked up in maps of maps (environment, method, control: no key string
     * built per stage and call, #12); registered once per triple.
     */
    @Override
    public void stageTook(String environment, String method, String control, long nanos) {
        String env = orNone(environment);
        String m = orNone(method);
        String c = orNone(control);
        var byMethod = stageTimers.get(env);
        if (byMethod == null) {
            byMethod = stageTimers.computeIfAbsent(env, e -> new ConcurrentHashMap<>());
        }
        ConcurrentHashMap<String, Timer> byControl = byMethod.get(m);
        if (byControl == null) {
            byControl = byMethod.computeIfAbsent(m, k -> new ConcurrentHashMap<>());
        }
        Timer t = byControl.get(c);
        if (t == null) {
            t = byControl.computeIfAbsent(c, k -> Timer.builder("portcullis_control_duration")
                    .description("Each control's own time in a request's chain: its time less the controls inside it")
                    .tags("environment", env, "method", m, "control", c).serviceLevelObjectives(STAGE_BUCKETS)
                    .register(registry));
        }
        t.record(nanos, TimeUnit.NANOSECONDS);
    }

    private Timer timer(String name, String description, String env, String upstream, String outcome) {
        return Timer.builder(name).description(description)
                .tags("environment", env, "upstream", upstream, "outcome", outcome)
                .serviceLevelObjectives(BUCKETS).register(registry);
    }

    /** The call log's outcome as the metric's: {@code allowed}, {@code tool_error}, {@code refused}, {@code error}. */
    static String outcome(String callLog) {
        return switch (callLog) {
            case "ok" -> "allowed";
            case "tool_error" -> "tool_error";
            case "refused" -> "refused";
            default -> "error";
        };
    }

    private static String orNone(String s) {
        return s == null ? "none" : s;
    }
}
