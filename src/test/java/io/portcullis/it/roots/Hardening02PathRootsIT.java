package io.portcullis.it.roots;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.it.LegacySession;
import io.portcullis.it.NpmPeers;
import io.portcullis.it.TestGateway;
import io.portcullis.protocol.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * #11 item 2 through the real gateway and the real server-filesystem: paths the gateway would
 * resolve differently from the server are refused (relative, {@code ~}, a spelling that is not
 * NFC), and the server itself is given the narrowed roots, so it enforces them too.
 */
class Hardening02PathRootsIT {
    static Path base;
    static Path pub;
    static TestGateway gw;

    @BeforeAll
    static void start() throws Exception {
        base = Files.createTempDirectory("path-roots-it").toRealPath();
        pub = Files.createDirectories(base.resolve("public"));
        Path priv = Files.createDirectories(base.resolve("private"));
        Files.writeString(pub.resolve("notes.txt"), "public notes");
        Files.writeString(priv.resolve("secret.txt"), "PRIVATE-SECRET");
        String nfc = Normalizer.normalize("caf\u00e9", Normalizer.Form.NFC);
        Files.createSymbolicLink(pub.resolve(nfc), priv);
        // The server may go anywhere under base and runs in base (so a relative path is base's);
        // the catalog narrows reads to base/public.
        String yaml = """
                upstreams:
                  fs:
                    command: %s
                    cwd: "%s"
                catalog:
                  unlisted: hide
                  upstreams:
                    fs: {owner: {team: platform, oncall: "pager:platform"}}
                  tools:
                    fs__read_text_file:
                      purpose: Read a public file.
                      risk: read_only
                      constraints:
                        path: {path_roots: ["%s"]}
                    fs__list_allowed_directories: {purpose: Where the upstream may go., risk: read_only}
                """.formatted(TestGateway.list(NpmPeers.command("mcp-server-filesystem", base.toString())), base, pub);
        gw = TestGateway.start(yaml);
    }

    @AfterAll
    static void stop() throws Exception {
        if (gw != null) {
            gw.close();
        }
    }

    private static JsonNode read(LegacySession s, String path) {
        ObjectNode p = Json.object().put("name", "fs__read_text_file");
        p.putObject("arguments").put("path", path);
        return s.request("tools/call", p).path("result");
    }

    @Test
    void item2_pathsTheServerWouldResolveDifferentlyAreRefused() throws Exception {
        LegacySession s = LegacySession.open(gw.client(), "2025-11-25");
        assertThat(read(s, pub.resolve("notes.txt").toString()).toString()).contains("public notes");
        String nfd = Normalizer.normalize("caf\u00e9", Normalizer.Form.NFD);
        for (String attack : List.of("private/secret.txt", "../private/secret.txt", "~/secret.txt", pub + "/" + nfd + "/secret.txt")) {
            JsonNode r = read(s, attack);
            assertThat(r.path("isError").asBoolean()).as(attack).isTrue();
            assertThat(r.path("_meta").path("io.portcullis/refusal").path("control").asString()).as(attack).isEqualTo("arguments");
            assertThat(r.toString()).as(attack).doesNotContain("PRIVATE-SECRET");
        }
    }

    @Test
    void item2_theServerIsGivenTheNarrowedRoots() throws Exception {
        LegacySession s = LegacySession.open(gw.client(), "2025-11-25");
        ObjectNode p = Json.object().put("name", "fs__list_allowed_directories");
        p.putObject("arguments");
        // the server asks for its roots right after initialize: poll until it has applied them
        String allowed = Await.until(java.time.Duration.ofSeconds(30), () -> s.request("tools/call", p).path("result").toString(),
                a -> !a.contains(base + "\\n") && !a.contains(base + "\""));
        assertThat(allowed).contains(pub.toString()).doesNotContain(base + "\\n").doesNotContain(base + "\"");
    }
}
