package io.portcullis.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.protocol.Json;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

/** C2.2: classes derived from untrusted annotations are conservative. */
class RiskClassTest {
    private static ObjectNode ann(String json) {
        return (ObjectNode) Json.parse(json);
    }

    @Test
    void onlyAnExplicitReadOnlyHintMakesATollReadOnly() {
        assertThat(RiskClass.derive(ann("{\"readOnlyHint\":true}"))).isEqualTo(RiskClass.READ_ONLY);
        assertThat(RiskClass.derive(ann("{\"readOnlyHint\":\"true\"}"))).isEqualTo(RiskClass.IRREVERSIBLE);
    }

    @Test
    void explicitNonDestructiveIsStateChanging() {
        assertThat(RiskClass.derive(ann("{\"readOnlyHint\":false,\"destructiveHint\":false}"))).isEqualTo(RiskClass.STATE_CHANGING);
    }

    @Test
    void silenceAndDestructiveHintsAreIrreversible() {
        assertThat(RiskClass.derive(ann("{}"))).isEqualTo(RiskClass.IRREVERSIBLE);
        assertThat(RiskClass.derive(ann("{\"destructiveHint\":true}"))).isEqualTo(RiskClass.IRREVERSIBLE);
        assertThat(RiskClass.derive(ann("{\"idempotentHint\":true}"))).isEqualTo(RiskClass.IRREVERSIBLE);
    }

    @Test
    void idsRoundTrip() {
        for (RiskClass r : RiskClass.values()) {
            assertThat(RiskClass.of(r.id())).contains(r);
        }
        assertThat(RiskClass.of("harmless")).isEmpty();
    }
}
