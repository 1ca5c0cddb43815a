package io.portcullis.changes;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.changelog.Changelog;
import io.portcullis.it.InProcessCli;
import io.portcullis.it.JvmPeers;
import io.portcullis.it.LocalIdp;
import io.portcullis.it.RugPullServer;
import io.portcullis.it.TestGateway;
import io.portcullis.protocol.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * #15 item 4 (C7.2), with really signed tokens (mock-oauth2-server): a policy loosening in production
 * is held until a second person approves it (its author and a principal without the reviewer role are
 * refused), the gateway running on the last approved config meanwhile; a tightening applies at once;
 * both are in the changelog with their diffs, as audit records. #15 item 2: the author of an upstream's
 * last config change may not accept its changed tool definition.
 */
class ChangeControlIT {
    @TempDir
    Path dir;

    private static String yaml(String idp, String author, boolean deny, String... upstreamArgs) {
        return """
                server: {host: 127.0.0.1, port: 0}
                environments:
                  - name: dev
                  - name: prod
                    production: true
                upstreams:
                  rug: {command: %s}
                %s
                pins:
                  reviewers: [security-review]
                policy:
                  rules:
                    - {id: reads, effect: allow}
                %s
                change_control:
                  hold_widening: [prod]
                  reviewers: [config-review]
                  author: %s
                """.formatted(TestGateway.list(JvmPeers.testMain(RugPullServer.class, upstreamArgs)), LocalIdp.identity(idp),
                deny ? "    - {id: no-add-in-prod, effect: deny, environments: [prod], when: 'tool.name == \"rug__add\"'}" : "",
                author);
    }

    private static boolean denies(TestGateway gw) {
        return gw.gateway().config().policy().rules().stream().anyMatch(r -> r.id().equals("no-add-in-prod"));
    }

    @Test
    void aLooseningInProductionIsHeldUntilASecondPersonApprovesATighteningAppliesAtOnce() throws Exception {
        LocalIdp idp = LocalIdp.start();
        String base = idp.base();
        try (TestGateway gw = TestGateway.start(yaml(base, "alice", true))) {
            String alice = idp.token(gw, "alice", List.of("config-review", "security-review"));
            String rita = idp.token(gw, "rita", List.of("config-review"));
            String dave = idp.token(gw, "dave", List.of("developer"));
            Path ritaToken = Files.writeString(dir.resolve("rita.token"), rita);
            Path aliceToken = Files.writeString(dir.resolve("alice.token"), alice);
            String url = "http://127.0.0.1:" + gw.port();
            String config = gw.configFile().toString();

            // alice removes the deny rule of production: a loosening, held
            var log = new io.portcullis.it.LogLines(ChangeControl.class.getName());
            var held = gw.offer(yaml(base, "alice", false));
            log.close();
            assertThat(held.state()).isEqualTo("held");
            // item 4: "the gateway keeps running on the last approved config and says so in logs"
            assertThat(log.lines()).anySatisfy(l -> assertThat(l).startsWith("config change " + held.id() + " widens [prod] and is HELD"
                    + " for review; still running on the last approved config. See it with: portcullis changes show " + held.id()));
            assertThat(denies(gw)).as("still running on the last approved config").isTrue();
            var list = gw.admin("GET", "/admin/api/changes", rita, null);
            assertThat(list.status()).isEqualTo(200);
            assertThat(list.json().path("waiting").asString()).isEqualTo(held.id());
            assertThat(list.json().path("running_on").asString()).contains("last approved config");
            assertThat(gw.admin("GET", "/admin/api/changes", dave, null).status()).isEqualTo(403);

            String[] show = cli("changes", "show", held.id(), "--config", config, "--url", url, "--token-file", ritaToken.toString());
            assertThat(show[0]).isEqualTo("0");
            assertThat(show[1]).contains("author: alice").contains("widening: policy rule no-add-in-prod removed")
                    .contains("- no-add-in-prod: deny when tool.name == \"rug__add\" in [prod]");
            // bad input: the author, and someone without the role, are refused
            var byAuthor = gw.admin("POST", "/admin/api/changes/approve", alice, Json.object().put("id", held.id()));
            assertThat(byAuthor.status()).isEqualTo(403);
            assertThat(byAuthor.json().path("error").asString()).contains("alice is the author of config change " + held.id());
            String[] byAuthorCli = cli("changes", "approve", held.id(), "--config", config, "--url", url, "--token-file", aliceToken.toString());
            assertThat(byAuthorCli[0]).isEqualTo("1");
            assertThat(gw.admin("POST", "/admin/api/changes/approve", dave, Json.object().put("id", held.id())).status()).isEqualTo(403);
            assertThat(denies(gw)).isTrue();

            // a second person approves: applied at once
            String[] ok = cli("changes", "approve", held.id(), "--config", config, "--url", url, "--token-file", ritaToken.toString());
            assertThat(ok[0]).as(ok[1]).isEqualTo("0");
            assertThat(ok[1]).contains("approved: it is applied");
            assertThat(denies(gw)).isFalse();
            assertThat(gw.gateway().changeControl().waiting()).isEmpty();

            // rita puts the deny back: a tightening, applied at once
            var tightened = gw.offer(yaml(base, "rita", true));
            assertThat(tightened.state()).isEqualTo("applied");
            assertThat(denies(gw)).isTrue();

            // both in the changelog, with their diffs, each an audit record
            var entries = new Changelog(gw.gateway().store()).read(null, null).stream()
                    .filter(e -> e.kind().equals("config_change")).toList();
            assertThat(entries).extracting(e -> e.summary().split(";")[0]).containsExactly(
                    "config change " + held.id() + " held (widens [\"prod\"])",
                    "config change " + held.id() + " approved (widens [\"prod\"])",
                    "config change " + tightened.id() + " applied");
            assertThat(entries.get(1).who()).isEqualTo("rita");
            assertThat(entries.get(1).diff()).contains("widening: policy rule no-add-in-prod removed (environments [prod])");
            assertThat(entries.get(2).diff()).contains("narrowing: policy rule no-add-in-prod added (environments [prod])");
            assertThat(entries).allSatisfy(e -> assertThat(e.audit()).startsWith("audit "));
            String[] json = cli("changelog", "--config", config, "--format", "json");
            assertThat(json[1]).as(json[1]).contains("\"kind\":\"config_change\"");

            // #15 item 2: alice changes the upstream (a new version serving another definition); rita approves it
            var upstream = gw.offer(yaml(base, "alice", true, "--poisoned"));
            assertThat(upstream.state()).isEqualTo("held");
            assertThat(gw.admin("POST", "/admin/api/changes/approve", rita, Json.object().put("id", upstream.id())).status())
                    .isEqualTo(200);
            gw.awaitCatalog(c -> c.toolQuarantine("rug__add").isPresent());
            var review = gw.admin("GET", "/admin/api/reviews", alice, null).json().get(0);
            var accept = gw.admin("POST", "/admin/api/reviews/accept", alice, Json.object().put("id", "rug/tool/add")
                    .put("hash", review.path("served_hash").asString()).put("override", "mine"));
            assertThat(accept.status()).isEqualTo(403);
            assertThat(accept.json().path("error").asString()).contains("alice made the last config change of upstream rug");
        } finally {
            idp.close();
        }
    }

    static String[] cli(String... args) {
        return InProcessCli.run(args);
    }
}
