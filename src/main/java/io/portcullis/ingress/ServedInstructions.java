package io.portcullis.ingress;

import io.portcullis.catalog.Catalog;
import io.portcullis.text.Stripped;

/**
 * #15 item 1: what a client reads as the gateway's {@code instructions} (the {@code initialize} and
 * {@code server/discover} results): the gateway's own text, then the accepted (pinned) instructions of
 * each upstream, each prefixed with the upstream's name, with ANSI sequences and invisible characters
 * removed and cut at {@link #MAX_CHARS} characters. An upstream whose served instructions are not the
 * pinned ones (changed, or never accepted, or held by the scanner) contributes its pinned text, or
 * nothing when none was ever accepted; one whose pin cannot be read contributes nothing (fail closed).
 * The upstream's text was scanned ({@code pin.DefinitionScanner}) when it was first seen or changed.
 */
final class ServedInstructions {
    /** The most characters of one upstream's instructions a client reads. */
    static final int MAX_CHARS = 2048;

    private ServedInstructions() {}

    /** {@code own}, followed by every upstream's accepted instructions. */
    static String of(String own, Catalog catalog) {
        StringBuilder b = new StringBuilder(own);
        for (Catalog.Item i : catalog.instructions()) {
            var q = catalog.quarantine("instructions:" + i.name());
            String text = q.isEmpty() ? i.definition().path("instructions").asString("")
                    : q.get().shown() == null ? "" : q.get().shown().path("instructions").asString("");
            text = Stripped.strip(text).strip();
            if (text.isEmpty()) {
                continue;
            }
            if (text.length() > MAX_CHARS) {
                int end = Character.isHighSurrogate(text.charAt(MAX_CHARS - 1)) ? MAX_CHARS - 1 : MAX_CHARS;
                text = text.substring(0, end) + " [cut at " + MAX_CHARS + " characters]";
            }
            b.append("\n\nInstructions of upstream ").append(i.name()).append(":\n").append(text);
        }
        return b.toString();
    }
}
