package io.portcullis.egress;

import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import io.portcullis.redact.Detector;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Predicate;

/**
 * One class of sensitive data (#13 items 1 and 2, C5.1): a stable class id ({@code secret.github-token},
 * {@code pii.email}, or a custom id from config), an RE2 pattern (linear time: no backtracking, so a
 * hostile text cannot make a scan slow) whose group {@code group} is the value, and an optional
 * validator of that value. It is a {@link Detector}, so the audit sanitizer can use the same classes.
 *
 * <p>The {@link Scanner} runs the pattern only when the text can hold a match: one of
 * {@code prefilter} occurs in it (found in one Aho-Corasick pass for all detectors), or it has a
 * run of at least {@code minDigits} digits; a detector with neither always runs.
 *
 * @param near      keywords one of which must occur within {@code nearChars} characters of a match (empty: none needed)
 * @param labels    labels a detection adds to the conversation (remembered from #13 item 4 on)
 * @param optIn     off unless the config turns it on ({@code pii.ip-address})
 * @param reach     how far (characters) a match extends around its prefilter keyword: the pattern then runs only
 *                  in those windows of the text; 0 when a match need not contain its keyword (custom detectors)
 */
public record EgressDetector(String id, List<String> prefilter, int minDigits, Pattern pattern, int group,
                             Predicate<String> validator, List<String> near, int nearChars, Set<String> labels,
                             boolean optIn, int reach) implements Detector {

    public EgressDetector {
        prefilter = prefilter.stream().map(k -> k.toLowerCase(Locale.ROOT)).toList();
        near = near.stream().map(k -> k.toLowerCase(Locale.ROOT)).toList();
        labels = Set.copyOf(labels);
    }

    /** A built-in detector: prefilter keywords, no near-keywords, labels {@code secret} or {@code pii}. */
    static EgressDetector builtIn(String id, List<String> prefilter, int reach, int minDigits, String regex, Predicate<String> validator) {
        String family = id.substring(0, id.indexOf('.'));
        return new EgressDetector(id, prefilter, minDigits, Pattern.compile(regex), 1, validator, List.of(), 0,
                Set.of(family), id.equals("pii.ip-address"), reach);
    }

    @Override
    public String kind() {
        return id;
    }

    /** Whether the scanner must run this detector whatever the prefilter found. */
    boolean always() {
        return prefilter.isEmpty() && minDigits <= 0;
    }

    @Override
    public List<Span> find(String text) {
        if (text == null || text.isEmpty()) {
            return List.of();
        }
        List<Span> out = new ArrayList<>();
        Matcher m = pattern.matcher(text);
        int from = 0;
        while (from <= text.length() && m.find(from)) {
            int g = m.groupCount() >= group ? group : 0;
            int s = m.start(g);
            int e = m.end(g);
            if (s < 0) {
                s = m.start();
                e = m.end();
            }
            if (e > s && (validator == null || validator.test(text.substring(s, e))) && isNear(text, s, e)) {
                out.add(new Span(s, e, id));
            }
            from = m.end() > m.start() ? m.end() : m.end() + 1;
        }
        return out;
    }

    private boolean isNear(String text, int start, int end) {
        if (near.isEmpty()) {
            return true;
        }
        String window = text.substring(Math.max(0, start - nearChars), Math.min(text.length(), end + nearChars)).toLowerCase(Locale.ROOT);
        for (String k : near) {
            if (window.contains(k)) {
                return true;
            }
        }
        return false;
    }
}
