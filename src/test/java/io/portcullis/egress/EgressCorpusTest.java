package io.portcullis.egress;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.redact.Detector.Span;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * #13 "a detector corpus": src/test/resources/egress/positive/<class>.txt holds samples (one a
 * line; {@code \n} stands for a line break) each of which must be found as that class, and
 * negative/*.txt near-misses (invalid Luhn numbers, UUIDs, git SHAs, base64 blobs, placeholders,
 * ...) in which nothing may be found. Every built-in detector is on (the opt-in IP class too).
 * The false-negative and false-positive counts may not exceed what docs/egress.md reports; the
 * table there is written from this test's output.
 */
class EgressCorpusTest {
    private static final Path ROOT = Path.of("src/test/resources/egress");
    private static final Pattern TOTAL = Pattern.compile("\\| \\*\\*total\\*\\* \\| (\\d+) \\| (\\d+) \\| (\\d+) \\| (\\d+) \\|");

    @Test
    void item1_corpusHasEnoughSamplesAndErrsNoMoreThanTheDocSays() throws IOException {
        Scanner scanner = new Scanner(BuiltInDetectors.all());
        Map<String, int[]> perClass = new TreeMap<>(); // samples, misses
        List<String> misses = new ArrayList<>();
        int positives = 0;
        int fn = 0;
        for (Path f : files("positive")) {
            String cls = f.getFileName().toString().replaceFirst("\\.txt$", "");
            assertThat(scanner.detector(cls)).as("corpus file for an unknown class " + cls).isNotNull();
            for (String sample : samples(f)) {
                positives++;
                int[] c = perClass.computeIfAbsent(cls, k -> new int[2]);
                c[0]++;
                if (scanner.scan(sample).stream().noneMatch(s -> s.kind().equals(cls))) {
                    fn++;
                    c[1]++;
                    misses.add(cls + ": " + sample);
                }
            }
        }
        int negatives = 0;
        int fp = 0;
        List<String> falseHits = new ArrayList<>();
        for (Path f : files("negative")) {
            for (String sample : samples(f)) {
                negatives++;
                List<Span> found = scanner.scan(sample);
                if (!found.isEmpty()) {
                    fp++;
                    falseHits.add(f.getFileName() + ": " + sample + " -> " + found.stream().map(Span::kind).toList());
                }
            }
        }
        StringBuilder table = new StringBuilder("| class | positive samples | missed |\n|---|---|---|\n");
        perClass.forEach((k, v) -> table.append("| `").append(k).append("` | ").append(v[0]).append(" | ").append(v[1]).append(" |\n"));
        table.append("\n| **total** | ").append(positives).append(" | ").append(fn).append(" | ").append(negatives).append(" | ")
                .append(fp).append(" |\n");
        System.out.println(table);
        misses.forEach(m -> System.out.println("MISSED " + m));
        falseHits.forEach(m -> System.out.println("FALSE HIT " + m));

        assertThat(positives).isGreaterThanOrEqualTo(200);
        assertThat(negatives).isGreaterThanOrEqualTo(200);
        assertThat(perClass.keySet()).containsAll(BuiltInDetectors.all().stream().map(EgressDetector::id).toList());
        Matcher doc = TOTAL.matcher(Files.readString(Path.of("docs/egress.md")));
        assertThat(doc.find()).as("docs/egress.md has the '| **total** | positives | missed | negatives | false hits |' row").isTrue();
        assertThat(positives).isEqualTo(Integer.parseInt(doc.group(1)));
        assertThat(negatives).isEqualTo(Integer.parseInt(doc.group(3)));
        assertThat(fn).as("false negatives (docs/egress.md says at most " + doc.group(2) + ")").isLessThanOrEqualTo(Integer.parseInt(doc.group(2)));
        assertThat(fp).as("false positives (docs/egress.md says at most " + doc.group(4) + ")").isLessThanOrEqualTo(Integer.parseInt(doc.group(4)));
    }

    private static List<Path> files(String dir) throws IOException {
        try (Stream<Path> s = Files.list(ROOT.resolve(dir))) {
            return s.filter(p -> p.toString().endsWith(".txt")).sorted().toList();
        }
    }

    private static List<String> samples(Path f) throws IOException {
        return Files.readAllLines(f).stream().filter(l -> !l.isBlank()).map(l -> l.replace("\\n", "\n")).toList();
    }
}
