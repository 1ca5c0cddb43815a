package io.portcullis.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.protocol.Json;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

/**
 * #11 item 15 (the arguments part): a 1,000-digit integer checked against {@code maximum}, or a
 * schema with a remote {@code $dynamicRef} or an unresolvable {@code $ref}, used to fail with
 * -32603 and a stack trace; each is now a clear violation the arguments control refuses with.
 */
class Hardening15SchemaFailClosedTest {
    private static ArgumentCheck check(String inputSchema) {
        ObjectNode def = Json.object().put("name", "t");
        def.set("inputSchema", Json.parse(inputSchema));
        return ArgumentCheck.compile(def, Map.of());
    }

    private static ObjectNode args(String json) {
        return (ObjectNode) Json.parse(json);
    }

    @Test
    void item15_aThousandDigitIntegerAgainstMaximumIsAClearViolation() {
        ArgumentCheck c = check("{\"type\":\"object\",\"properties\":{\"n\":{\"type\":\"integer\",\"maximum\":10}}}");
        assertThat(c.check(args("{\"n\":" + "9".repeat(1000) + "}"))).get().asString().contains("argument 'n'").contains("inputSchema");
        assertThat(c.check(args("{\"n\":" + "9".repeat(300) + "}"))).isPresent();
        assertThat(c.check(args("{\"n\":5}"))).isEmpty();
        ArgumentCheck open = check("{\"type\":\"object\",\"properties\":{\"n\":{\"maximum\":10,\"exclusiveMinimum\":0,\"multipleOf\":0.5}}}");
        assertThat(open.check(args("{\"n\":" + "9".repeat(997) + ".5}"))).isPresent();
    }

    @Test
    void item15_aRemoteDynamicRefIsRefusedWithoutFetching() {
        ArgumentCheck c = check("{\"type\":\"object\",\"properties\":{\"n\":{\"$dynamicRef\":\"https://127.0.0.1:9/schema#meta\"}}}");
        assertThat(c.check(args("{\"n\":1}"))).get().asString().contains("remote").contains("refused");
        ArgumentCheck schema = check("{\"$schema\":\"https://127.0.0.1:9/custom-dialect\",\"type\":\"object\"}");
        assertThat(schema.check(args("{}"))).isPresent();
    }

    @Test
    void item15_anUnresolvableRefIsAClearViolation() {
        ArgumentCheck c = check("{\"type\":\"object\",\"properties\":{\"n\":{\"$ref\":\"#/$defs/missing\"}}}");
        assertThat(c.check(args("{\"n\":1}"))).get().asString().contains("inputSchema");
        ArgumentCheck dyn = check("{\"type\":\"object\",\"properties\":{\"n\":{\"$dynamicRef\":\"#nowhere\"}}}");
        assertThat(dyn.check(args("{\"n\":1}"))).isPresent();
    }
}
