package io.portcullis.it.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.catalog.RiskClass;
import io.portcullis.catalog.ToolEntry;
import io.portcullis.it.LegacySession;
import io.portcullis.it.NpmPeers;
import io.portcullis.it.TestGateway;
import io.portcullis.protocol.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Issue #4 through the real gateway with server-filesystem (a real npm upstream): risk classes
 * from its honest annotations (C2.2), a path outside the catalog's root refused before the
 * upstream sees it (C2.3), unlisted tools invisible and uncallable (C2.1).
 */
class FilesystemCatalogIT {
    static Path base;
    static Path sandbox;
    static Path outside;
    static TestGateway gw;

    @BeforeAll
    static void start() throws Exception {
        base = Files.createTempDirectory("fs-catalog").toRealPath();
        sandbox = Files.createDirectories(base.resolve("sandbox"));
        outside = Files.createDirectories(base.resolve("outside"));
        Files.writeString(sandbox.resolve("notes.txt"), "inside the sandbox");
        Files.writeString(outside.resolve("secret.txt"), "outside the sandbox");
        Files.createSymbolicLink(sandbox.resolve("link-out"), outside);
        // The upstream may touch all of `base`; the catalog narrows read_text_file to `sandbox`.
        String yaml = """
                environments: [dev, {name: prod, production: true}]
                upstreams:
                  fs:
                    command: %s
                catalog:
                  unlisted: hide
                  upstreams:
                    fs: {owner: {team: platform, oncall: "pager:platform"}}
                  tools:
                    fs__read_text_file:
                      purpose: Read a file in the sandbox.
                      constraints:
                        path: {path_roots: ["%s"]}
                    fs__get_file_info:
                      purpose: File metadata.
                    fs__write_file:
                      purpose: Write files.
                    fs__edit_file:
                      purpose: Edit files.
                      risk: state_changing
                    fs__list_allowed_directories:
                      purpose: Where the upstream may go.
                """.formatted(TestGateway.list(NpmPeers.command("mcp-server-filesystem", base.toString())), sandbox);
        gw = TestGateway.start(yaml);
    }

    @AfterAll
    static void stop() throws Exception {
        if (gw != null) {
            gw.close();
        }
    }

    private static List<String> toolNames(LegacySession s) {
        List<String> names = new ArrayList<>();
        s.request("tools/list", null).path("result").path("tools").forEach(t -> names.add(t.path("name").asString()));
        return names;
    }

    private static JsonNode call(LegacySession s, String tool, ObjectNode args) {
        ObjectNode p = Json.object().put("name", tool);
        p.set("arguments", args);
        return s.request("tools/call", p);
    }

    @Test
    void destructiveToolsComeOutIrreversibleUnlessTheCatalogSaysOtherwise() {
        ToolEntry write = gw.gateway().catalog().tool("fs__write_file").orElseThrow();
        assertThat(write.risk()).isEqualTo(RiskClass.IRREVERSIBLE);
        assertThat(write.riskSource()).isEqualTo("annotations");
        ToolEntry edit = gw.gateway().catalog().tool("fs__edit_file").orElseThrow();
        assertThat(edit.risk()).isEqualTo(RiskClass.STATE_CHANGING);
        assertThat(edit.riskSource()).isEqualTo("catalog");
        assertThat(gw.gateway().catalog().tool("fs__read_text_file").orElseThrow().risk()).isEqualTo(RiskClass.READ_ONLY);
    }

    @Test
    void unlistedToolsAreInvisibleAndCannotBeCalled() throws Exception {
        LegacySession s = LegacySession.open(gw.client(), "2025-11-25");
        List<String> names = toolNames(s);
        assertThat(names).contains("fs__read_text_file", "fs__write_file").doesNotContain("fs__move_file", "fs__list_directory");
        assertThat(gw.gateway().catalog().hidden()).extracting(h -> h.name()).contains("fs__move_file", "fs__list_directory");
        Path victim = sandbox.resolve("notes.txt");
        JsonNode r = call(s, "fs__move_file", Json.object().put("source", victim.toString())
                .put("destination", sandbox.resolve("moved.txt").toString()));
        assertThat(r.toString()).contains("Unknown tool");
        assertThat(victim).exists();
    }

    @Test
    void aPathOutsideTheRootIsRefusedBeforeTheUpstreamSeesIt() throws Exception {
        LegacySession s = LegacySession.open(gw.client(), "2025-11-25");
        JsonNode inside = call(s, "fs__read_text_file", Json.object().put("path", sandbox.resolve("notes.txt").toString()));
        assertThat(inside.path("result").path("isError").asBoolean(false)).isFalse();
        assertThat(inside.toString()).contains("inside the sandbox");

        String secret = outside.resolve("secret.txt").toString();
        for (String path : List.of(secret, sandbox + "/../outside/secret.txt", sandbox.resolve("link-out/secret.txt").toString())) {
            JsonNode refused = call(s, "fs__read_text_file", Json.object().put("path", path));
            assertThat(refused.path("result").path("isError").asBoolean()).as(path).isTrue();
            assertThat(refused.path("result").path("_meta").path("io.portcullis/refusal").path("control").asString()).isEqualTo("arguments");
            assertThat(refused.toString()).contains("argument 'path'").contains("outside the allowed roots").doesNotContain("outside the sandbox");
        }
        // #11 item 2: the upstream is given the catalog's path_roots as its MCP roots, so it refuses too:
        // a tool without the overlay cannot read metadata of the same file (the server's refusal, not the gateway's).
        JsonNode info = call(s, "fs__get_file_info", Json.object().put("path", secret));
        assertThat(info.path("result").path("isError").asBoolean(false)).isTrue();
        assertThat(info.path("result").path("_meta").has("io.portcullis/refusal")).isFalse();
        assertThat(info.toString()).doesNotContain("outside the sandbox");
    }

    @Test
    void theUpstreamSchemaIsEnforcedToo() throws Exception {
        LegacySession s = LegacySession.open(gw.client(), "2025-11-25");
        JsonNode r = call(s, "fs__read_text_file", Json.object().put("nopath", "x"));
        assertThat(r.path("result").path("isError").asBoolean()).isTrue();
        assertThat(r.toString()).contains("inputSchema");
    }

    /**
     * #11 item 7: this deployment has no identity (every caller is anonymous), so production's G1
     * gate stays closed and no setting opens it: changes there are refused by the gate, before the
     * policy (whose production approvals ApprovalsIT shows in a ready deployment), and not listed.
     */
    @Test
    void productionStaysReadOnlyForAnonymousCallers() throws Exception {
        LegacySession prod = LegacySession.open(new io.portcullis.it.WireClient(gw.url("prod")), "2025-11-25");
        JsonNode write = call(prod, "fs__write_file", Json.object().put("path", sandbox.resolve("p.txt").toString()).put("content", "x"));
        assertThat(write.path("result").path("_meta").path("io.portcullis/refusal").path("control").asString()).isEqualTo("readiness-gate");
        assertThat(write.toString()).contains("C1.1");
        JsonNode edit = call(prod, "fs__edit_file", Json.object().put("path", sandbox.resolve("notes.txt").toString())
                .set("edits", Json.array()));
        assertThat(edit.path("result").path("_meta").path("io.portcullis/refusal").path("control").asString()).isEqualTo("readiness-gate");
        assertThat(sandbox.resolve("p.txt")).doesNotExist();
        assertThat(toolNames(prod)).contains("fs__read_text_file").doesNotContain("fs__write_file", "fs__edit_file");
    }
}
