package io.portcullis.text;

import java.util.regex.Pattern;

/**
 * #15 item 3: what a client reads of an upstream's description or title carries no ANSI escape
 * sequence and no invisible character (tag characters, zero-width characters, bidi controls, other
 * C0/C1 controls): they are removed, not escaped, since a model reads the text, not a person
 * looking for escapes. Line breaks and tabs stay. The definition scanner flags them before.
 */
public final class Stripped {
    /** CSI ({@code ESC [ ... final}), OSC ({@code ESC ] ... BEL|ST}) and two-character escapes. */
    private static final Pattern ANSI = Pattern.compile(
            "\u001B\\[[0-?]*[ -/]*[@-~]|\u001B\\][^\u0007\u001B]*(?:\u0007|\u001B\\\\)?|\u001B[@-Z\\\\-_]|\u009B[0-?]*[ -/]*[@-~]");

    private Stripped() {}

    /** The text without ANSI sequences and hidden characters; the same instance when there is none. */
    public static String strip(String s) {
        if (s == null || !Visible.hasHidden(s)) {
            return s;
        }
        String noAnsi = ANSI.matcher(s).replaceAll("");
        StringBuilder b = new StringBuilder(noAnsi.length());
        for (int i = 0; i < noAnsi.length(); ) {
            int cp = noAnsi.codePointAt(i);
            int n = Character.charCount(cp);
            boolean loneSurrogate = n == 1 && Character.isSurrogate(noAnsi.charAt(i));
            if (cp == '\n' || cp == '\t' || (!Visible.hidden(cp) && !loneSurrogate)) {
                b.appendCodePoint(cp);
            }
            i += n;
        }
        return b.toString();
    }
}
