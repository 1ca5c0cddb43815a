package io.portcullis.pin;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.identity.Principal;
import io.portcullis.it.JvmPeers;
import io.portcullis.it.ModernRequests;
import io.portcullis.it.RugPullServer;
import io.portcullis.it.TestGateway;
import io.portcullis.it.WireReply;
import io.portcullis.protocol.Json;
import io.portcullis.testing.PgSchema;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * #15 "How it is shown: two nodes on PostgreSQL": two gateways (each with its own upstream process, as
 * replicas have) on one real PostgreSQL database (a schema of its own). A rug pull quarantined on node A
 * is the one review both nodes show; node B, once its upstream serves the same change, refuses it too
 * (control pin); a reviewer's accept on node A releases the tool on node B within B's next pin reading,
 * and a real call through B passes.
 */
class PinsTwoNodesIT {
    @RegisterExtension
    final PgSchema pg = new PgSchema("pins_nodes_it_");

    private static final Principal RITA = new Principal("rita", Principal.Kind.USER, "rita", List.of("security-review"), "cli",
            "default", "local", null, null);

    @Test
    void aQuarantineAndAReviewDecidedOnOneNodeHoldOnTheOther() throws Exception {
        String yaml = """
                upstreams:
                  rug: {command: %s}
                store:
                  url: "%s"
                pins:
                  reviewers: [security-review]
                """.formatted(TestGateway.list(JvmPeers.testMain(RugPullServer.class)), pg.url());
        try (TestGateway a = TestGateway.start(yaml); TestGateway b = TestGateway.start(yaml)) {
            assertThat(call(a, "rug__add")).isEqualTo("passed");
            assertThat(call(b, "rug__add")).isEqualTo("passed");

            // the rug pull reaches node A's upstream: quarantined there, one review in the shared store
            assertThat(call(a, "rug__pull")).isEqualTo("passed");
            a.awaitCatalog(c -> c.toolQuarantine("rug__add").isPresent());
            assertThat(call(a, "rug__add")).startsWith("pin:");
            assertThat(b.gateway().reviews().list()).extracting(Review::id).containsExactly("rug/tool/add");
            assertThat(call(b, "rug__add")).as("B's upstream still serves the pinned definition").isEqualTo("passed");

            // then node B's: the same change, refused there too, still one review
            assertThat(call(b, "rug__pull")).isEqualTo("passed");
            b.awaitCatalog(c -> c.toolQuarantine("rug__add").isPresent());
            assertThat(call(b, "rug__add")).startsWith("pin:");
            assertThat(a.gateway().reviews().list()).hasSize(1);

            // a reviewer accepts on node A: released on A at once, and on B from the shared store
            Review r = a.gateway().reviews().show("rug/tool/add").orElseThrow();
            a.gateway().reviews().accept(r.id(), r.servedHash(), RITA, "vendor advisory VA-7");
            a.awaitCatalog(c -> c.toolQuarantine("rug__add").isEmpty());
            b.awaitCatalog(c -> c.toolQuarantine("rug__add").isEmpty());
            assertThat(call(b, "rug__add")).isEqualTo("passed");
            assertThat(b.gateway().reviews().list()).isEmpty();
        }
    }

    /** A real 2026-07-28 tools/call; "passed", or the refusing control and its reason. */
    private static String call(TestGateway node, String tool) {
        ObjectNode p = Json.object().put("name", tool);
        p.putObject("arguments").put("a", 2).put("b", 3);
        WireReply reply = ModernRequests.post(node.client(), ModernRequests.request(1, "tools/call", p));
        assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
        JsonNode result = reply.message().path("result");
        JsonNode refusal = result.path("_meta").path("io.portcullis/refusal");
        return result.path("isError").asBoolean(false) ? refusal.path("control").asString() + ": " + refusal.path("reason").asString()
                : "passed";
    }
}
