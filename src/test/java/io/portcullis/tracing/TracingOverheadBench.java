package io.portcullis.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.portcullis.call.CallContext;
import io.portcullis.call.CallHandler;
import io.portcullis.call.CallTrail;
import io.portcullis.call.GatewayException;
import io.portcullis.call.Origin;
import io.portcullis.call.Relay;
import io.portcullis.call.Stage;
import io.portcullis.identity.Principal;
import io.portcullis.pipeline.Pipeline;
import io.portcullis.protocol.Json;
import io.portcullis.protocol.Message;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

/**
 * #18 "Overhead" in process (session 9): the real tracing code ({@link Tracing#serve} through {@link Pipeline},
 * {@link RequestSpans}, {@link UpstreamSpans}) around a no-op call, with tracing off, on at 1% sampling and
 * on at 100%, measured in ns per call: no JMH, plain loops, many iterations, several repetitions, the
 * median and the spread (min..max) of the repetitions, in the thread's CPU time (what the call costs,
 * without the time it waited for a core: the machine is shared) and in wall-clock time. The SDK is the real one with its batch span
 * processor, exporting to an exporter that drops the spans (the OTLP export runs on the processor's own
 * thread, off the call path; its cost is not in these figures). The chain has 12 no-op stages like the
 * {@code tools/call} chain, and a last stage that does what {@code UpstreamCall} does for tracing (the
 * current context as headers and in {@code _meta}). New traces (no client context): 1% sampling records
 * 1% of them.
 *
 * <p>Not a unit test (its name does not end in {@code Test}): run it on purpose,
 * {@code mvn -o -q verify -Dtest=TracingOverheadBench -Dit.test=NONE -Dsurefire.failIfNoSpecifiedTests=false
 * -Dfailsafe.failIfNoSpecifiedTests=false}; it prints the table and writes it to
 * {@code target/tracing-overhead.md}. {@code -Dbench.calls=N -Dbench.reps=R} change the size (defaults
 * 50000 and 9). About a minute on an idle 2-core machine.
 */
class TracingOverheadBench {
    private static final int STAGES = 12;
    private static final AtomicLong SINK = new AtomicLong();

    /** Drops what it is given: the export's own cost is on the processor's thread, not on the call. */
    private static final SpanExporter DROP = new SpanExporter() {
        @Override
        public CompletableResultCode export(Collection<SpanData> spans) {
            SINK.addAndGet(spans.size());
            return CompletableResultCode.ofSuccess();
        }

        @Override
        public CompletableResultCode flush() {
            return CompletableResultCode.ofSuccess();
        }

        @Override
        public CompletableResultCode shutdown() {
            return CompletableResultCode.ofSuccess();
        }
    };

    private record Mode(String name, Tracing tracing, OpenTelemetrySdk sdk) {}

    private static Mode mode(String name, Double sampling) {
        if (sampling == null) {
            return new Mode(name, Tracing.OFF, null);
        }
        OpenTelemetrySdk sdk = OpenTelemetrySdk.builder().setTracerProvider(SdkTracerProvider.builder()
                .setSampler(Sampler.parentBased(Sampler.traceIdRatioBased(sampling)))
                .addSpanProcessor(BatchSpanProcessor.builder(DROP).build()).build()).build();
        return new Mode(name, Tracing.of(sdk), sdk);
    }

