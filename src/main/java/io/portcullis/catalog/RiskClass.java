package io.portcullis.catalog;

import java.util.Arrays;
import java.util.Optional;
import tools.jackson.databind.node.ObjectNode;

/** C2.2: what a tool can do to the systems behind it. */
public enum RiskClass {
    READ_ONLY("read_only"),
    STATE_CHANGING("state_changing"),
    IRREVERSIBLE("irreversible");

    private final String id;

    RiskClass(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    public static Optional<RiskClass> of(String id) {
        return Arrays.stream(values()).filter(r -> r.id.equals(id)).findFirst();
    }

    /**
     * The class derived, conservatively, from an upstream's annotations when the catalog is silent.
     * Annotations are untrusted hints: only an explicit {@code readOnlyHint: true} makes a tool
     * read-only, only an explicit {@code destructiveHint: false} makes it merely state-changing,
     * and anything else (including no annotations at all) is irreversible.
     */
    public static RiskClass derive(ObjectNode annotations) {
        if (annotations.path("readOnlyHint").isBoolean() && annotations.path("readOnlyHint").asBoolean()) {
            return READ_ONLY;
        }
        if (annotations.path("destructiveHint").isBoolean() && !annotations.path("destructiveHint").asBoolean()) {
            return STATE_CHANGING;
        }
        return IRREVERSIBLE;
    }
}
