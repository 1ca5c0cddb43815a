package io.portcullis.redact;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The built-in detectors (#11 item 8): shapes that only credentials have. A cheap substring
 * check keeps each regular expression off ordinary text. Each detector masks one capture group
 * (the secret itself), so that {@code Authorization: Bearer x} keeps the word {@code Bearer}.
 */
public final class Detectors {
    private Detectors() {}

    // Each detector's gate is a set of literals one of which every match contains (#20 item 3: the
    // gate keeps the regular expression off ordinary text, so it must be specific: "A" case-blind
    // let the AWS expression scan nearly every string). A case-sensitive expression gets exact
    // (case-sensitive) gates; a (?i) expression's gates are compared ignoring case.
    private static final List<Detector> BUILT_IN = List.of(
            new Regex("private-key", List.of("PRIVATE KEY-----"), true,
                    "(-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----[\\s\\S]*?(?:-----END [A-Z0-9 ]*PRIVATE KEY-----|$))", null),
            new Regex("jwt", List.of("eyJ"), true, "(eyJ[A-Za-z0-9_-]{4,}\\.eyJ[A-Za-z0-9_-]{4,}\\.[A-Za-z0-9_-]*)", null),
            new Regex("bearer", List.of("bearer"), false, "(?i)\\bbearer\\s+([A-Za-z0-9\\-._~+/]{8,}=*)", null),
            new Regex("basic", List.of("basic"), false, "(?i)\\bbasic\\s+([A-Za-z0-9+/]{4,}={0,2})", Detectors::isUserPassword),
            new Regex("url-password", List.of("://"), true, "(?i)\\b[a-z][a-z0-9+.-]*://[^\\s:/@?#]*:([^\\s@/?#]+)@", null),
            new Regex("aws-access-key-id", List.of("AKIA", "ASIA", "ABIA", "ACCA"), true,
                    "\\b((?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16})\\b", null),
            new Regex("github-token", List.of("ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"), true,
                    "\\b(gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{20,})\\b", null),
            new Regex("api-key", List.of("sk-", "xoxa-", "xoxb-", "xoxp-", "xoxr-"), true,
                    "\\b(sk-[A-Za-z0-9_-]{20,}|xox[abpr]-[A-Za-z0-9-]{10,})\\b", null));

    /** The detectors this build ships with. */
    public static List<Detector> builtIn() {
        return BUILT_IN;
    }

    /** Basic credentials are masked only when the token really is base64 of "user:password". */
    private static boolean isUserPassword(String b64) {
        try {
            return new String(Base64.getDecoder().decode(b64), StandardCharsets.UTF_8).indexOf(':') > 0;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /**
     * A regular expression whose group 1 is the secret, optionally confirmed by a check of the match.
     * The expression runs only on a text that contains one of {@code hints} (compared ignoring case
     * unless {@code exactCase}); every match must contain one, so the gate changes no result.
     */
    record Regex(String kind, List<String> hints, boolean exactCase, Pattern pattern, Predicate<String> confirm) implements Detector {
        Regex(String kind, List<String> hints, boolean exactCase, String regex, Predicate<String> confirm) {
            this(kind, List.copyOf(hints), exactCase, Pattern.compile(regex), confirm);
        }

        @Override
        public List<Span> find(String text) {
            if (text == null || !gate(text)) {
                return List.of();
            }
            List<Span> out = new ArrayList<>();
            Matcher m = pattern.matcher(text);
            while (m.find()) {
                if (confirm == null || confirm.test(m.group(1))) {
                    out.add(new Span(m.start(1), m.end(1), kind));
                }
            }
            return out;
        }

        private boolean gate(String text) {
            for (String h : hints) {
                if (exactCase ? text.contains(h) : containsIgnoreCase(text, h)) {
                    return true;
                }
            }
            return false;
        }
    }

    /**
     * Whether {@code s} contains {@code part} ignoring case as {@link String#regionMatches(boolean, int, String, int, int)}
     * does. A position is compared whole only when its first character could match: equal to the
     * part's first character in lower or upper case, or not ASCII (where case folding has
     * surprises, e.g. the Kelvin sign), which keeps the per-call cost to one pass over {@code s}.
     */
    static boolean containsIgnoreCase(String s, String part) {
        int m = part.length();
        if (m == 0) {
            return true;
        }
        char first = part.charAt(0);
        char lower = Character.toLowerCase(first);
        char upper = Character.toUpperCase(first);
        for (int i = 0, last = s.length() - m; i <= last; i++) {
            char c = s.charAt(i);
            if ((c == lower || c == upper || c >= 128) && s.regionMatches(true, i, part, 0, m)) {
                return true;
            }
        }
        return false;
    }
}
