package io.portcullis.ingress;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.protocol.Json;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

/** Which declared client capabilities let a 2026-07-28 client be asked an upstream's request (as the SDK decides). */
class SessionRelayTest {
    static ObjectNode caps(String json) {
        return (ObjectNode) Json.parse(json);
    }

    static ObjectNode params(String json) {
        return (ObjectNode) Json.parse(json);
    }

    @Test
    void elicitationNeedsTheModeItUses() {
        assertThat(SessionRelay.missingCapability("elicitation/create", params("{}"), caps("{}"))).isEqualTo("elicitation");
        assertThat(SessionRelay.missingCapability("elicitation/create", params("{}"), caps("{\"elicitation\":{}}"))).isNull();
        assertThat(SessionRelay.missingCapability("elicitation/create", params("{\"mode\":\"form\"}"), caps("{\"elicitation\":{\"form\":{}}}"))).isNull();
        assertThat(SessionRelay.missingCapability("elicitation/create", params("{}"), caps("{\"elicitation\":{\"url\":{}}}")))
                .isEqualTo("elicitation.form");
        assertThat(SessionRelay.missingCapability("elicitation/create", params("{\"mode\":\"url\"}"), caps("{\"elicitation\":{}}")))
                .isEqualTo("elicitation.url");
        assertThat(SessionRelay.missingCapability("elicitation/create", params("{\"mode\":\"url\"}"), caps("{\"elicitation\":{\"url\":{}}}"))).isNull();
    }

    @Test
    void samplingWithToolsNeedsSamplingTools() {
        assertThat(SessionRelay.missingCapability("sampling/createMessage", params("{}"), caps("{\"elicitation\":{}}"))).isEqualTo("sampling");
        assertThat(SessionRelay.missingCapability("sampling/createMessage", params("{}"), caps("{\"sampling\":{}}"))).isNull();
        assertThat(SessionRelay.missingCapability("sampling/createMessage", params("{\"tools\":[]}"), caps("{\"sampling\":{}}")))
                .isEqualTo("sampling.tools");
        assertThat(SessionRelay.missingCapability("sampling/createMessage", params("{\"tools\":[]}"), caps("{\"sampling\":{\"tools\":{}}}"))).isNull();
    }

    @Test
    void rootsNeedRootsAndAValueThatIsNotAnObjectIsNoCapability() {
        assertThat(SessionRelay.missingCapability("roots/list", null, caps("{\"roots\":{}}"))).isNull();
        assertThat(SessionRelay.missingCapability("roots/list", null, caps("{\"roots\":true}"))).isEqualTo("roots");
        assertThat(SessionRelay.missingCapability("roots/list", null, null)).isEqualTo("roots");
    }
}
