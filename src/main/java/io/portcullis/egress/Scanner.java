package io.portcullis.egress;

import io.portcullis.redact.Detector.Span;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One pass over a text selects the detectors that can match it, and where (#13 item 1): the
 * prefilter keywords of every detector are one Aho-Corasick automaton ({@link Keywords},
 * case-insensitive), and runs of digits (spaces, dashes, dots and parentheses allowed between
 * them) are found in the same walk of the characters. Only the selected detectors run their RE2 pattern, and
 * only in windows around the keyword ({@link EgressDetector#reach}) or digit run that selected
 * them; on text with no keyword and no long digit run nothing else happens. Overlapping finds are resolved by priority: the detector
 * listed first keeps its span (secrets are listed before PII, so the password in
 * {@code redis://u:pw@host} is a password, not part of an e-mail address).
 */
public final class Scanner {
    /** The class id of a detection made when a detector itself failed: the text is treated as sensitive (fail closed). */
    public static final String FAILED = "egress.detector-failed";

    private final List<EgressDetector> detectors;
    private final Keywords keywords;
    private final int[][] byKeyword;
    private final BitSet always = new BitSet();
    private final int[] minDigits;
    private final int smallestDigitTrigger;

    public Scanner(List<EgressDetector> detectors) {
        this.detectors = List.copyOf(detectors);
        Map<String, List<Integer>> kw = new HashMap<>();
        minDigits = new int[detectors.size()];
        int smallest = Integer.MAX_VALUE;
        for (int i = 0; i < detectors.size(); i++) {
            EgressDetector d = detectors.get(i);
            if (d.prefilter().stream().allMatch(Keywords::isAscii)) {
                for (String k : d.prefilter()) {
                    kw.computeIfAbsent(k, x -> new ArrayList<>()).add(i);
                }
            } else {
                always.set(i); // a non-ASCII keyword: the detector runs on every text
            }
            minDigits[i] = d.minDigits();
            if (d.minDigits() > 0) {
                smallest = Math.min(smallest, d.minDigits());
            }
            if (d.always()) {
                always.set(i);
            }
        }
        List<String> words = new ArrayList<>(kw.keySet());
        byKeyword = new int[words.size()][];
        for (int k = 0; k < words.size(); k++) {
            byKeyword[k] = kw.get(words.get(k)).stream().mapToInt(Integer::intValue).toArray();
        }
        this.keywords = new Keywords(words);
        this.smallestDigitTrigger = smallest;
    }

    public List<EgressDetector> detectors() {
        return detectors;
    }

    /** The detector of a class id, or null. */
    public EgressDetector detector(String id) {
        for (EgressDetector d : detectors) {
            if (d.id().equals(id)) {
                return d;
            }
        }
        return null;
    }

    /** The sensitive spans of {@code text}, in order, not overlapping. Never throws: a failing detector yields {@link #FAILED} over the whole text. */
    public List<Span> scan(String text) {
        if (text == null || text.isEmpty()) {
            return List.of();
        }
        int n = text.length();
        List<List<int[]>> windows = new ArrayList<>(detectors.size());
        for (int i = 0; i < detectors.size(); i++) {
            windows.add(always.get(i) ? new ArrayList<>(List.of(new int[] {0, n})) : null);
        }
        Keywords.Hit onKeyword = (k, start, end) -> {
            for (int i : byKeyword[k]) {
                int reach = detectors.get(i).reach();
                addWindow(windows, i, reach <= 0 ? 0 : start - reach, reach <= 0 ? n : end + 1 + reach, n);
            }
        };
        Keywords.Hit onDigits = (digits, start, end) -> {
            for (int i = 0; i < minDigits.length; i++) {
                if (minDigits[i] > 0 && digits >= minDigits[i]) {
                    addWindow(windows, i, start - DIGIT_MARGIN, end + DIGIT_MARGIN, n);
                }
            }
        };
        keywords.search(text, onKeyword, smallestDigitTrigger == Integer.MAX_VALUE ? null : onDigits, smallestDigitTrigger);
        List<Found> found = new ArrayList<>();
        for (int i = 0; i < windows.size(); i++) {
            List<int[]> w = windows.get(i);
            if (w == null) {
                continue;
            }
            try {
                EgressDetector d = detectors.get(i);
                for (int[] range : merge(w, n)) {
                    String part = range[0] == 0 && range[1] == n ? text : text.substring(range[0], range[1]);
                    for (Span s : d.find(part)) {
                        found.add(new Found(new Span(s.start() + range[0], s.end() + range[0], s.kind()), i));
                    }
                }
            } catch (RuntimeException | StackOverflowError e) {
                return List.of(new Span(0, n, FAILED));
            }
        }
        return resolve(found);
    }

    /** Characters around a run of digits that a digit-triggered pattern may need (an IBAN's country and bank code). */
    private static final int DIGIT_MARGIN = 40;

    private static void addWindow(List<List<int[]>> windows, int i, int from, int to, int n) {
        List<int[]> w = windows.get(i);
        if (w == null) {
            w = new ArrayList<>();
            windows.set(i, w);
        }
        w.add(new int[] {Math.max(0, from), Math.min(n, to)});
    }

    /** The windows merged where they overlap or touch. */
    private static List<int[]> merge(List<int[]> w, int n) {
        w.sort(Comparator.comparingInt(a -> a[0]));
        List<int[]> out = new ArrayList<>();
        for (int[] r : w) {
            int[] last = out.isEmpty() ? null : out.getLast();
            if (last != null && r[0] <= last[1]) {
                last[1] = Math.max(last[1], r[1]);
            } else {
                out.add(new int[] {r[0], r[1]});
            }
        }
        return out;
    }

    private record Found(Span span, int order) {}

    /** Greedy by priority: the detector listed first (secrets before PII) keeps its spans; a later one's overlapping span is dropped. */
    private static List<Span> resolve(List<Found> found) {
        if (found.size() <= 1) {
            return found.stream().map(Found::span).toList();
        }
        found.sort(Comparator.comparingInt(Found::order).thenComparingInt((Found f) -> f.span().start()));
        java.util.TreeMap<Integer, Span> kept = new java.util.TreeMap<>();
        for (Found f : found) {
            Span s = f.span();
            var before = kept.floorEntry(s.start());
            var after = kept.ceilingEntry(s.start());
            boolean overlaps = (before != null && before.getValue().end() > s.start())
                    || (after != null && after.getKey() < s.end());
            if (!overlaps) {
                kept.put(s.start(), s);
            }
        }
        return new ArrayList<>(kept.values());
    }
}
