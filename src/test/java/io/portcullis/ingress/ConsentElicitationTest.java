package io.portcullis.ingress;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.call.GatewayException;
import io.portcullis.identity.Principal;
import io.portcullis.protocol.Json;
import io.portcullis.protocol.ProtocolVersion;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.IntNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * #16 item 1 (C1.2), {@code user_oauth}: which clients are asked to connect by URL-mode elicitation
 * (-32042) rather than the {@code isError} text, and what the error carries.
 */
class ConsentElicitationTest {
    static final String LINK = "http://127.0.0.1:1/oauth/connect/tickets?ticket=T1";
    static final GatewayException.Refused CONSENT = new GatewayException.Refused("credentials",
            "credentials: no grant: the caller was given a single-use link to /oauth/connect/tickets",
            "credentials: no grant: open " + LINK, LINK, "credentials: no grant: open the link");

    static ClientSession session(ProtocolVersion v, String caps) {
        return new ClientSession("s1", "dev", v, (ObjectNode) Json.parse(caps), Json.object(),
                Principal.anonymous("dev", "test"));
    }

    @Test
    void onlyA2025_11_25ClientThatDeclaredUrlModeIsAskedByElicitation() {
        assertThat(ConsentElicitation.applies(session(ProtocolVersion.V2025_11_25, "{\"elicitation\":{\"url\":{}}}"), CONSENT)).isTrue();
        assertThat(ConsentElicitation.applies(session(ProtocolVersion.V2025_11_25, "{\"elicitation\":{\"form\":{},\"url\":{}}}"), CONSENT)).isTrue();
        // form mode only, no elicitation at all, or an older revision: the isError text with the link
        assertThat(ConsentElicitation.applies(session(ProtocolVersion.V2025_11_25, "{\"elicitation\":{}}"), CONSENT)).isFalse();
        assertThat(ConsentElicitation.applies(session(ProtocolVersion.V2025_11_25, "{}"), CONSENT)).isFalse();
        assertThat(ConsentElicitation.applies(session(ProtocolVersion.V2025_06_18, "{\"elicitation\":{\"url\":{}}}"), CONSENT)).isFalse();
        // a refusal that carries no link is never turned into an elicitation
        assertThat(ConsentElicitation.applies(session(ProtocolVersion.V2025_11_25, "{\"elicitation\":{\"url\":{}}}"),
                new GatewayException.Refused("policy", "denied"))).isFalse();
    }

    @Test
    void theErrorIsUrlElicitationRequiredWithOneUrlElicitationNamingTheControl() {
        ObjectNode m = ConsentElicitation.error(IntNode.valueOf(7), CONSENT);
        assertThat(m.path("error").path("code").asInt()).isEqualTo(-32042);
        assertThat(m.path("error").path("message").asString()).contains("(credentials)").doesNotContain("ticket=");
        ObjectNode data = (ObjectNode) m.path("error").path("data");
        assertThat(data.path("control").asString()).isEqualTo("credentials");
        assertThat(data.path("elicitations")).hasSize(1);
        assertThat(data.path("elicitations").path(0).path("mode").asString()).isEqualTo("url");
        assertThat(data.path("elicitations").path(0).path("url").asString()).isEqualTo(LINK);
        assertThat(data.path("elicitations").path(0).path("message").asString()).doesNotContain("ticket=");
        assertThat(data.path("elicitations").path(0).path("elicitationId").asString()).isNotBlank();
    }

    /** docs/operations/credentials.md quotes the error's message and code as the gateway sends them. */
    @Test
    void theDocsQuoteTheErrorAsSent() throws Exception {
        String doc = java.nio.file.Files.readString(java.nio.file.Path.of("docs/operations/credentials.md"));
        ObjectNode m = ConsentElicitation.error(IntNode.valueOf(1), CONSENT);
        assertThat(doc).contains("message `" + m.path("error").path("message").asString() + "`")
                .contains("JSON-RPC code **" + m.path("error").path("code").asInt() + "**")
                .contains("`error.data = {control: \"credentials\", elicitations: [{mode: \"url\", elicitationId, url, message}]}`");
    }
}
