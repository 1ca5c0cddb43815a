package io.portcullis.it.hardening;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.settings.ConfigException;
import io.portcullis.it.JvmPeers;
import io.portcullis.it.LegacySession;
import io.portcullis.it.StdioPeer;
import io.portcullis.it.TestGateway;
import io.portcullis.protocol.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.node.ObjectNode;

/**
 * Issue #11 item 4: tool names shadowed each other. An upstream with an empty prefix could serve
 * {@code secrets__leak}; with the prefixes {@code alpha} and {@code alpha__beta},
 * {@code alpha__beta__danger} ran alpha's {@code beta__danger} under the catalog entry written for
 * the other upstream, and {@code check} said OK. Now such prefixes are refused at {@code check} and
 * at start, catalog entries are bound to (upstream, tool), and a collision that appears at run time
 * (after {@code list_changed}) hides every tool of that name and says why.
 */
class Hardening04ShadowedNamesIT {
    @TempDir
    Path dir;

    private String shadowing() {
        return """
                upstreams:
                  alpha:
                    command: %s
                  ab:
                    command: %s
                    prefix: alpha__beta
                  plain:
                    command: %s
                    prefix: ""
                catalog:
                  tools:
                    alpha__beta__danger: {owner: team-ab, purpose: the harmless one, risk: read_only}
                """.formatted(TestGateway.list(JvmPeers.testMain(ItemServer.class, "--tools", "beta__danger")),
                TestGateway.list(JvmPeers.testMain(ItemServer.class, "--tools", "danger")),
                TestGateway.list(JvmPeers.testMain(ItemServer.class, "--tools", "secrets__leak")));
    }

    @Test
    void item4_ambiguousPrefixesAreRefusedByCheck() throws Exception {
        Path f = dir.resolve("gw.yaml");
        Files.writeString(f, shadowing());
        try (StdioPeer p = new StdioPeer(JvmPeers.portcullis("check", "--config", f.toString()), dir)) {
            assertThat(p.closeInputAndWait(Duration.ofSeconds(30))).isEqualTo(1);
            assertThat(p.nextLine()).startsWith(f + ":6: prefix 'alpha__beta' contains the tool separator '__'");
            assertThat(p.nextLine()).startsWith(f + ":9: an empty prefix is allowed only for the only upstream");
            // and the catalog entry cannot be bound to one (upstream, tool) while the prefixes are ambiguous
            assertThat(p.nextLine()).startsWith(f + ":12: tool 'alpha__beta__danger' belongs to no upstream");
            assertThat(p.nextLine()).isEqualTo("3 problem(s) found");
        }
    }

    @Test
    void item4_ambiguousPrefixesAreRefusedAtStart() {
        assertThatThrownBy(() -> TestGateway.start(shadowing()).close())
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("contains the tool separator")
                .hasMessageContaining("an empty prefix is allowed only for the only upstream");
    }

    @Test
    void item4_aCollisionAtRunTimeHidesBothToolsAndSaysWhy() throws Exception {
        try (TestGateway gw = TestGateway.start("""
                upstreams:
                  items:
                    command: %s
                """.formatted(TestGateway.list(JvmPeers.testMain(ItemServer.class, "--tools", "echo,duplicate"))))) {
            LegacySession s = LegacySession.open(gw.client(), "2025-11-25");
            assertThat(s.toolNames()).containsExactlyInAnyOrder("items__echo", "items__duplicate");
            // the upstream now lists a second 'echo' and says tools/list_changed
            s.request("tools/call", Json.object().put("name", "items__duplicate"));
            var c = gw.awaitCatalog(cat -> cat.tool("items__echo").isEmpty());
            assertThat(c.problems()).anySatisfy(p -> assertThat(p).contains("items__echo", "more than once", "hidden"));
            assertThat(s.toolNames()).containsExactly("items__duplicate");
            ObjectNode r = s.request("tools/call", Json.object().put("name", "items__echo"));
            assertThat(r.path("result").path("isError").asBoolean()).isTrue();
            assertThat(r.path("result").path("_meta").path("io.portcullis/refusal").path("control").asString()).isEqualTo("catalog");
        }
    }
}