    private static Stage noop(String name) {
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

    /** What UpstreamCall does for tracing: the current context, as headers and in the params' _meta. */
    private static final Stage UPSTREAM = new Stage() {
        private final ObjectNode result = Json.object().put("ok", true);

        @Override
        public ObjectNode handle(CallContext call, CallHandler next) {
            var trace = TraceContext.current();
            ObjectNode sent = TraceContext.withMeta(call.params(), trace);
            SINK.addAndGet(trace.size() + (sent == null ? 0 : 1));
            return result;
        }

        @Override
        public String name() {
            return "upstream";
        }
    };

    private static final ObjectNode PARAMS = Json.object().put("name", "echo").set("arguments", Json.object().put("text", "hi"));
    private static final Principal WHO = Principal.anonymous("default", "c");

    private static CallContext call() {
        return new CallContext(CallContext.newCallId(), WHO, "default", "s-1", "2025-11-25", "echo", PARAMS, null,
                Relay.NONE, Instant.now(), new CallTrail(), Origin.NONE);
    }

    /** One kind of work measured in one mode. */
    @FunctionalInterface
    private interface Work {
        void run() throws Exception;
    }

    /**
     * ns per call of each repetition of each mode, sorted: [mode][0] the thread's CPU time (what the call
     * costs, without the time the thread waited for a core on a shared machine), [mode][1] the wall-clock
     * time. The modes take turns in each repetition (off, 1%, 100%, off, ...), after a warm-up of all of
     * them, so that the machine's drift and the JIT's state weigh on each alike.
     */
    private static double[][][] measure(List<Work> works, int calls, int reps) throws Exception {
        for (int round = 0; round < 3; round++) { // warm-up: the JIT compiles the paths of every mode
            for (Work w : works) {
                for (int i = 0; i < calls; i++) {
                    w.run();
                }
            }
        }
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        double[][][] ns = new double[works.size()][2][reps];
        for (int r = 0; r < reps; r++) {
            for (int m = 0; m < works.size(); m++) {
                Work w = works.get(m);
                long cpu = threads.getCurrentThreadCpuTime();
                long start = System.nanoTime();
                for (int i = 0; i < calls; i++) {
                    w.run();
                }
                ns[m][1][r] = (System.nanoTime() - start) / (double) calls;
                ns[m][0][r] = (threads.getCurrentThreadCpuTime() - cpu) / (double) calls;
            }
        }
        for (double[][] mode : ns) {
            Arrays.sort(mode[0]);
            Arrays.sort(mode[1]);
        }
        return ns;
    }

    private static Work work(String kind, Mode m) {
        return switch (kind) {
            case "chain" -> {
                List<Stage> stages = new ArrayList<>();
                for (int i = 0; i < STAGES; i++) {
                    stages.add(noop("stage-" + i));
                }
                Pipeline p = new Pipeline("tools/call", stages, UPSTREAM, m.tracing());
                yield () -> SINK.addAndGet(p.call(call()).size());
            }
            case "request" -> () -> SINK.addAndGet(m.tracing().request("tools/list", PARAMS, Origin.NONE, "2025-11-25",
                    () -> PARAMS).size());
            default -> {
                ObjectNode note = Message.notification("notifications/progress", Json.object().put("progressToken", 1).put("progress", 1));
                ObjectNode params = (ObjectNode) note.get("params");
                yield () -> SINK.addAndGet(m.tracing().fromUpstream("notifications/progress", params, java.util.Map.of(), "up",
                        () -> TraceContext.messageWithMeta(note)).size());
            }
        };
    }

    @Test
    void tracingOverheadInProcess() throws Exception {
        int calls = Integer.getInteger("bench.calls", 50_000);
        int reps = Integer.getInteger("bench.reps", 9);
        List<Mode> modes = List.of(mode("off", null), mode("1%", 0.01), mode("100%", 1.0));
        String[][] kinds = {{"chain", "tools/call through Pipeline (12 no-op stages + upstream stage)"},
                {"request", "a request that runs no chain (RequestSpans, tools/list)"},
                {"notification", "an upstream notification relayed (UpstreamSpans + _meta copy)"}};
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT,
                "%d calls per repetition, %d repetitions, load average at start %.1f, %d cores, %s%n%n"
                        + "| work | tracing | CPU ns/call, median | min..max | added CPU ns (median − off) | wall ns/call, median | min..max |%n"
                        + "|---|---|---:|---:|---:|---:|---:|%n",
                calls, reps, ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
                Runtime.getRuntime().availableProcessors(), Runtime.version()));
        try {
            for (String[] kind : kinds) {
                List<Work> works = new ArrayList<>();
                for (Mode m : modes) {
                    works.add(work(kind[0], m));
                }
                double[][][] ns = measure(works, calls, reps);
                double off = ns[0][0][reps / 2];
                for (int i = 0; i < modes.size(); i++) {
                    Mode m = modes.get(i);
                    double[][] t = ns[i];
                    double median = t[0][reps / 2];
                    out.append(String.format(Locale.ROOT, "| %s | %s | %.0f | %.0f..%.0f | %s | %.0f | %.0f..%.0f |%n", kind[1], m.name(),
                            median, t[0][0], t[0][reps - 1], m.sdk() == null ? "" : String.format(Locale.ROOT, "%+.0f", median - off),
                            t[1][reps / 2], t[1][0], t[1][reps - 1]));
                }
            }
        } finally {
            modes.stream().filter(m -> m.sdk() != null).forEach(m -> m.sdk().close());
        }
        out.append(String.format(Locale.ROOT, "%nload average at the end %.1f%n",
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()));
        System.out.println(out);
        write(out.toString());
        assertThat(SINK.get()).isPositive();
    }

    private static void write(String table) throws IOException {
        Files.createDirectories(Path.of("target"));
        Files.writeString(Path.of("target/tracing-overhead.md"), table);
    }
}
