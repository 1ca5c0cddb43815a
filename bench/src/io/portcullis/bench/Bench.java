package io.portcullis.bench;

import java.io.File;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The load generator of bench/run.sh. It reads the targets (one per line, tab-separated: name,
 * role, baseline, peer, kind, tool, the pids of the processes serving it (comma-separated, or
 * "-"), then the URL or the stdio command's words), warms each up,
 * measures every target at each fixed offered rate (in rounds: every target once per round),
 * then the peak of each in a closed loop, and prints one Markdown report.
 *
 * <p>Roles: {@code direct} (the upstream itself, a baseline), {@code portcullis} (through the
 * gateway; the targets apply) and {@code peer} (another proxy, for comparison).
 * Kinds: {@code http-plain}, {@code http-legacy}, {@code http-modern}, {@code stdio}.
 */
public final class Bench {
    /** One line of the targets file. */
    record Spec(String name, String role, String baseline, String peer, String kind, String tool, List<Long> pids,
                List<String> address) {}

    public static void main(String[] args) throws Exception {
        Map<String, String> opt = new LinkedHashMap<>(Map.of(
                "rates", "200,500,1000", "seconds", "8", "warmup", "4", "peak-seconds", "5", "peak-warmup", "1",
                "concurrency", "32", "rounds", "4", "target-rate", "1000", "logs", System.getProperty("java.io.tmpdir")));
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("expected --option value, got " + args[i]);
            }
            opt.put(args[i].substring(2), args[i + 1]);
        }
        if (!opt.containsKey("targets")) {
            System.err.println("usage: Bench --targets FILE [--rates 200,500,1000] [--seconds 8] [--warmup 4]"
                    + " [--rounds 4] [--peak-seconds 5] [--peak-warmup 1] [--concurrency 32] [--target-rate 1000] [--logs DIR] [--out FILE]"
                    + " [--only name,name] [--credentials FILE] [--metrics name=data_dir,...]"
                    + " [--order together|alternate] [--slice-seconds 1] [--settle-seconds 0.2] [--limit-ms 0.1] [--warmup-only true]");
            System.exit(2);
        }
        List<Spec> specs = read(Path.of(opt.get("targets")));
        if (opt.containsKey("only")) {
            List<String> only = List.of(opt.get("only").split(","));
            specs = specs.stream().filter(s -> only.contains(s.name())).toList();
        }
        double[] rates = Arrays.stream(opt.get("rates").split(",")).mapToDouble(Double::parseDouble).toArray();
        double seconds = Double.parseDouble(opt.get("seconds"));
        double warmup = Double.parseDouble(opt.get("warmup"));
        int concurrency = Integer.parseInt(opt.get("concurrency"));
        int rounds = Integer.parseInt(opt.get("rounds"));

        // the full-stack profile (#20 item 1): the bearer credentials (JWTs of several users, API keys)
        // the calls through Portcullis carry; the other targets (upstream, proxies) get none
        List<String> credentials = opt.containsKey("credentials")
                ? Files.readAllLines(Path.of(opt.get("credentials"))).stream().filter(l -> !l.isBlank()).toList()
                : List.of();
        Map<String, Target> targets = new LinkedHashMap<>();
        // --order alternate: each target and its baseline offered the rate alone, in alternating slices (Slices, Paired)
        String order = opt.getOrDefault("order", "together");
        if (!order.equals("together") && !order.equals("alternate")) {
            throw new IllegalArgumentException("--order must be together or alternate, not " + order);
        }
        Paired paired = new Paired(opt.containsKey("limit-ms") ? Double.parseDouble(opt.get("limit-ms")) : Double.NaN);
        Slices slices = order.equals("alternate") ? new Slices(Double.parseDouble(opt.getOrDefault("slice-seconds", "1")),
                Double.parseDouble(opt.getOrDefault("settle-seconds", "0.2")), paired,
                Path.of(opt.get("logs"), "slices.tsv")) : null;
        Report report = new Report(specs, rates, rounds, concurrency, Double.parseDouble(opt.get("target-rate")), paired);
        // --metrics name=data_dir,...: the gateways whose per-control times are read before and after the rounds
        ControlTimes controlTimes = ControlTimes.of(opt.get("metrics"));
        String controlTable = "";
        try {
            for (Spec s : specs) {
                targets.put(s.name(), open(s, new File(opt.get("logs"), "bench-" + s.name() + ".log"),
                        "portcullis".equals(s.role()) || "compare".equals(s.role()) ? credentials : List.of()));
            }
            for (Spec s : specs) {
                log("warm-up %s: %.0f s closed loop", s.name(), warmup);
                targets.get(s.name()).closedLoop(concurrency, 0, warmup);
            }
            if (Boolean.parseBoolean(opt.get("warmup-only"))) {
                return; // bench/cluster.sh's per-node warm-up (#19): every node its own closed loop, nothing measured
            }
            // Side by side, at the same moments: each target runs at the same time as its baseline,
            // their calls interleaved half an interval apart, in short rounds. A stall of the shared
            // machine then hits both alike, and the difference is what the target adds.
            Map<String, Spec> byName = new LinkedHashMap<>();
            specs.forEach(s -> byName.put(s.name(), s));
            controlTimes.start();
            for (double rate : rates) {
                for (int round = 0; round < rounds; round++) {
                    for (Spec s : specs) {
                        Spec b = byName.get(s.baseline());
                        boolean isBaseline = specs.stream().anyMatch(o -> s.name().equals(o.baseline()));
                        if (b == null && isBaseline) {
                            continue; // measured alongside the targets it is the baseline of
                        }
                        Target t = targets.get(s.name());
                        Target bt = b == null ? null : targets.get(b.name());
                        Samples[] m = b == null
                                ? new Samples[] {measure(t, serving(s, t), null, List.of(), rate, seconds / rounds)[0]}
                                : slices != null
                                ? slices.round(s, t, serving(s, t), b, bt, serving(b, bt), rate, seconds / rounds, round)
                                : measure(t, serving(s, t), bt, serving(b, bt), rate, seconds / rounds);
                        report.fixed(s.name(), b == null ? null : b.name(), rate, m);
                        log("%-30s %5.0f/s round %d: p50 %7.3f ms  p99 %8.3f ms  errors %d%s%s", s.name(), rate, round + 1,
                                m[0].percentileMs(50), m[0].percentileMs(99), m[0].errors() + m[0].unfinished(),
                                m[0].saturated() ? " SATURATED" : "", b == null ? "" : String.format(
                                        " | %s p50 %7.3f ms  p99 %8.3f ms", b.name(), m[1].percentileMs(50), m[1].percentileMs(99)));
                    }
                }
                controlTimes.phaseDone(String.format("%.0f", rate));
            }
            controlTable = controlTimes.finish();
            for (Spec s : specs) {
                Target t = targets.get(s.name());
                List<Long> serving = serving(s, t);
                double peakWarmup = Double.parseDouble(opt.get("peak-warmup"));
                t.closedLoop(concurrency, 0, peakWarmup);
                double cpu0 = Cpu.seconds(serving);
                Samples m = t.closedLoop(concurrency, 0, Double.parseDouble(opt.get("peak-seconds")));
                m = m.withCpu(Cpu.seconds(serving) - cpu0);
                report.peak(s.name(), m);
                log("%-34s peak: %8.0f calls/s  p50 %7.3f ms  p99 %8.3f ms  errors %d  cpu %.0f us/call", s.name(), m.achieved(),
                        m.percentileMs(50), m.percentileMs(99), m.errors(), m.cpuMicrosPerCall());
            }
        } finally {
            targets.values().forEach(Target::close);
            if (slices != null) {
                slices.close();
            }
        }
        String text = report.markdown() + controlTable;
        System.out.println(text);
        if (opt.containsKey("out")) {
            Files.writeString(Path.of(opt.get("out")), text);
        }
    }

    /**
     * Offers {@code rate} calls/s to {@code t} and, when given, at the same time to its baseline
     * {@code b}, half an interval later each time; returns the target's samples and the baseline's.
     */
    private static Samples[] measure(Target t, List<Long> tProcs, Target b, List<Long> bProcs, double rate, double seconds)
            throws Exception {
        long start = System.nanoTime() + 100_000_000L;
        long half = Math.round(1e9 / rate / 2);
        double t0 = Cpu.seconds(tProcs);
        double b0 = Cpu.seconds(bProcs);
        Samples[] base = new Samples[1];
        Exception[] failure = new Exception[1];
        Thread other = b == null ? null : Thread.ofPlatform().name("baseline").start(() -> {
            try {
                base[0] = b.fixedRate(rate, seconds, start + half);
            } catch (Exception e) {
                failure[0] = e;
            }
        });
        Samples mine = t.fixedRate(rate, seconds, start);
        if (other != null) {
            other.join();
            if (failure[0] != null) {
                throw failure[0];
            }
        }
        mine = mine.withCpu(Cpu.seconds(tProcs) - t0);
        return b == null ? new Samples[] {mine} : new Samples[] {mine, base[0].withCpu(Cpu.seconds(bProcs) - b0)};
    }

    /** The processes whose CPU counts for a target: those named in its spec and those it launched. */
    private static List<Long> serving(Spec s, Target t) {
        List<Long> all = new ArrayList<>(s.pids());
        all.addAll(t.processes());
        return all;
    }

    private static Target open(Spec s, File log, List<String> credentials) throws Exception {
        return switch (s.kind()) {
            case "http-plain" -> new HttpTarget(URI.create(s.address().get(0)), HttpTarget.Mode.PLAIN, s.tool());
            case "http-legacy" -> new HttpTarget(URI.create(s.address().get(0)), HttpTarget.Mode.LEGACY, s.tool(), credentials);
            case "http-modern" -> new HttpTarget(URI.create(s.address().get(0)), HttpTarget.Mode.MODERN, s.tool(), credentials);
            case "stdio" -> new StdioTarget(s.address(), s.tool(), log);
            default -> throw new IllegalArgumentException(s.name() + ": unknown kind " + s.kind());
        };
    }

    static List<Spec> read(Path file) throws Exception {
        List<Spec> out = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split("\t");
            if (f.length < 8) {
                throw new IllegalArgumentException(file + ": needs 8+ tab-separated fields: " + line);
            }
            List<Long> pids = "-".equals(f[6]) ? List.of() : Arrays.stream(f[6].split(",")).map(Long::valueOf).toList();
            out.add(new Spec(f[0], f[1], f[2], f[3], f[4], f[5], pids, List.of(Arrays.copyOfRange(f, 7, f.length))));
        }
        return out;
    }

    static void log(String format, Object... args) {
        System.err.printf("[bench] " + format + "%n", args);
    }
}
