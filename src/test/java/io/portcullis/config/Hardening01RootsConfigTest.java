package io.portcullis.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.settings.UpstreamRoots;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * #11 item 1: the roots the gateway gives each upstream come from config: the upstream's
 * {@code roots:}, else the catalog's {@code path_roots} for its tools, else none; problems carry
 * their line like every other key.
 */
class Hardening01RootsConfigTest {
    private static final Path BASE = ConfigReaderTest.BASE;

    @Test
    void item1_explicitRootsWinAndAreAbsoluteFileUris() throws Exception {
        GatewayConfig c = ConfigReaderTest.read("""
                upstreams:
                  fs:
                    command: [mcp-server-filesystem, ./sandbox]
                    roots: [./sandbox, /srv/shared/../data, "file:///opt/docs"]
                """);
        UpstreamRoots r = c.upstreams().get("fs").roots();
        assertThat(r.source()).isEqualTo("config");
        assertThat(r.uris()).containsExactly(URI.create("file://" + BASE.resolve("sandbox") + "/"), URI.create("file:///srv/data/"),
                URI.create("file:///opt/docs/"));
    }

    @Test
    void item1_withoutRootsTheyComeFromTheCatalogsPathRoots() throws Exception {
        GatewayConfig c = ConfigReaderTest.read("""
                upstreams:
                  fs:
                    command: [mcp-server-filesystem, /]
                  other:
                    command: [x]
                catalog:
                  tools:
                    fs__read_text_file: {constraints: {path: {path_roots: [sandbox, /srv/data]}}}
                    fs__write_file: {constraints: {path: {path_roots: [sandbox/out]}}}
                    other__read: {constraints: {path: {path_roots: [/elsewhere]}}}
                """);
        UpstreamRoots r = c.upstreams().get("fs").roots();
        assertThat(r.source()).isEqualTo("catalog");
        assertThat(r.uris()).extracting(URI::getPath).containsExactlyInAnyOrder(
                BASE.resolve("sandbox") + "/", "/srv/data/", BASE.resolve("sandbox/out") + "/");
        assertThat(c.upstreams().get("other").roots().uris()).extracting(URI::getPath).containsExactly("/elsewhere/");
    }

    @Test
    void item1_noRootsAnywhereMeansNone() throws Exception {
        GatewayConfig c = ConfigReaderTest.read("upstreams:\n  fs:\n    command: [x]\n    roots: []\n  b:\n    command: [y]\n");
        assertThat(c.upstreams().get("fs").roots().uris()).isEmpty();
        assertThat(c.upstreams().get("fs").roots().source()).isEqualTo("config");
        assertThat(c.upstreams().get("b").roots()).isEqualTo(UpstreamRoots.NONE);
    }

    @Test
    void item1_badRootsAreProblemsWithTheirLine() {
        List<String> p = ConfigReaderTest.problems("upstreams:\n  fs:\n    command: [x]\n    roots: [\"~/files\", \"file://host/share\"]\n");
        assertThat(p).anyMatch(s -> s.startsWith("4: ") && s.contains("'~'"));
        assertThat(p).anyMatch(s -> s.contains("file://host/share"));
    }
}
