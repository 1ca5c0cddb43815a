package io.portcullis.changes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.it.JvmPeers;
import io.portcullis.it.LocalIdp;
import io.portcullis.it.ModernRequests;
import io.portcullis.it.RugPullServer;
import io.portcullis.it.TestGateway;
import io.portcullis.it.WireClient;
import io.portcullis.it.WireReply;
import io.portcullis.protocol.Json;
import io.portcullis.store.StoreException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * #15 item 4 ("the gateway keeps running on the last approved config"), C7.2: a restart does not bypass
 * a held change. A loosening is approved by a second person (it becomes the last approved config), a
 * tightening applies, then another loosening is written to the file and held; the gateway is stopped and
 * started again on the same data directory with the loosened file: it runs on the last approved config
 * (the deny rule still refuses a real call in production), the file's change is still held and the
 * readiness report (C7.2) and the admin API say so; approving it after the restart applies it. Fail
 * closed: a stored approved config that cannot be parsed stops the start.
 */
class ChangeControlRestartIT {
    @TempDir
    Path dir;

    private static String yaml(String idp, String author, boolean deny) {
        return """
                server: {host: 127.0.0.1, port: 0}
                environments:
                  - name: dev
                  - name: prod
                    production: true
                upstreams:
                  rug: {command: %s}
                %s
                policy:
                  rules:
                    - {id: reads, effect: allow}
                %s
                change_control:
                  hold_widening: [prod]
                  reviewers: [config-review]
                  author: %s
                """.formatted(TestGateway.list(JvmPeers.testMain(RugPullServer.class)), LocalIdp.identity(idp),
                deny ? "    - {id: no-add-in-prod, effect: deny, environments: [prod], when: 'tool.name == \"rug__add\"'}" : "",
                author);
    }

    @Test
    void aRestartRunsOnTheLastApprovedConfigAndTheFilesWideningStaysHeld() throws Exception {
        LocalIdp idp = LocalIdp.start();
        String base = idp.base();
        String held;
        try {
            try (TestGateway gw = TestGateway.start(yaml(base, "alice", true), dir, true)) {
                String rita = idp.token(gw, "rita", List.of("config-review"), "dev");
                assertThat(gw.offer(yaml(base, "alice", true)).state()).as("serve offers the file's config at start").isEqualTo("applied");
                // alice loosens production, rita approves: the last approved config is the loosened one
                var first = gw.offer(yaml(base, "alice", false));
                assertThat(first.state()).isEqualTo("held");
                assertThat(gw.admin("POST", "/admin/api/changes/approve", rita, Json.object().put("id", first.id())).status())
                        .isEqualTo(200);
                // rita tightens it again: applied at once, now the last approved config
                assertThat(gw.offer(yaml(base, "rita", true)).state()).isEqualTo("applied");
                // mallory loosens it again: held
                var second = gw.offer(yaml(base, "mallory", false));
                assertThat(second.state()).isEqualTo("held");
                held = second.id();
                assertThat(denies(gw)).isTrue();
            }

            // the restart, on the file as mallory left it
            try (TestGateway gw = TestGateway.start(yaml(base, "mallory", false), dir, true)) {
                assertThat(denies(gw)).as("running on the last approved config, not on the held file").isTrue();
                assertThat(gw.gateway().config().changeControl().author()).isEqualTo("rita");
                String bob = idp.token(gw, "bob", List.of("developer"), "prod");
                assertThat(addInProd(gw, bob)).as("the old behaviour is enforced").isEqualTo("policy: denied by rule 'no-add-in-prod' (rules [no-add-in-prod])");
                var again = gw.offer(yaml(base, "mallory", false)); // what serve does after the start
                assertThat(again.state()).isEqualTo("held");
                assertThat(again.id()).isEqualTo(held);
                assertThat(gw.gateway().changeControl().waiting()).contains(held);

                // #15 item 4 "says so in ... readiness": C7.2 of prod names the held change; dev is not widened
                var prod = gw.gateway().readiness().environment("prod").orElseThrow().line("C7.2").orElseThrow();
                assertThat(String.join(" ", prod.evidence())).contains("config change " + held).contains("author mallory")
                        .contains("HELD for review").contains("runs on the last approved config");
                var dev = gw.gateway().readiness().environment("dev").orElseThrow().line("C7.2").orElseThrow();
                assertThat(String.join(" ", dev.evidence())).doesNotContain("HELD");
                String olga = idp.token(gw, "olga", List.of("portcullis-admin"), "dev");
                var api = gw.admin("GET", "/admin/api/readiness?env=prod", olga, null);
                assertThat(api.status()).isEqualTo(200);
                assertThat(api.json().toString()).contains("config change " + held).contains("HELD for review");
                String rita = idp.token(gw, "rita", List.of("config-review"), "dev");
                assertThat(gw.admin("GET", "/admin/api/changes", rita, null).json().path("waiting").asString()).isEqualTo(held);

                // a second person approves after the restart: applied, and the readiness note is gone
                assertThat(gw.admin("POST", "/admin/api/changes/approve", rita, Json.object().put("id", held)).status())
                        .isEqualTo(200);
                assertThat(denies(gw)).isFalse();
                assertThat(addInProd(gw, bob)).isEqualTo("passed");
                assertThat(String.join(" ", gw.gateway().readiness().environment("prod").orElseThrow().line("C7.2")
                        .orElseThrow().evidence())).doesNotContain("HELD");
                // mallory loosens nothing more but the stored approved config is damaged (fail closed below)
                try (Connection c = gw.gateway().store().connection(); Statement st = c.createStatement()) {
                    st.executeUpdate("UPDATE config_approved SET files = '{}'");
                }
                gw.writeConfig(yaml(base, "eve", false).replace("effect: allow}", "effect: allow}\n    - {id: more, effect: allow}"));
            }

            // fail closed: the approved config cannot be parsed, so the gateway does not start on the file
            assertThatThrownBy(() -> TestGateway.start(yaml(base, "eve", false), dir, true).close())
                    .isInstanceOf(StoreException.class)
                    .hasMessageContaining("the last approved config")
                    .hasMessageContaining("does not start on a config nobody approved");
        } finally {
            idp.close();
        }
    }

    private static boolean denies(TestGateway gw) {
        return gw.gateway().config().policy().rules().stream().anyMatch(r -> r.id().equals("no-add-in-prod"));
    }

    /** A real call of rug__add in prod; the refusal's control and reason, or "passed". */
    private static String addInProd(TestGateway gw, String token) {
        ObjectNode p = Json.object().put("name", "rug__add");
        p.putObject("arguments").put("a", 2).put("b", 3);
        WireReply r = ModernRequests.post(new WireClient(gw.url("prod")), ModernRequests.request(1, "tools/call", p),
                "Authorization", "Bearer " + token);
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        JsonNode result = r.message().path("result");
        return result.path("isError").asBoolean(false)
                ? result.path("_meta").path("io.portcullis/refusal").path("control").asString() + ": "
                        + result.path("_meta").path("io.portcullis/refusal").path("reason").asString(result.toString()) : "passed";
    }
}
