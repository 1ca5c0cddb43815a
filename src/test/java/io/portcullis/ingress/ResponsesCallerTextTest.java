package io.portcullis.ingress;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.call.GatewayException;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

/**
 * #16 (found in session 6): a refusal may tell its caller more than the gateway records. A
 * {@code user_oauth} refusal carries a consent link with a single-use ticket; the recorded message
 * (logs, audit, metrics: {@code getMessage()}) must not carry it, or anyone who reads the audit log
 * could redeem the link for their own account in the user's name. The caller still gets the link.
 */
class ResponsesCallerTextTest {
    static final String LINK = "https://gw.example/oauth/connect/tickets?ticket=T0p-s3cret";

    @Test
    void theCallerIsToldTheLinkThatIsNeverInTheRecordedMessage() {
        var r = new GatewayException.Refused("credentials", "credentials: connect at /oauth/connect/tickets",
                "credentials: open " + LINK);
        assertThat(r.getMessage()).doesNotContain("ticket=");
        ObjectNode result = Responses.refusedResult(r);
        assertThat(result.path("content").path(0).path("text").asString()).contains(LINK).startsWith("Refused by Portcullis (credentials)");
        assertThat(result.path("_meta").path("io.portcullis/refusal").path("reason").asString()).contains(LINK);
        assertThat(result.path("isError").asBoolean()).isTrue();
    }

    @Test
    void anOrdinaryRefusalSaysTheSameToTheCallerAsItRecords() {
        var r = new GatewayException.Refused("policy", "denied by rule x");
        assertThat(r.callerText()).isEqualTo(r.getMessage());
        assertThat(Responses.refusedResult(r).path("content").path(0).path("text").asString())
                .isEqualTo("Refused by Portcullis (policy): denied by rule x");
    }
}
