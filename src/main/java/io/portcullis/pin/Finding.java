package io.portcullis.pin;

import java.util.Locale;

/**
 * #15 item 3: one thing the definition scanner ({@link DefinitionScanner}) found in a tool's,
 * prompt's or resource's definition.
 *
 * @param severity how bad; at or above the configured {@code pins.block} severity, accepting the definition needs a recorded override
 * @param code     a stable id: {@code hidden-instruction}, {@code instruction-tag}, {@code secret-access},
 *                 {@code tag-characters}, {@code invisible-characters}, {@code bidi-controls}, {@code ansi-escape},
 *                 {@code confusable}, {@code shadowing}, {@code name-collision}
 * @param detail   what and where, with hidden characters escaped
 */
public record Finding(Severity severity, String code, String detail) {

    /** How bad a finding is. */
    public enum Severity {
        LOW, MEDIUM, HIGH;

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The severity of {@code id} ({@code low}, {@code medium}, {@code high}), or null. */
        public static Severity of(String id) {
            for (Severity s : values()) {
                if (s.id().equals(id)) {
                    return s;
                }
            }
            return null;
        }
    }

    @Override
    public String toString() {
        return severity.id() + " " + code + ": " + detail;
    }
}
