package io.portcullis.changes;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.catalog.Catalog;
import io.portcullis.config.ConfigReader;
import io.portcullis.config.GatewayConfig;
import io.portcullis.readiness.Report.Line;
import io.portcullis.readiness.Readiness;
import io.portcullis.readiness.Report.Status;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** #15 item 4: C7.2 passes from the gateway's own change control in the environments it holds, and flips without it. */
class ChangeControlReadinessTest {
    private static final Path EXAMPLES = Path.of("examples").toAbsolutePath();

    private static Line c72(String text, String env) throws Exception {
        GatewayConfig c = ConfigReader.parse(text, "demo-ready.yaml", EXAMPLES, null);
        return Readiness.evaluate(c, Catalog.EMPTY, io.portcullis.policy.Policy.compile(c.policy()), true, Map.of())
                .environments().stream().filter(e -> e.name().equals(env)).findFirst().orElseThrow().line("C7.2").orElseThrow();
    }

    @Test
    void c72FromTheGatewaysOwnChangeControlAndFlipsWithoutIt() throws Exception {
        String ready = Files.readString(EXAMPLES.resolve("demo-ready.yaml"));
        Line held = c72(ready, "prod");
        assertThat(held.status()).isEqualTo(Status.PASS);
        assertThat(String.join(" ", held.evidence())).contains("held by the gateway").contains("until 2 reviewer(s)")
                .doesNotContain("not verified");
        String declaredOnly = ready.replace("  hold_widening: [dev, prod]", "  hold_widening: [dev]");
        assertThat(String.join(" ", c72(declaredOnly, "prod").evidence())).contains("declared in config, not verified");
        String neither = declaredOnly.replace("  review: {required: true, record: https://git.example.com/acme/gateway-config}  # C7.2\n", "");
        Line failing = c72(neither, "prod");
        assertThat(failing.status()).isEqualTo(Status.FAIL);
        assertThat(String.join(" ", failing.evidence())).contains("change_control.hold_widening");
        assertThat(c72(neither, "dev").status()).isEqualTo(Status.PASS);
    }

    /** #15 items 1-2 (C7.2): the gateway's review of new and changed tools is part of the line: pins off flips it. */
    @Test
    void c72FlipsWhenToolDefinitionsAreNotPinnedAndSaysWhetherNewOnesWait() throws Exception {
        String ready = Files.readString(EXAMPLES.resolve("demo-ready.yaml"));
        assertThat(String.join(" ", c72(ready, "prod").evidence())).contains("pinned on first sight (pins.review_new: false)")
                .contains("resource templates, upstream instructions"); // what the last audit of #15 left, now pinned
        assertThat(String.join(" ", c72(ready + "pins:\n  review_new: true\n", "prod").evidence()))
                .contains("every new definition not pre-approved (pins.review_new: true)");
        Line off = c72(ready + "pins:\n  enabled: false\n", "prod");
        assertThat(off.status()).isEqualTo(Status.FAIL);
        assertThat(String.join(" ", off.evidence())).contains("pins.enabled: false");
    }
}
