package io.portcullis.policy;

/**
 * Shell-style matching for the CEL function {@code pattern.glob(value)}: {@code *} matches any run
 * of characters (including none, and including {@code /}), {@code ?} exactly one; everything else
 * matches itself. Linear in practice and never builds a regex, so a pattern taken from arguments
 * cannot make evaluation slow.
 */
final class Glob {
    private Glob() {}

    static boolean matches(String pattern, String value) {
        int p = 0;
        int v = 0;
        int starP = -1;
        int starV = 0;
        while (v < value.length()) {
            if (p < pattern.length() && (pattern.charAt(p) == '?' || pattern.charAt(p) == value.charAt(v))) {
                p++;
                v++;
            } else if (p < pattern.length() && pattern.charAt(p) == '*') {
                starP = p++;
                starV = v;
            } else if (starP >= 0) {
                // backtrack: let the last star swallow one more character
                p = starP + 1;
                v = ++starV;
            } else {
                return false;
            }
        }
        while (p < pattern.length() && pattern.charAt(p) == '*') {
            p++;
        }
        return p == pattern.length();
    }
}
