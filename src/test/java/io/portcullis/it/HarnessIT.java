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
}
