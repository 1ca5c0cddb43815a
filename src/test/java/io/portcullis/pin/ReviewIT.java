package io.portcullis.pin;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.it.InProcessCli;
import io.portcullis.it.JvmPeers;
import io.portcullis.it.LocalIdp;
import io.portcullis.it.RugPullServer;
import io.portcullis.it.TestGateway;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * #15 item 2 (C7.2): the review queue through the admin API and {@code portcullis review}, with
 * really signed tokens (mock-oauth2-server): an upstream's new version changes a tool's definition
 * (a restart with {@code --poisoned}); the tool is quarantined; a principal without the reviewer
 * role can neither see nor decide; the reviewer sees the diff and the findings, is refused without
 * an override, and accepting with one releases the tool.
 */
class ReviewIT {
    @TempDir
    Path dir;

    private static String yaml(String idp, String... upstreamArgs) {
        return """
                server: {host: 127.0.0.1, port: 0}
                upstreams:
                  rug: {command: %s}
                %s
                pins:
                  reviewers: [security-review]
                """.formatted(TestGateway.list(JvmPeers.testMain(RugPullServer.class, upstreamArgs)), LocalIdp.identity(idp));
    }

    static String[] cli(String... args) {
        return InProcessCli.run(args);
    }

    @Test
    void item2_theReviewQueueThroughTheAdminApiAndTheCli() throws Exception {
        LocalIdp idp = LocalIdp.start();
        String base = idp.base();
        try (TestGateway gw = TestGateway.start(yaml(base))) {
            assertThat(gw.gateway().catalog().tool("rug__add")).isPresent();
            assertThat(gw.gateway().catalog().toolQuarantine("rug__add")).isEmpty();
            // a new version of the upstream serves another definition
            gw.reload(yaml(base, "--poisoned"));
            gw.awaitCatalog(c -> c.toolQuarantine("rug__add").isPresent());

            String dave = idp.token(gw, "dave", List.of("developer"));
            String rita = idp.token(gw, "rita", List.of("security-review"));
            assertThat(gw.admin("GET", "/admin/api/reviews", dave, null).status()).isEqualTo(403);
            var list = gw.admin("GET", "/admin/api/reviews", rita, null);
            assertThat(list.status()).isEqualTo(200);
            assertThat(list.json()).singleElement().satisfies(r -> assertThat(r.path("id").asString()).isEqualTo("rug/tool/add"));
            String hash = list.json().get(0).path("served_hash").asString();

            // the CLI, with the reviewer's own token
            Path ritaToken = Files.writeString(dir.resolve("rita.token"), rita);
            Path daveToken = Files.writeString(dir.resolve("dave.token"), dave);
            String url = "http://127.0.0.1:" + gw.port();
            String config = gw.configFile().toString();
            String[] show = cli("review", "show", "rug/tool/add", "--config", config, "--url", url, "--token-file", ritaToken.toString());
            assertThat(show[0]).isEqualTo("0");
            assertThat(show[1]).contains("served: " + hash).contains("--- description").contains("- \"Adds two numbers.\"")
                    .contains("finding: high instruction-tag").contains("finding: high tag-characters")
                    .contains("\\u{E0073}"); // the tag characters shown as escapes, never raw
            String[] byDeveloper = cli("review", "accept", "rug/tool/add", "--hash", hash, "--override", "mine",
                    "--config", config, "--url", url, "--token-file", daveToken.toString());
            assertThat(byDeveloper[0]).isEqualTo("1");
            String[] noOverride = cli("review", "accept", "rug/tool/add", "--hash", hash,
                    "--config", config, "--url", url, "--token-file", ritaToken.toString());
            assertThat(noOverride[0]).isEqualTo("1");
            assertThat(gw.gateway().catalog().toolQuarantine("rug__add")).isPresent();
            String[] ok = cli("review", "accept", "rug/tool/add", "--hash", hash, "--override", "vendor advisory VA-7, fixed upstream",
                    "--config", config, "--url", url, "--token-file", ritaToken.toString());
            assertThat(ok[0]).as(ok[1]).isEqualTo("0");
            assertThat(ok[1]).contains("accepted");
            assertThat(gw.gateway().catalog().toolQuarantine("rug__add")).isEmpty();
            String[] empty = cli("review", "list", "--config", config, "--url", url, "--token-file", ritaToken.toString());
            assertThat(empty[1]).contains("nothing waits for review");
            // the decision is an audit record under the reviewer's subject
            var recs = gw.gateway().audit().query().search(new io.portcullis.audit.AuditQuery.Filter(null, null, null, null,
                    null, null, "pin_review", 10));
            assertThat(recs).singleElement().satisfies(r -> {
                assertThat(r.path("principal").path("subject").asString()).isEqualTo("rita");
                assertThat(r.path("decision").path("override").asString()).isEqualTo("vendor advisory VA-7, fixed upstream");
            });
        } finally {
            idp.close();
        }
    }

    /** #15 item 3: the scanner's findings in {@code catalog list}, with the definition hash {@code pins.approved} takes. */
    @Test
    void item3_catalogListShowsTheFindings() throws Exception {
        Path config = Files.writeString(dir.resolve("gw.yaml"), """
                server: {data_dir: data}
                upstreams:
                  rug: {command: %s}
                catalog: {unlisted: allow}
                """.formatted(TestGateway.list(JvmPeers.testMain(RugPullServer.class, "--poisoned"))));
        String[] table = cli("catalog", "list", "--config", config.toString());
        assertThat(table[0]).isEqualTo("0");
        assertThat(table[1]).contains("Definition scanner findings").contains("rug__add: high tag-characters")
                .contains("rug__add: high instruction-tag").doesNotContain("rug__pull:");
        String[] json = cli("catalog", "list", "--format", "json", "--config", config.toString());
        var tools = io.portcullis.protocol.Json.parse(json[1]).path("tools");
        assertThat(tools.findValues("definition_hash")).allSatisfy(h -> assertThat(h.asString()).matches(Definition.HASH.pattern()));
    }
}
