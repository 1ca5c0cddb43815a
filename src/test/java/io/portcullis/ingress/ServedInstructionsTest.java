package io.portcullis.ingress;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.catalog.Catalog;
import io.portcullis.protocol.Json;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * #15 item 1: what a client reads of the upstreams' instructions: each prefixed with its upstream's name,
 * ANSI sequences and invisible characters removed, size-bounded; a quarantined one served in its pinned
 * form, or not at all.
 */
class ServedInstructionsTest {
    private static final String OWN = "Portcullis.";

    @Test
    void acceptedInstructionsArePrefixedAndStripped() {
        Catalog c = Catalog.EMPTY.withInstructions(Map.of("b", "Use \u001B[31mB\u001B[0m.\u200B", "a", "Use A."));
        assertThat(ServedInstructions.of(OWN, c)).isEqualTo(OWN + "\n\nInstructions of upstream a:\nUse A."
                + "\n\nInstructions of upstream b:\nUse B.");
    }

    @Test
    void aQuarantinedTextIsReplacedByItsPinnedFormOrLeftOut() {
        Catalog c = Catalog.EMPTY.withInstructions(Map.of("a", "Changed.", "b", "Never accepted."))
                .quarantined(Map.of("instructions:a", new Catalog.Quarantine("changed", Json.object().put("instructions", "Pinned.")),
                        "instructions:b", new Catalog.Quarantine("new", null)));
        assertThat(ServedInstructions.of(OWN, c)).isEqualTo(OWN + "\n\nInstructions of upstream a:\nPinned.");
    }

    @Test
    void aLongTextIsCut() {
        Catalog c = Catalog.EMPTY.withInstructions(Map.of("a", "x".repeat(ServedInstructions.MAX_CHARS + 500)));
        String served = ServedInstructions.of(OWN, c);
        assertThat(served).endsWith("x [cut at " + ServedInstructions.MAX_CHARS + " characters]");
        assertThat(served.length()).isLessThan(ServedInstructions.MAX_CHARS + 100);
    }
}
