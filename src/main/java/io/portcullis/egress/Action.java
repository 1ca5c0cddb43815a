package io.portcullis.egress;

import java.util.Locale;

/** What happens to a detected value (#13 item 3, C5.2). */
public enum Action {
    /** Replaced by {@code [REDACTED:<class>]}. */
    REDACT,
    /** All but a short suffix replaced by {@code *} ({@code ************4242}). */
    MASK,
    /** Replaced by a keyed HMAC token, the same for the same value within the configured scope. */
    PSEUDONYMIZE,
    /** The whole result becomes an {@code isError} naming the control {@code egress} and the classes, never the values. */
    BLOCK,
    /** Passed through; the class is recorded (the call's audit record; the conversation's memory from #13 item 4 on). */
    LABEL;

    /** The name used in config and records. */
    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The action of a config word, or null. */
    public static Action of(String word) {
        for (Action a : values()) {
            if (a.word().equals(word)) {
                return a;
            }
        }
        return null;
    }
}
