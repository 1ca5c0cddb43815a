package io.portcullis.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The time each control spent on the call path during the fixed-rate rounds, read from the gateways'
 * own {@code portcullis_control_duration_seconds} histograms (#18 item 1, {@code call/StageTimer}: a
 * stage's own time, without the stages after it): scraped before the first round and after the last,
 * so only those calls count. End to end, a control's cost is the difference of two gateways' p50s,
 * and on a shared 2-core machine that difference has a noise floor (the A/A run) larger than the
 * targets of #13, #14 and #18; in process, a stage's time is measured on the call itself.
 *
 * <p>A gateway is named by its data directory: its {@code admin.local} file gives the admin URL and
 * the local admin token that {@code /metrics} accepts (admin/LocalAdmin). The p50 and p99 are upper
 * bounds: the smallest histogram bucket bound that holds that share of the calls.
 */
final class ControlTimes {
    private static final Pattern FIELD = Pattern.compile("\"(url|token)\"\\s*:\\s*\"([^\"]*)\"");
    private static final Pattern LINE = Pattern.compile(
            "^portcullis_control_duration_seconds_(bucket|sum|count)\\{([^}]*)}\\s+(\\S+)$");
    private static final Pattern LABEL = Pattern.compile("(\\w+)=\"([^\"]*)\"");

    /** One scrape: control → (bucket bound in seconds, or "sum" / "count") → value, summed over environments. */
    record Scrape(Map<String, TreeMap<Double, Double>> buckets, Map<String, double[]> sumCount) {}

    private final Map<String, Path> gateways; // target name → data directory
    private final Map<String, Scrape> before = new LinkedHashMap<>();
    private final Map<String, String> beforeText = new LinkedHashMap<>();
    private final java.util.List<String> phases = new java.util.ArrayList<>(); // #19: the audit commits per offered rate
    private final java.util.List<Map<String, String>> phaseEnds = new java.util.ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    ControlTimes(Map<String, Path> gateways) {
        this.gateways = gateways;
    }

    /** "name=dir,name=dir" (bench/run.sh's --metrics), or empty. */
    static ControlTimes of(String spec) {
        Map<String, Path> m = new LinkedHashMap<>();
        if (spec != null && !spec.isBlank()) {
            for (String part : spec.split(",")) {
                int eq = part.indexOf('=');
                m.put(part.substring(0, eq), Path.of(part.substring(eq + 1)));
            }
        }
        return new ControlTimes(m);
    }

    void start() {
        gateways.forEach((name, dir) -> {
            String text = textOrNull(name, dir);
            beforeText.put(name, text);
            before.put(name, text == null ? null : read(text));
        });
    }

    /** Marks the end of one phase of the rounds (one offered rate): the audit table gets a row per gateway per phase. */
    void phaseDone(String label) {
        if (gateways.isEmpty()) {
            return;
        }
        Map<String, String> now = new LinkedHashMap<>();
        gateways.forEach((name, dir) -> now.put(name, textOrNull(name, dir)));
        phases.add(label);
        phaseEnds.add(now);
    }

    /**
     * The Markdown tables of what each control spent between {@link #start} and now, and of how each
     * gateway's audit group commit batched meanwhile ({@link AuditCommits}, #19).
     */
    String finish() {
        if (gateways.isEmpty()) {
            return "";
        }
        Map<String, String> afterText = new LinkedHashMap<>();
        StringBuilder out = new StringBuilder("\n### Time each control spent on the call path, in process "
                + "(fixed-rate rounds only; from each gateway's portcullis_control_duration_seconds)\n\n"
                + "| target | control | calls | mean µs | p50 µs (at most) | p99 µs (at most) |\n|---|---|---:|---:|---:|---:|\n");
        gateways.forEach((name, dir) -> {
            Scrape a = before.get(name);
            String text = textOrNull(name, dir);
            afterText.put(name, text);
            Scrape b = text == null ? null : read(text);
            if (a == null || b == null) {
                out.append("| ").append(name).append(" | (metrics not readable) | | | | |\n");
                return;
            }
            for (String control : b.sumCount().keySet()) {
                double[] sc1 = b.sumCount().get(control);
                double[] sc0 = a.sumCount().getOrDefault(control, new double[2]);
                double count = sc1[1] - sc0[1];
                if (count <= 0) {
                    continue;
                }
                double mean = (sc1[0] - sc0[0]) / count * 1e6;
                out.append(String.format("| %s | %s | %.0f | %.1f | %s | %s |%n", name, control, count, mean,
                        bound(a, b, control, count * 0.5), bound(a, b, control, count * 0.99)));
            }
        });
        if (phases.isEmpty()) {
            return out + AuditCommits.table(beforeText, afterText);
        }
        java.util.List<Map<String, String>> scrapes = new java.util.ArrayList<>(java.util.List.of(beforeText));
        scrapes.addAll(phaseEnds);
        return out + AuditCommits.table(phases, scrapes);
    }

    private static String bound(Scrape a, Scrape b, String control, double share) {
        TreeMap<Double, Double> b1 = b.buckets().get(control);
        TreeMap<Double, Double> b0 = a.buckets().getOrDefault(control, new TreeMap<>());
        for (Map.Entry<Double, Double> e : b1.entrySet()) {
            if (e.getValue() - b0.getOrDefault(e.getKey(), 0.0) >= share) {
                return Double.isInfinite(e.getKey()) ? "> largest bucket" : String.format("%.0f", e.getKey() * 1e6);
            }
        }
        return "?";
    }

    private String textOrNull(String name, Path dir) {
        try {
            String local = Files.readString(dir.resolve("admin.local"));
            Map<String, String> f = new LinkedHashMap<>();
            Matcher m = FIELD.matcher(local);
            while (m.find()) {
                f.put(m.group(1), m.group(2));
            }
            String base = f.get("url").replaceAll("/+$", "");
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/metrics"))
                    .header("Authorization", "Bearer " + f.get("token")).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                Bench.log("metrics of %s: HTTP %d", name, r.statusCode());
                return null;
            }
            return r.body();
        } catch (Exception e) {
            Bench.log("metrics of %s not readable: %s", name, e);
            return null;
        }
    }

    static Scrape read(String text) {
        Map<String, TreeMap<Double, Double>> buckets = new TreeMap<>();
        Map<String, double[]> sumCount = new TreeMap<>();
        for (String line : text.split("\n")) {
            Matcher m = LINE.matcher(line.trim());
            if (!m.matches()) {
                continue;
            }
            Map<String, String> labels = new LinkedHashMap<>();
            Matcher l = LABEL.matcher(m.group(2));
            while (l.find()) {
                labels.put(l.group(1), l.group(2));
            }
            String control = labels.get("control");
            double v = Double.parseDouble(m.group(3));
            switch (m.group(1)) {
                case "bucket" -> {
                    String le = labels.get("le");
                    double bound = "+Inf".equals(le) ? Double.POSITIVE_INFINITY : Double.parseDouble(le);
                    buckets.computeIfAbsent(control, c -> new TreeMap<>()).merge(bound, v, Double::sum);
                }
                case "sum" -> sumCount.computeIfAbsent(control, c -> new double[2])[0] += v;
                default -> sumCount.computeIfAbsent(control, c -> new double[2])[1] += v;
            }
        }
        return new Scrape(buckets, sumCount);
    }
}
