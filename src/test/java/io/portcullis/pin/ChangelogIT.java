package io.portcullis.pin;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.it.JvmPeers;
import io.portcullis.it.LocalIdp;
import io.portcullis.it.RugPullServer;
import io.portcullis.it.TestGateway;
import io.portcullis.protocol.Json;
import io.portcullis.testing.Eventually;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * #15 item 6 (C7.3): on a running gateway (really signed tokens, mock-oauth2-server) an admin flips a kill
 * switch and a reviewer accepts a changed definition; {@code portcullis changelog --format json} (through
 * the gateway's admin API) shows both in order, each with its audit record's chain reference, and the
 * quarantine before them with its diff. Every command of docs/operations/changelog.md is run here.
 */
class ChangelogIT {
    private static final Pattern BLOCK = Pattern.compile("```sh\\n(.*?)```", Pattern.DOTALL);

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

    static List<String> pageCommands() throws Exception {
        List<String> out = new ArrayList<>();
        Matcher m = BLOCK.matcher(Files.readString(Path.of("docs/operations/changelog.md")));
        while (m.find()) {
            m.group(1).lines().map(String::strip).filter(l -> l.startsWith("portcullis ")).forEach(out::add);
        }
        return out;
    }

    @Test
    void item6_aKillSwitchAndAReviewOnARunningGatewayAreInTheChangelog() throws Exception {
        LocalIdp idp = LocalIdp.start();
        String base = idp.base();
        try (TestGateway gw = TestGateway.start(yaml(base), dir, true)) {
            gw.reload(yaml(base, "--poisoned"));
            gw.awaitCatalog(c -> c.toolQuarantine("rug__add").isPresent());
            String admin = idp.token(gw, "ada", List.of("portcullis-admin"));
            String rita = idp.token(gw, "rita", List.of("security-review"));
            String dave = idp.token(gw, "dave", List.of("developer"));
            assertThat(gw.admin("GET", "/admin/api/changelog", dave, null).status()).isEqualTo(403); // admin roles only
            assertThat(gw.admin("GET", "/admin/api/changelog?since=yesterday", admin, null).status()).isEqualTo(400);

            var kill = gw.admin("POST", "/admin/api/kill-switches", admin, Json.object().put("action", "kill")
                    .put("scope", "tool").put("name", "rug__pull").put("reason", "INC-9: pulls too much"));
            assertThat(kill.status()).as(kill.json().toString()).isEqualTo(201);
            String hash = gw.admin("GET", "/admin/api/reviews", rita, null).json().get(0).path("served_hash").asString();
            Path ritaToken = Files.writeString(dir.resolve("rita.token"), rita);
            String[] ok = ReviewIT.cli("review", "accept", "rug/tool/add", "--hash", hash, "--override", "VA-7 fixed upstream",
                    "--config", gw.configFile().toString(), "--url", "http://127.0.0.1:" + gw.port(), "--token-file", ritaToken.toString());
            assertThat(ok[0]).as(ok[1]).isEqualTo("0");

            String config = gw.configFile().toString();
            JsonNode entries = Eventually.eventually(Duration.ofSeconds(30), () -> {
                String[] out = ReviewIT.cli("changelog", "--config", config, "--format", "json");
                assertThat(out[0]).as(out[1]).isEqualTo("0");
                return Json.parse(out[1]).path("entries");
            }, e -> e.findValues("kind").stream().anyMatch(k -> k.asString().equals("kill_switch"))
                    && kindAudited(e, "kill_switch") && kindAudited(e, "pin_review"));
            List<String> kinds = new ArrayList<>();
            entries.forEach(e -> kinds.add(e.path("kind").asString()));
            assertThat(kinds).containsSubsequence("config", "kill_switch", "pin_review");
            JsonNode k = find(entries, "kill_switch");
            assertThat(k.path("who").asString()).isEqualTo("ada");
            assertThat(k.path("tool").asString()).isEqualTo("rug__pull");
            assertThat(k.path("summary").asString()).isEqualTo("kill tool rug__pull (all environments): INC-9: pulls too much");
            assertThat(k.path("audit").asString()).startsWith("audit ");
            JsonNode r = find(entries, "pin_review");
            assertThat(r.path("who").asString()).isEqualTo("rita");
            assertThat(r.path("subject").asString()).isEqualTo("rug/tool/add");
            assertThat(r.path("summary").asString()).startsWith("accepted " + hash).endsWith("with override: VA-7 fixed upstream");
            assertThat(r.path("audit").asString()).startsWith("audit ");
            // the accepted definition is the pin now, by the reviewer
            assertThat(entries.findParents("kind").stream().filter(e -> e.path("kind").asString().equals("pin")
                    && e.path("who").asString().equals("rita"))).hasSize(1);

            // every command of docs/operations/changelog.md, as written (portcullis.yaml is the gateway's config)
            List<String> commands = pageCommands();
            assertThat(commands).hasSize(4);
            for (String c : commands) {
                String[] args = c.substring("portcullis ".length()).replace("portcullis.yaml", config).split(" ");
                String[] out = ReviewIT.cli(args);
                assertThat(out[0]).as(c + "\n" + out[1]).isEqualTo("0");
                if (c.contains("--format json")) {
                    assertThat(Json.parse(out[1]).path("sources")).hasSize(5); // #15 items 4, 6: config changes through the change control are the fifth source
                } else if (c.contains("--format markdown")) {
                    assertThat(out[1]).startsWith("| time | kind |").contains("| pin_review |").contains("| kill_switch |");
                } else if (c.contains("--tool rug__add")) {
                    // accepted: the quarantine is over (pins keeps the current state); the review and the new pin remain
                    assertThat(out[1]).contains("pin_review").contains("by rita: pinned").doesNotContain("quarantine").doesNotContain("rug__pull");
                } else {
                    assertThat(out[1]).contains("kill_switch").contains("by ada").contains("pin_review").contains("by rita");
                }
            }
        } finally {
            idp.close();
        }
    }

    private static boolean kindAudited(JsonNode entries, String kind) {
        JsonNode e = find(entries, kind);
        return e != null && e.path("audit").isString();
    }

    private static JsonNode find(JsonNode entries, String kind) {
        for (JsonNode e : entries) {
            if (e.path("kind").asString().equals(kind)) {
                return e;
            }
        }
        return null;
    }
}
