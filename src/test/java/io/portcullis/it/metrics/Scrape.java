package io.portcullis.it.metrics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A Prometheus text-format scrape, parsed into samples: enough to count what a test expects. */
public record Scrape(String text, List<Sample> samples) {
    private static final Pattern LINE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)\\})?\\s+(\\S+)(\\s+\\S+)?$");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    public record Sample(String name, Map<String, String> labels, double value) {}

    public static Scrape parse(String text) {
        List<Sample> out = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            Matcher m = LINE.matcher(line);
            if (!m.matches()) {
                throw new IllegalArgumentException("not a sample line: " + line);
            }
            Map<String, String> labels = new LinkedHashMap<>();
            if (m.group(3) != null) {
                Matcher l = LABEL.matcher(m.group(3));
                while (l.find()) {
                    labels.put(l.group(1), l.group(2));
                }
            }
            out.add(new Sample(m.group(1), labels, Double.parseDouble(m.group(4))));
        }
        return new Scrape(text, out);
    }

    /** The sum of the samples named {@code name} whose labels include every one of {@code pairs} (name, value, ...). */
    public double sum(String name, String... pairs) {
        double total = 0;
        for (Sample s : samples) {
            if (s.name().equals(name) && matches(s.labels(), pairs)) {
                total += s.value();
            }
        }
        return total;
    }

    /** The label values of {@code label} across the samples named {@code name}. */
    public Set<String> values(String name, String label) {
        Set<String> out = new TreeSet<>();
        samples.stream().filter(s -> s.name().equals(name) && s.labels().containsKey(label)).forEach(s -> out.add(s.labels().get(label)));
        return out;
    }

    /** Every sample name, and the family names of histograms and summaries ({@code x} for {@code x_bucket}). */
    public Set<String> names() {
        Set<String> out = new TreeSet<>();
        for (Sample s : samples) {
            out.add(s.name());
            for (String suffix : List.of("_bucket", "_count", "_sum")) {
                if (s.name().endsWith(suffix)) {
                    out.add(s.name().substring(0, s.name().length() - suffix.length()));
                }
            }
        }
        return out;
    }

    private static boolean matches(Map<String, String> labels, String... pairs) {
        for (int i = 0; i < pairs.length; i += 2) {
            if (!pairs[i + 1].equals(labels.get(pairs[i]))) {
                return false;
            }
        }
        return true;
    }
}
