package io.portcullis.egress;

import io.portcullis.redact.Detector.Span;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.ahocorasick.trie.Trie;

/**
 * One pass over a text selects the detectors that can match it (#13 item 1): the prefilter
 * keywords of every detector are one Aho-Corasick automaton (case-insensitive), and a run of digits
 * (spaces, dashes, dots and parentheses allowed between them) is counted in the same walk of the
 * characters. Only the selected detectors run their RE2 pattern; on text with no keyword and no
 * long digit run nothing else happens. Overlapping finds are resolved by priority: the detector
 * listed first keeps its span (secrets are listed before PII, so the password in
 * {@code redis://u:pw@host} is a password, not part of an e-mail address).
 */
public final class Scanner {
    /** The class id of a detection made when a detector itself failed: the text is treated as sensitive (fail closed). */
    public static final String FAILED = "egress.detector-failed";

    private final List<EgressDetector> detectors;
    private final Trie trie;
    private final Map<String, int[]> byKeyword = new HashMap<>();
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
            for (String k : d.prefilter()) {
                kw.computeIfAbsent(k, x -> new ArrayList<>()).add(i);
            }
            minDigits[i] = d.minDigits();
            if (d.minDigits() > 0) {
                smallest = Math.min(smallest, d.minDigits());
            }
            if (d.always()) {
                always.set(i);
            }
        }
        kw.forEach((k, v) -> byKeyword.put(k, v.stream().mapToInt(Integer::intValue).toArray()));
        this.trie = kw.isEmpty() ? null : Trie.builder().ignoreCase().addKeywords(kw.keySet()).build();
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
        BitSet run = (BitSet) always.clone();
        if (trie != null) {
            trie.parseText(text, emit -> {
                for (int i : byKeyword.getOrDefault(emit.getKeyword(), new int[0])) {
                    run.set(i);
                }
                return true;
            });
        }
        if (smallestDigitTrigger != Integer.MAX_VALUE) {
            int digits = longestDigitRun(text);
            for (int i = 0; i < minDigits.length; i++) {
                if (minDigits[i] > 0 && digits >= minDigits[i]) {
                    run.set(i);
                }
            }
        }
        if (run.isEmpty()) {
            return List.of();
        }
        List<Found> found = new ArrayList<>();
        for (int i = run.nextSetBit(0); i >= 0; i = run.nextSetBit(i + 1)) {
            try {
                for (Span s : detectors.get(i).find(text)) {
                    found.add(new Found(s, i));
                }
            } catch (RuntimeException | StackOverflowError e) {
                return List.of(new Span(0, text.length(), FAILED));
            }
        }
        return resolve(found);
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

    /** The most digits in one run of digits and separators ({@code space - . ( ) / +}, at most two in a row). */
    static int longestDigitRun(String text) {
        int best = 0;
        int count = 0;
        int seps = 0;
        for (int i = 0, n = text.length(); i < n; i++) {
            char c = text.charAt(i);
            if (c >= '0' && c <= '9') {
                count++;
                seps = 0;
                if (count > best) {
                    best = count;
                }
            } else if (seps < 2 && (c == ' ' || c == '-' || c == '.' || c == '(' || c == ')' || c == '/' || c == '+')) {
                seps++;
            } else {
                count = 0;
                seps = 0;
            }
        }
        return best;
    }
}
