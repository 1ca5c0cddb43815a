package io.portcullis.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.portcullis.call.CallContext;
import io.portcullis.call.CallHandler;
import io.portcullis.call.CallObserver;
import io.portcullis.call.CallTracing;
import io.portcullis.call.CallTrail;
import io.portcullis.call.GatewayException;
import io.portcullis.call.Origin;
import io.portcullis.call.Relay;
import io.portcullis.call.Stage;
import io.portcullis.call.StageTimer;
import io.portcullis.identity.Principal;
import io.portcullis.pipeline.Pipeline;
import io.portcullis.protocol.Json;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

/**
 * #18 "Overhead" (session 9): with metrics and tracing on, the tracing's own time is the control
 * {@code tracing} of {@code portcullis_control_duration_seconds}, one record per call, sampled or not; a
 * stage span's time is tracing's, not the stage's before it; metrics off records nothing.
 */
class TracingTimerTest {
    private static final long SPIN = Duration.ofMillis(10).toNanos();

    /** What the observer was told: control → the times, in ns. */
    private static final class Recorder implements CallObserver {
        final Map<String, List<Long>> took = new ConcurrentHashMap<>();
        final List<String> methods = new CopyOnWriteArrayList<>();

        @Override
        public void completed(CallContext call, String outcome, String control, Duration t) {}

        @Override
        public void stageTook(String environment, String method, String control, long nanos) {
            methods.add(method);
            took.computeIfAbsent(control, k -> new CopyOnWriteArrayList<>()).add(nanos);
        }
    }

    private static Stage stage(String name) {
        return new Stage() {
            @Override
            public ObjectNode handle(CallContext call, CallHandler next) throws GatewayException {
                return next.handle(call);
            }

            @Override
            public String name() {
                return name;
            }
        };
    }

    private static final Stage UPSTREAM = new Stage() {
        @Override
        public ObjectNode handle(CallContext call, CallHandler next) {
            return Json.object().put("ok", true);
        }

        @Override
        public String name() {
            return "upstream";
        }
    };

    private static CallContext call() {
        return new CallContext(CallContext.newCallId(), Principal.anonymous("default", "c"), "default", "s-1", "2025-11-25",
                "echo", Json.object().put("name", "echo"), null, Relay.NONE, Instant.now(), new CallTrail(), Origin.NONE);
    }

    private static Pipeline pipeline(CallTracing tracing, CallObserver clock) {
        return new Pipeline("tools/call", List.of(StageTimer.timed(stage("policy"), clock), StageTimer.timed(stage("egress"), clock)),
                StageTimer.timed(UPSTREAM, clock), tracing, clock);
    }

    private static Tracing sdk(Sampler sampler, List<OpenTelemetrySdk> open) {
        OpenTelemetrySdk sdk = OpenTelemetrySdk.builder().setTracerProvider(SdkTracerProvider.builder().setSampler(sampler)
                .addSpanProcessor(SimpleSpanProcessor.create(InMemorySpanExporter.create())).build()).build();
        open.add(sdk);
        return Tracing.of(sdk);
    }

    @Test
    void tracingIsOneRecordPerCallSampledOrNotBesideTheControls() throws Exception {
        List<OpenTelemetrySdk> open = new CopyOnWriteArrayList<>();
        try {
            for (Sampler sampler : List.of(Sampler.alwaysOn(), Sampler.alwaysOff())) {
                Recorder clock = new Recorder();
                Pipeline p = pipeline(sdk(sampler, open), clock);
                p.call(call());
                p.call(call());
                assertThat(clock.took.get("tracing")).hasSize(2).allSatisfy(ns -> assertThat(ns).isPositive());
                assertThat(clock.took.keySet()).containsExactlyInAnyOrder("tracing", "policy", "egress", "upstream");
                assertThat(clock.took.get("policy")).hasSize(2);
                assertThat(clock.methods).containsOnly("tools/call");
            }
        } finally {
            open.forEach(OpenTelemetrySdk::close);
        }
    }

    /** A tracing whose span work takes {@link #SPIN} (a busy wait on the clock) for each stage span and the server span. */
    private static final CallTracing SLOW = new CallTracing() {
        @Override
        public boolean on() {
            return true;
        }

        @Override
        public ObjectNode serve(String method, CallContext call, CallHandler traced, CallHandler plain) throws GatewayException {
            spin();
            return traced.handle(call);
        }

        @Override
        public Stage traced(String method, Stage stage, boolean upstream) {
            return new Stage() {
                @Override
                public ObjectNode handle(CallContext call, CallHandler next) throws GatewayException {
                    spin();
                    return stage.handle(call, next);
                }

                @Override
                public String name() {
                    return stage.name();
                }
            };
        }
    };

    private static void spin() {
        long end = System.nanoTime() + SPIN;
        while (System.nanoTime() < end) {
            Thread.onSpinWait();
        }
    }

    @Test
    void aStageSpansTimeIsTracingsNotTheStageBeforeIt() throws Exception {
        Recorder clock = new Recorder();
        pipeline(SLOW, clock).call(call());
        // the server span and three stage spans (policy, egress, upstream), 10 ms each
        assertThat(clock.took.get("tracing")).singleElement().satisfies(ns -> assertThat(ns).isGreaterThanOrEqualTo(4 * SPIN));
        for (String control : List.of("policy", "egress", "upstream")) {
            assertThat(clock.took.get(control)).as(control).singleElement().satisfies(ns -> assertThat(ns).isLessThan(SPIN));
        }
    }

    @Test
    void metricsOffRecordsNothingAndTheCallIsAnswered() throws Exception {
        Recorder unused = new Recorder();
        ObjectNode r = pipeline(SLOW, CallObserver.NONE).call(call());
        assertThat(r.path("ok").asBoolean()).isTrue();
        assertThat(unused.took).isEmpty();
    }
}
