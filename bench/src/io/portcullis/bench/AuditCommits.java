package io.portcullis.bench;

import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * #19: how each gateway's audit group commit batched during the fixed-rate rounds, from its own
 * counters, scraped with the control times ({@link ControlTimes}) before the first round and after
 * the last: records made durable ({@code portcullis_audit_records_total}), commits and their time
 * ({@code portcullis_audit_commit_duration_seconds}), so records per commit and the mean commit
 * latency; and the batch-size histogram {@code portcullis_audit_commit_records} when the build
 * exports it (its mean must equal records per commit: a check of the two sources). A node that sees a
 * third of the calls at the same offered rate gathers fewer records per commit: counts, not times.
 */
final class AuditCommits {
    private static final Pattern LINE = Pattern.compile(
            "^(portcullis_audit_records_total|portcullis_audit_commit_duration_seconds_(?:count|sum)"
                    + "|portcullis_audit_commit_records_(?:count|sum))(?:\\{[^}]*})?\\s+(\\S+)$");

    /** One scrape's counters; a missing one is NaN (an older build without the batch-size histogram). */
    record Totals(double records, double commits, double commitSeconds, double batches, double batchRecords) {}

    private AuditCommits() {}

    static Totals read(String text) {
        double[] v = {Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN};
        for (String line : text.split("\n")) {
            Matcher m = LINE.matcher(line.trim());
            if (!m.matches()) {
                continue;
            }
            int i = switch (m.group(1)) {
                case "portcullis_audit_records_total" -> 0;
                case "portcullis_audit_commit_duration_seconds_count" -> 1;
                case "portcullis_audit_commit_duration_seconds_sum" -> 2;
                case "portcullis_audit_commit_records_count" -> 3;
                default -> 4;
            };
            double x = Double.parseDouble(m.group(2));
            v[i] = Double.isNaN(v[i]) ? x : v[i] + x;
        }
        return new Totals(v[0], v[1], v[2], v[3], v[4]);
    }

    /** The Markdown table, one row per gateway named in {@code after}: what changed since {@code before}. */
    static String table(Map<String, String> before, Map<String, String> after) {
        return table(List.of("all"), List.of(before, after));
    }

    /**
     * The Markdown table, one row per gateway per phase (an offered rate): phase {@code i} runs from
     * {@code scrapes[i]} to {@code scrapes[i + 1]}, each a map of gateway name to its scrape (null: not read).
     */
    static String table(List<String> phases, List<Map<String, String>> scrapes) {
        StringBuilder out = new StringBuilder("\n### Audit group commit per gateway, in process (fixed-rate rounds only; "
                + "from portcullis_audit_records_total, portcullis_audit_commit_duration_seconds, portcullis_audit_commit_records)\n\n"
                + "| gateway | offered/s | records | commits | records per commit | commit mean ms | batch-size histogram: mean |\n"
                + "|---|---|---:|---:|---:|---:|---:|\n");
        for (String name : scrapes.get(scrapes.size() - 1).keySet()) {
            for (int i = 0; i < phases.size(); i++) {
                out.append(row(name, phases.get(i), scrapes.get(i).get(name), scrapes.get(i + 1).get(name)));
            }
        }
        return out.toString();
    }

    private static String row(String name, String phase, String was, String text) {
        if (was == null || text == null) {
            return "| " + name + " | " + phase + " | (metrics not readable) | | | | |\n";
        }
        Totals a = read(was);
        Totals b = read(text);
        double records = b.records() - a.records();
        double commits = b.commits() - a.commits();
        if (Double.isNaN(records) || Double.isNaN(commits)) {
            return "| " + name + " | " + phase + " | (no audit writer metrics) | | | | |\n";
        }
        double batches = b.batches() - a.batches();
        String histogram = Double.isNaN(batches) ? "not exported by this build"
                : batches > 0 ? String.format("%.2f", (b.batchRecords() - a.batchRecords()) / batches) : "-";
        return String.format("| %s | %s | %.0f | %.0f | %s | %s | %s |%n", name, phase, records, commits,
                commits > 0 ? String.format("%.2f", records / commits) : "-",
                commits > 0 ? String.format("%.3f", (b.commitSeconds() - a.commitSeconds()) / commits * 1e3) : "-", histogram);
    }
}
