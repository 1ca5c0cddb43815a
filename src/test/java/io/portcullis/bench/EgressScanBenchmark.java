package io.portcullis.bench;

import io.portcullis.egress.BuiltInDetectors;
import io.portcullis.egress.Scanner;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The egress scanner (#13 "Benchmark", docs/performance.md "Egress scanner"): one {@link Scanner#scan}
 * of 1 MiB of text with the shipped detectors (every built-in but the opt-in IP class), on one thread.
 * MB/s = 1,048,576 / (µs per op). Texts, made once from a fixed seed:
 * <ul>
 *   <li>{@code prose}: English-like words, punctuation and short numbers (no hit);</li>
 *   <li>{@code json}: a JSON array of records (ids, names, short numbers, ISO dates; no hit);</li>
 *   <li>{@code hits}: the prose with an e-mail address, a card number and an AWS key id every ~100 KB.</li>
 * </ul>
 * Run: {@code mvn -B -Pjmh clean test-compile exec:exec -Djmh.args="EgressScanBenchmark"}; never part of the test run.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@Threads(1)
public class EgressScanBenchmark {
    static final int SIZE = 1 << 20;
    static final String[] WORDS = ("the of and to in is was for on that with as by at from this be are have it not or an "
            + "quarterly report revenue growth server restarted team review request cache function returns list value customer "
            + "order shipped region latency percent build version release deploy rollback config error file path user session "
            + "table column index query result status open closed pending merged branch commit message").split(" ");

    @Param({"prose", "json", "hits"})
    public String text;

    Scanner scanner;
    String input;

    @Setup
    public void setup() {
        scanner = new Scanner(BuiltInDetectors.all().stream().filter(d -> !d.optIn()).toList());
        input = make(text, new Random(13));
        int found = scanner.scan(input).size();
        if (text.equals("hits") == (found == 0)) {
            throw new IllegalStateException("the '" + text + "' text has " + found + " detections");
        }
    }

    static String make(String kind, Random r) {
        StringBuilder b = new StringBuilder(SIZE + 256);
        int record = 0;
        while (b.length() < SIZE) {
            if (kind.equals("json")) {
                b.append(record == 0 ? "[" : ",").append("{\"id\":").append(r.nextInt(100_000)).append(",\"name\":\"")
                        .append(WORDS[r.nextInt(WORDS.length)]).append(' ').append(WORDS[r.nextInt(WORDS.length)])
                        .append("\",\"status\":\"").append(WORDS[r.nextInt(WORDS.length)]).append("\",\"updated\":\"2026-")
                        .append(1 + r.nextInt(12)).append('-').append(1 + r.nextInt(28)).append("\",\"count\":")
                        .append(r.nextInt(1000)).append('}');
                record++;
                continue;
            }
            for (int i = 0; i < 12; i++) {
                b.append(WORDS[r.nextInt(WORDS.length)]).append(i == 5 && r.nextBoolean() ? " " + r.nextInt(500) + " " : " ");
            }
            b.append(r.nextInt(4) == 0 ? ", " : ". ");
            if (kind.equals("hits") && b.length() / 100_000 > record) {
                record++;
                b.append(" mail bob.k@acme-corp.io card 4111 1111 1111 1111 key AKIAIOSFODNN7EXAMPL3 ");
            }
        }
        if (kind.equals("json")) {
            b.append(']');
        }
        return b.toString();
    }

    @Benchmark
    public List<?> scan() {
        return scanner.scan(input);
    }
}
