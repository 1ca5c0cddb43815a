package io.portcullis.pin;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.protocol.Json;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

/** #15 item 1: what a pin covers, and its hash. */
class DefinitionTest {
    private static ObjectNode def(String json) {
        return (ObjectNode) Json.parse(json);
    }

    @Test
    void item1_theHashCoversEveryMemberAModelReads() {
        String base = "{\"name\":\"x__add\",\"description\":\"Adds.\",\"inputSchema\":{\"type\":\"object\"}}";
        Definition d = Definition.of("tool", "calc", "add", def(base));
        assertThat(d.hash()).matches(Definition.HASH.pattern());
        assertThat(d.json().path("name").asString()).isEqualTo("add"); // the upstream's name, not the exposed one
        // key order and whitespace do not count
        assertThat(Definition.of("tool", "calc", "add", def("{ \"inputSchema\": {\"type\": \"object\"}, \"description\": \"Adds.\","
                + " \"name\": \"other\" }")).hash()).isEqualTo(d.hash());
        // members outside the pin do not count
        ObjectNode meta = def(base);
        meta.putObject("_meta").put("x", 1);
        meta.putObject("execution").put("taskSupport", "optional");
        assertThat(Definition.of("tool", "calc", "add", meta).hash()).isEqualTo(d.hash());
        // each covered member does
        for (String member : new String[] {"title", "description", "outputSchema", "annotations", "icons", "inputSchema"}) {
            ObjectNode changed = def(base);
            changed.put(member, "changed");
            assertThat(Definition.of("tool", "calc", "add", changed).hash()).as(member).isNotEqualTo(d.hash());
        }
        // an invisible character alone changes it
        assertThat(Definition.of("tool", "calc", "add", def(base.replace("Adds.", "Adds.\u200B"))).hash()).isNotEqualTo(d.hash());
    }
}
