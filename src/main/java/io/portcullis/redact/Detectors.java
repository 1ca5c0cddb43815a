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

    private static final List<Detector> BUILT_IN = List.of(
            new Regex("private-key", "PRIVATE KEY-----",
                    "(-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----[\\s\\S]*?(?:-----END [A-Z0-9 ]*PRIVATE KEY-----|$))", null),
            new Regex("jwt", "eyJ", "(eyJ[A-Za-z0-9_-]{4,}\\.eyJ[A-Za-z0-9_-]{4,}\\.[A-Za-z0-9_-]*)", null),
            new Regex("bearer", "earer", "(?i)\\bbearer\\s+([A-Za-z0-9\\-._~+/]{8,}=*)", null),
            new Regex("basic", "asic", "(?i)\\bbasic\\s+([A-Za-z0-9+/]{4,}={0,2})", Detectors::isUserPassword),
            new Regex("url-password", "://", "(?i)\\b[a-z][a-z0-9+.-]*://[^\\s:/@?#]*:([^\\s@/?#]+)@", null),
            new Regex("aws-access-key-id", "A", "\\b((?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16})\\b", null),
            new Regex("github-token", "_", "\\b(gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{20,})\\b", null),
            new Regex("api-key", "-", "\\b(sk-[A-Za-z0-9_-]{20,}|xox[abpr]-[A-Za-z0-9-]{10,})\\b", null));

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

    /** A regular expression whose group 1 is the secret, optionally confirmed by a check of the match. */
    record Regex(String kind, String hint, Pattern pattern, Predicate<String> confirm) implements Detector {
        Regex(String kind, String hint, String regex, Predicate<String> confirm) {
            this(kind, hint, Pattern.compile(regex), confirm);
        }

        @Override
        public List<Span> find(String text) {
            if (text == null || !containsIgnoreCase(text, hint)) {
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
    }

    static boolean containsIgnoreCase(String s, String part) {
        for (int i = 0; i + part.length() <= s.length(); i++) {
            if (s.regionMatches(true, i, part, 0, part.length())) {
                return true;
            }
        }
        return false;
    }
}
