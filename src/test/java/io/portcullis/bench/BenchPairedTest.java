package io.portcullis.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The alternating order's arithmetic (bench/src/.../Paired.java and Slices.java; BENCH_ORDER=alternate,
 * bench/README.md "How it measures"), for the #13, #14, #18 and #19 verdicts of 0.05–0.3 ms: the
 * A B B A order, the pairing (B's slice minus the adjacent A slice), the median with its
 * distribution-free 95% confidence interval from order statistics, and the verdict against
 * BENCH_LIMIT_MS. The load generator is plain javac outside the Maven build, so the test compiles
 * bench/src itself and calls it through reflection.
 */
class BenchPairedTest {
    private static ClassLoader bench;

    @BeforeAll
    static void compileTheLoadGenerator() throws Exception {
        bench = LoadGeneratorClasses.compile("bench-unit-classes");
    }

    private static Class<?> type(String name) throws Exception {
        return Class.forName("io.portcullis.bench." + name, true, bench);
    }

    private static Object call(Object on, String cls, String method, Class<?>[] types, Object... args) throws Exception {
        Method m = type(cls).getDeclaredMethod(method, types);
        m.setAccessible(true);
        return m.invoke(on, args);
    }

    private static Object get(Object record, String accessor) throws Exception {
        Method m = record.getClass().getDeclaredMethod(accessor);
        m.setAccessible(true);
        return m.invoke(record);
    }

    private static Object summary(double... diffs) throws Exception {
        return call(null, "Paired", "summary", new Class<?>[] {double[].class}, (Object) diffs);
    }

    private static String verdict(Object summary, double limit) throws Exception {
        return (String) call(null, "Paired", "verdict", new Class<?>[] {type("Paired$Summary"), double.class}, summary, limit);
    }

    /** Samples of a slice whose every call took {@code ms}. */
    private static Object samples(int calls, double rate, double ms) throws Exception {
        long[] raw = new long[calls];
        Arrays.fill(raw, Math.round(ms * 1e6));
        return call(null, "Samples", "of", new Class<?>[] {long[].class, int.class, int.class, double.class, double.class},
                raw, 0, 0, calls / rate, rate);
    }

    @Test
    void theSlicesRunInTheOrderABBA() throws Exception {
        StringBuilder order = new StringBuilder();
        for (long k = 0; k < 12; k++) {
            order.append((boolean) call(null, "Paired", "isTargetSlice", new Class<?>[] {long.class}, k) ? 'B' : 'A');
        }
        assertThat(order).hasToString("ABBAABBAABBA");
    }

    @Test
    void theIntervalIsTheOrderStatisticsOfTheBinomialWithAtLeast95PercentCoverage() throws Exception {
        Class<?>[] n = {int.class};
        assertThat(call(null, "Paired", "ranks", n, 5)).isNull(); // 1 - 2/32 = 93.75% < 95%: no interval
        assertThat((int[]) call(null, "Paired", "ranks", n, 6)).containsExactly(1, 6);
        assertThat((int[]) call(null, "Paired", "ranks", n, 10)).containsExactly(2, 9);
        assertThat((int[]) call(null, "Paired", "ranks", n, 32)).containsExactly(10, 23);
        assertThat((int[]) call(null, "Paired", "ranks", n, 64)).containsExactly(24, 41);
        assertThat((double) call(null, "Paired", "coverage", new Class<?>[] {int.class, int.class}, 10, 2)).isCloseTo(0.978515625, within(1e-12));
    }

    @Test
    void theSummaryIsTheMedianAndItsIntervalAndDoesNotDependOnTheOrderOfThePairs() throws Exception {
        double[] d = {0.30, -0.10, 0.05, 0.12, 0.00, 0.08, 0.20, -0.02, 0.15, 0.07};
        Object s = summary(d);
        assertThat(get(s, "pairs")).isEqualTo(10);
        assertThat((double) get(s, "median")).isCloseTo((0.07 + 0.08) / 2, within(1e-12));
        // sorted: -0.10 -0.02 0.00 0.05 0.07 0.08 0.12 0.15 0.20 0.30; ranks 2 and 9
        assertThat((double) get(s, "low")).isEqualTo(-0.02);
        assertThat((double) get(s, "high")).isEqualTo(0.20);
        double[] shuffled = {0.15, 0.07, 0.30, 0.00, -0.10, 0.20, 0.05, 0.08, -0.02, 0.12};
        assertThat(summary(shuffled)).isEqualTo(s);
        assertThat((double) get(summary(1, 2, 3, 4), "low")).isNaN();
    }

    @Test
    void theVerdictFollowsTheIntervalNotTheMedian() throws Exception {
        assertThat(verdict(summary(0.01, 0.02, 0.03, 0.04, 0.05, 0.08), 0.1)).isEqualTo("met");
        assertThat(verdict(summary(0.12, 0.13, 0.2, 0.25, 0.3, 0.31), 0.1)).isEqualTo("not met");
        // the median (0.09) is under the limit, but the interval reaches past it
        assertThat(verdict(summary(0.05, 0.07, 0.08, 0.10, 0.15, 0.20), 0.1))
                .isEqualTo("not resolved at this noise (CI 0.050..0.200)");
        assertThat(verdict(summary(0.01, 0.02), 0.1)).startsWith("not resolved (2 pairs");
        // fail closed: an interval under the limit from slices that fell behind the rate (queues) is no "met"
        assertThat(call(null, "Paired", "verdict", new Class<?>[] {type("Paired$Summary"), double.class, int.class},
                summary(0.01, 0.02, 0.03, 0.04, 0.05, 0.08), 0.1, 3)).isEqualTo("not resolved (3 slices saturated)");
    }

    @Test
    void slicesPairEachTargetSliceWithTheAdjacentBaselineSliceSoThatADriftCancels() throws Exception {
        // a fake target and baseline: every call of slice k takes 1 ms + 0.01 ms * k (the machine's load
        // drifting up), plus 0.1 ms on the target. ABBA pairs (A0,B1), (B2,A3), ...: +0.11, +0.09, ...
        long[] slice = {0};
        Class<?> targetType = type("Target");
        Function<Double, InvocationHandler> fake = extra -> (proxy, m, args) -> switch (m.getName()) {
            case "fixedRate" -> samples((int) Math.round((double) args[0] * (double) args[1]), (double) args[0],
                    1 + 0.01 * slice[0]++ + extra);
            case "processes" -> List.of();
            default -> null;
        };
        Object target = Proxy.newProxyInstance(bench, new Class<?>[] {targetType}, fake.apply(0.1));
        Object baseline = Proxy.newProxyInstance(bench, new Class<?>[] {targetType}, fake.apply(0.0));
        Object paired = construct("Paired", new Class<?>[] {double.class}, 0.15);
        Path log = Path.of("target/bench-unit-classes/slices.tsv");
        Object slices = construct("Slices", new Class<?>[] {double.class, double.class, type("Paired"), Path.class}, 0.5, 0.0, paired, log);
        Class<?> spec = type("Bench$Spec");
        Object b = construct("Bench$Spec", new Class<?>[] {String.class, String.class, String.class, String.class, String.class,
                String.class, List.class, List.class}, "B-gw", "compare", "gw", "-", "http-legacy", "echo", List.of(), List.of("x"));
        Object a = construct("Bench$Spec", new Class<?>[] {String.class, String.class, String.class, String.class, String.class,
                String.class, List.class, List.class}, "gw", "portcullis", "-", "-", "http-legacy", "echo", List.of(), List.of("x"));
        Class<?>[] round = {spec, targetType, List.class, spec, targetType, List.class, double.class, double.class, int.class};
        for (int r = 0; r < 2; r++) { // 2 rounds of 2 s: 4 slices a side each, 8 pairs in all
            Object[] merged = (Object[]) call(slices, "Slices", "round", round, b, target, List.of(), a, baseline, List.of(), 100.0, 2.0, r);
            assertThat((double) call(merged[0], "Samples", "seconds", new Class<?>[0])).isEqualTo(2.0);
            assertThat(((long[]) call(merged[1], "Samples", "latenciesNs", new Class<?>[0]))).hasSize(200);
        }
        call(slices, "Slices", "close", new Class<?>[0]);
        List<String> lines = Files.readAllLines(log);
        assertThat(lines).hasSize(1 + 16);
        assertThat(lines.stream().skip(1).map(l -> l.split("\t")[3]).reduce("", String::concat)).isEqualTo("ABBAABBAABBAABBA");
        assertThat(lines.get(2)).startsWith("100\t1\t2\tB\tB-gw\t1.110\t");
        String table = (String) call(paired, "Paired", "markdown", new Class<?>[] {List.class, double[].class}, List.of(a, b), new double[] {100});
        // the differences alternate +0.11 / +0.09: the median is the target's own +0.1; the interval (8 pairs: 1st
        // and 8th) is 0.09..0.11, under the limit of 0.15
        assertThat(table).contains("| B-gw | gw | 100 | 8 | +0.100 | +0.090 .. +0.110 (99.2%) | +0.100 | +0.090 .. +0.110 (99.2%) | 0 of 16 | met |");
    }

    private static Object construct(String cls, Class<?>[] types, Object... args) throws Exception {
        Constructor<?> c = type(cls).getDeclaredConstructor(types);
        c.setAccessible(true);
        return c.newInstance(args);
    }
}
