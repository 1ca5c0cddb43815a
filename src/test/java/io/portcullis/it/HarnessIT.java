package io.portcullis.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The harness itself: closing a TestGateway leaves no upstream process and no listener behind. */
class HarnessIT {

    private static Set<ProcessHandle> children() {
        return ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).collect(Collectors.toSet());
    }

    @Test
    void closeStopsTheUpstreamsAndTheListener() throws Exception {
        Set<ProcessHandle> before = children();
        TestGateway gw = TestGateway.start("""
                upstreams:
                  demo:
                    command: %s
                  everything:
                    command: %s
                """.formatted(TestGateway.list(JvmPeers.demo()), TestGateway.list(NpmPeers.everything())));
        List<ProcessHandle> started = children().stream().filter(p -> !before.contains(p)).toList();
        assertThat(started).hasSizeGreaterThanOrEqualTo(2);
        int port = gw.port();
        assertThat(LegacySession.open(gw.client(), "2025-11-25").id()).isNotBlank();

        gw.close();

        for (ProcessHandle p : started) {
            p.onExit().get(10, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(p.isAlive()).as(p.info().commandLine().orElse("pid " + p.pid())).isFalse();
        }
        assertThat(java.nio.file.Files.exists(gw.dir())).isFalse();
        try (var s = new java.net.Socket()) {
            s.connect(new java.net.InetSocketAddress("127.0.0.1", port), (int) Duration.ofSeconds(2).toMillis());
            throw new AssertionError("still listening on " + port);
        } catch (java.net.ConnectException expected) {
            // nothing listens any more
        }
    }

    /** #12 item 7: the extension starts a gateway from YAML before a test and stops all of it after. */
    @Test
    void theExtensionStartsFromYamlAndStopsWhatItStarted() throws Exception {
        Set<ProcessHandle> before = children();
        GatewayExtension ext = GatewayExtension.demo().logs("portcullis.calls").build();
        ext.beforeEach(null); // what JUnit calls for an extension on an instance field
        List<ProcessHandle> started = children().stream().filter(p -> !before.contains(p)).toList();
        assertThat(started).isNotEmpty();
        int port = ext.port();
        java.nio.file.Path dir = ext.harness().dir();
        LegacySession s = LegacySession.open(ext.client(), "2025-11-25");
        s.request("tools/call", io.portcullis.protocol.Json.object().put("name", "demo__echo")
                .set("arguments", io.portcullis.protocol.Json.object().put("message", "through the extension")));
        io.portcullis.testing.Eventually.eventually(Duration.ofSeconds(10),
                () -> assertThat(String.join("\n", ext.log("portcullis.calls").lines())).contains("demo__echo"));
        assertThat(ext.admin("GET", "/admin/api/approvals", null, null).status())
                .as("the admin side answers (closed without an identity section)").isEqualTo(403);

        ext.afterEach(null);

        for (ProcessHandle p : started) {
            p.onExit().get(10, java.util.concurrent.TimeUnit.SECONDS);
        }
        assertThat(java.nio.file.Files.exists(dir)).isFalse();
        assertThat(org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, ext::harness))
                .hasMessageContaining("no gateway is running");
        try (var sock = new java.net.Socket()) {
            sock.connect(new java.net.InetSocketAddress("127.0.0.1", port), 2000);
            throw new AssertionError("still listening on " + port);
        } catch (java.net.ConnectException expected) {
            // nothing listens any more
        }
    }

    /** On a static field: one gateway for the class and its nested classes, stopped after the outermost. */
    @Test
    void aClassGatewayIsOneForNestedClassesAndStopsAfterTheLast() throws Exception {
        GatewayExtension ext = GatewayExtension.demo().build();
        ext.beforeAll(null);
        TestGateway first = ext.harness();
        ext.beforeEach(null);
        ext.beforeAll(null); // a @Nested class
        ext.beforeEach(null);
        assertThat(ext.harness()).as("no second gateway").isSameAs(first);
        ext.afterEach(null);
        ext.afterAll(null); // the nested class ends: the outer class's tests still need it
        assertThat(ext.harness()).isSameAs(first);
        assertThat(LegacySession.open(ext.client(), "2025-11-25").id()).isNotBlank();
        ext.afterEach(null);
        ext.afterAll(null);
        assertThat(java.nio.file.Files.exists(first.dir())).isFalse();
        org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, ext::harness);
    }
}
