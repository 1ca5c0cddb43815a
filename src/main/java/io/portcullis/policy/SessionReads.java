package io.portcullis.policy;

import java.util.Collection;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Whether a policy's rules may read {@code session.calls} (#13, session 10): the conversation memory
 * then writes the call count on every call; else it keeps the count in memory and writes it only when
 * the row is refreshed. Conservative, on the conditions' text: a rule may read it when its condition
 * mentions {@code calls} anywhere (in any case, inside a string too), or uses {@code session} in any way
 * other than {@code session.labels} and {@code session.tools} (an index {@code session["..."]}, a macro
 * over the map, {@code cel.bind}, ...). A false positive costs a row per call; a false negative cannot
 * happen through the identifier {@code session}, the only way CEL reaches the count.
 */
public final class SessionReads {
    private static final Pattern LABELS_OR_TOOLS = Pattern.compile("\\bsession\\s*\\.\\s*(labels|tools)\\b");

    private SessionReads() {}

    /** Whether any of {@code conditions} (CEL text) may read {@code session.calls}. */
    public static boolean calls(Collection<String> conditions) {
        for (String c : conditions) {
            if (c == null) {
                continue;
            }
            String lower = c.toLowerCase(Locale.ROOT);
            if (lower.contains("calls") || LABELS_OR_TOOLS.matcher(lower).replaceAll("").contains("session")) {
                return true;
            }
        }
        return false;
    }
}
