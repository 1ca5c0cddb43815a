package io.portcullis.text;

/**
 * Makes characters that a reader cannot see, or that change what a reader sees, visible as
 * escapes (#11 items 10 and 15): C0 and C1 control characters (NUL, CR, LF, ESC of ANSI
 * sequences, ...), DEL, the bidirectional controls that reorder text (U+202A–U+202E,
 * U+2066–U+2069, U+200E, U+200F, U+061C), invisible characters (zero-width space and joiners,
 * word joiner, BOM, soft hyphen, the invisible operators U+2061–U+2064, tag characters) and lone
 * UTF-16 surrogates. Used for every log line of the text format, the approver page, the admin
 * API's display copies and the CLI.
 *
 * <p>{@code \n}, {@code \r}, {@code \t} and {@code \0} keep their short forms; everything else
 * becomes a backslash, {@code u} and four hex digits (or {@code u{hex}} above the BMP). A backslash is left as it is:
 * an escaped text can be told apart from an original only where {@link #hasHidden} is reported
 * beside it (the approver page does this).
 */
public final class Visible {
    private Visible() {}

    /** The text with every hidden character escaped; the same instance when there is none. */
    public static String escape(String s) {
        if (s == null || !hasHidden(s)) {
            return s;
        }
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            int n = Character.charCount(cp);
            if (Character.isSurrogate(s.charAt(i)) && n == 1) {
                b.append(String.format("\\u%04X", (int) s.charAt(i)));
            } else if (hidden(cp)) {
                switch (cp) {
                    case '\n' -> b.append("\\n");
                    case '\r' -> b.append("\\r");
                    case '\t' -> b.append("\\t");
                    case 0 -> b.append("\\0");
                    default -> b.append(cp > 0xFFFF ? String.format("\\u{%X}", cp) : String.format("\\u%04X", cp));
                }
            } else {
                b.appendCodePoint(cp);
            }
            i += n;
        }
        return b.toString();
    }

    /** Whether {@link #escape} would change the text. */
    public static boolean hasHidden(String s) {
        if (s == null) {
            return false;
        }
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            int n = Character.charCount(cp);
            if (hidden(cp) || (n == 1 && Character.isSurrogate(s.charAt(i)))) {
                return true;
            }
            i += n;
        }
        return false;
    }

    /** Control, bidi-control, format/invisible and lone-surrogate code points. */
    static boolean hidden(int cp) {
        if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F)) {
            return true;
        }
        if (cp < 0xA0) {
            return false;
        }
        return switch (cp) {
            case 0x00AD, 0x034F, 0x061C, 0x115F, 0x1160, 0x17B4, 0x17B5, 0x180E, 0x3164, 0xFEFF, 0xFFA0 -> true;
            default -> (cp >= 0x200B && cp <= 0x200F) // zero-width space/joiners, LRM, RLM
                    || (cp >= 0x2028 && cp <= 0x202E) // line/paragraph separators, LRE RLE PDF LRO RLO
                    || (cp >= 0x2060 && cp <= 0x206F) // word joiner, invisible operators, LRI RLI FSI PDI
                    || (cp >= 0xFFF9 && cp <= 0xFFFB) // interlinear annotations
                    || (cp >= 0xE0000 && cp <= 0xE007F); // tag characters
        };
    }
}
