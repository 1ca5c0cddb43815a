package io.portcullis.it.roots;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.audit.AuditQuery;
import io.portcullis.it.LegacySession;
import io.portcullis.it.NpmPeers;
import io.portcullis.it.TestGateway;
import io.portcullis.protocol.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

/**
 * #11 item 1: a roots change is the operator's (a config edit), takes effect at the real
 * server-filesystem, and is an audit record naming the new roots.
 */
class Hardening01RootsReloadIT {
    static Path first;
    static Path second;
    static TestGateway gw;

    static String yaml(Path roots) {
        return """
                upstreams:
                  fs:
                    command: %s
                    roots: ["%s"]
                catalog:
                  unlisted: hide
                  upstreams:
                    fs: {owner: {team: platform, oncall: "pager:platform"}}
                  tools:
                    fs__list_allowed_directories: {purpose: Where the upstream may go., risk: read_only}
                """.formatted(TestGateway.list(NpmPeers.command("mcp-server-filesystem", first.getParent().toString())), roots);
    }

    @BeforeAll
    static void start() throws Exception {
        Path base = Files.createTempDirectory("roots-reload-it").toRealPath();
        first = Files.createDirectories(base.resolve("first"));
        second = Files.createDirectories(base.resolve("second"));
        gw = TestGateway.start(yaml(first));
    }

    @AfterAll
    static void stop() throws Exception {
        if (gw != null) {
            gw.close();
        }
    }

    private static String allowed() {
        LegacySession s = LegacySession.open(gw.client(), "2025-11-25");
        ObjectNode p = Json.object().put("name", "fs__list_allowed_directories");
        p.putObject("arguments");
        return s.request("tools/call", p).path("result").toString();
    }

    private static List<ObjectNode> rootsRecords() {
        return gw.gateway().audit().query().search(new AuditQuery.Filter(null, null, null, null, null, null, "roots", 100));
    }

    @Test
    void item1_aRootsChangeInConfigReachesTheServerAndIsAudited() throws Exception {
        String before = Await.until(Duration.ofSeconds(30), Hardening01RootsReloadIT::allowed, a -> a.contains(first.toString()));
        assertThat(before).contains(first.toString()).doesNotContain(second.toString());
        gw.reload(yaml(second));
        String after = Await.until(Duration.ofSeconds(60),
                () -> gw.gateway().upstream("fs").orElseThrow().state() == io.portcullis.upstream.Upstream.State.READY ? allowed() : "",
                a -> a.contains(second.toString()));
        assertThat(after).contains(second.toString()).doesNotContain(first.toString());
        List<ObjectNode> records = Await.until(Duration.ofSeconds(30), Hardening01RootsReloadIT::rootsRecords,
                rs -> rs.stream().anyMatch(r -> r.path("roots").toString().contains(second.toUri().toString())));
        assertThat(records).extracting(r -> r.path("roots").toString())
                .anyMatch(r -> r.contains(first.toUri().toString()))
                .anyMatch(r -> r.contains(second.toUri().toString()));
        assertThat(records.getFirst().path("roots_source").asString()).isEqualTo("config");
    }
}
