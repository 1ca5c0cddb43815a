package io.portcullis.it.roots;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.audit.AuditQuery;
import io.portcullis.it.LegacySession;
import io.portcullis.it.NpmPeers;
import io.portcullis.it.TestGateway;
import io.portcullis.it.peers.Peers;
import io.portcullis.protocol.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * #11 item 1 (critical): one client must not re-point a shared upstream's roots for everyone.
 * A real TypeScript SDK client declares roots, answers {@code roots/list} with a directory outside
 * the sandbox and keeps telling the gateway its roots changed while calls of its own are in
 * flight; server-filesystem (real, over stdio, shared by every session) used to take the roots of
 * whichever client had a call in flight. Now the gateway answers {@code roots/list} itself, from
 * config (here derived from the catalog's {@code path_roots}), never from a client, and records
 * the roots it serves in the audit log.
 */
class Hardening01SharedRootsIT {
    static Path base;
    static Path sandbox;
    static Path outside;
    static TestGateway gw;

    @BeforeAll
    static void start() throws Exception {
        base = Files.createTempDirectory("roots-it").toRealPath();
        sandbox = Files.createDirectories(base.resolve("sandbox"));
        outside = Files.createDirectories(base.resolve("outside"));
        Files.writeString(sandbox.resolve("notes.txt"), "inside the sandbox");
        Files.writeString(outside.resolve("secret.txt"), "the secret outside the sandbox");
        // The server is started on the sandbox, as examples/npm-servers.yaml does. get_file_info has no
        // overlay: what the server itself enforces (its roots) is the only fence for it.
        String yaml = """
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
                      risk: read_only
                      constraints:
                        path: {path_roots: ["%s"]}
                    fs__get_file_info: {purpose: File metadata., risk: read_only}
                    fs__list_allowed_directories: {purpose: Where the upstream may go., risk: read_only}
                """.formatted(TestGateway.list(NpmPeers.command("mcp-server-filesystem", sandbox.toString())), sandbox);
        gw = TestGateway.start(yaml);
    }

    @AfterAll
    static void stop() throws Exception {
        if (gw != null) {
            gw.close();
        }
    }

    private static JsonNode call(LegacySession s, String tool, ObjectNode args) {
        ObjectNode p = Json.object().put("name", tool);
        p.set("arguments", args);
        return s.request("tools/call", p).path("result");
    }

    @Test
    void item1_aClientCannotRepointASharedUpstreamsRoots() throws Exception {
        Path work = Peers.workDir(Hardening01SharedRootsIT.class);
        JsonNode attack = Peers.nodeScript("sdk1-roots-attacker.mjs", work, Duration.ofMinutes(3), gw.url().toString(),
                "fs__list_allowed_directories", outside.toUri().toString(), outside.toString(), "60").ok();

        assertThat(attack.path("escaped").asBoolean()).as(attack.toString()).isFalse();
        assertThat(attack.path("rootsAsked").asInt()).as("the attacker's roots/list handler was asked").isZero();

        // another session (another user) still sees the sandbox only, and the server refuses the outside
        LegacySession victim = LegacySession.open(gw.client(), "2025-11-25");
        String allowed = call(victim, "fs__list_allowed_directories", Json.object()).toString();
        assertThat(allowed).contains(sandbox.toString()).doesNotContain(outside.toString());
        JsonNode info = call(victim, "fs__get_file_info", Json.object().put("path", outside.resolve("secret.txt").toString()));
        assertThat(info.path("isError").asBoolean()).as(info.toString()).isTrue();
        JsonNode inside = call(victim, "fs__read_text_file", Json.object().put("path", sandbox.resolve("notes.txt").toString()));
        assertThat(inside.toString()).contains("inside the sandbox");
    }

    @Test
    void item1_theRootsTheGatewayServesAreAnAuditRecord() throws Exception {
        // recorded right after the answer, which the server asks for right after initialize
        List<ObjectNode> records = Await.until(java.time.Duration.ofSeconds(30), () -> gw.gateway().audit().query()
                .search(new AuditQuery.Filter(null, null, null, null, null, null, "roots", 100)), rs -> !rs.isEmpty());
        assertThat(records).isNotEmpty();
        ObjectNode r = records.getFirst();
        assertThat(r.path("upstream").path("name").asString()).isEqualTo("fs");
        assertThat(r.path("roots").toString()).contains(sandbox.toUri().toString()).doesNotContain("outside");
        assertThat(r.path("roots_source").asString()).isEqualTo("catalog");
    }
}
