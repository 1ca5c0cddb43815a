package io.portcullis.catalog;

import java.util.regex.Pattern;

/** Glob matching for allowlists and name patterns: {@code *} any run, {@code ?} one character, nothing else special. */
public final class Globs {
    private Globs() {}

    public static boolean matches(String glob, String value) {
        if (glob.indexOf('*') < 0 && glob.indexOf('?') < 0) {
            return glob.equals(value);
        }
        return toRegex(glob).matcher(value).matches();
    }

    public static Pattern toRegex(String glob) {
        StringBuilder b = new StringBuilder();
        for (char c : glob.toCharArray()) {
            switch (c) {
                case '*' -> b.append(".*");
                case '?' -> b.append('.');
                default -> b.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(b.toString(), Pattern.DOTALL);
    }
}
