package io.portcullis.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.protocol.Json;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The session's GET stream hears notifications/tools/list_changed when a reload adds or removes
 * an upstream, and hears nothing when a reload changes nothing a client can see.
 */
class ListChangedIT {
    private static final String DEMO = """
            upstreams:
              demo:
                command: %s
            """.formatted(TestGateway.list(JvmPeers.demo()));
    private static final String DEMO_AND_ECHO = DEMO + """
              echo:
                command: %s
            """.formatted(TestGateway.list(JvmPeers.demo("--echo")));

    @Test
    void addingAndRemovingAnUpstreamIsAnnounced() throws Exception {
        try (TestGateway gw = TestGateway.start(DEMO)) {
            LegacySession s = LegacySession.open(gw.client(), "2025-11-25");
            try (SseStream get = s.get(null)) {
                assertThat(get.status()).isEqualTo(200);
                gw.reload(DEMO_AND_ECHO);
                assertThat(get.nextMessage().path("method").asString()).isEqualTo("notifications/tools/list_changed");
                assertThat(names(s)).contains("echo__echo", "demo__echo");

                gw.reload(DEMO);
                assertThat(get.nextMessage().path("method").asString()).isEqualTo("notifications/tools/list_changed");
                assertThat(names(s)).doesNotContain("echo__echo").contains("demo__echo");
            }
        }
    }

    @Test
    void aReloadThatChangesNothingVisibleIsNotAnnounced() throws Exception {
        try (TestGateway gw = TestGateway.start(DEMO)) {
            LegacySession s = LegacySession.open(gw.client(), "2025-11-25");
            try (SseStream get = s.get(null)) {
                gw.reload(DEMO + "\n# only a comment changed\n");
                gw.reload(DEMO.replace("upstreams:", "server:\n  page_size: 50\nupstreams:"));
                assertThat(get.poll(Duration.ofSeconds(2))).isEmpty();
                // a real change still comes through
                gw.reload(DEMO + "tools:\n  demo__echo:\n    enabled: false\n");
                assertThat(get.nextMessage().path("method").asString()).isEqualTo("notifications/tools/list_changed");
                assertThat(names(s)).doesNotContain("demo__echo");
            }
        }
    }

    @Test
    void aChangeBeforeTheStreamOpensIsDeliveredWhenItDoes() throws Exception {
        try (TestGateway gw = TestGateway.start(DEMO)) {
            LegacySession s = LegacySession.open(gw.client(), "2025-11-25");
            gw.reload(DEMO + "tools:\n  demo__echo:\n    enabled: false\n");
            try (SseStream get = s.get(null)) {
                assertThat(get.nextMessage().path("method").asString()).isEqualTo("notifications/tools/list_changed");
            }
            // a second stream does not get it again
            try (SseStream again = s.get(null)) {
                assertThat(again.poll(Duration.ofSeconds(1))).isEmpty();
            }
        }
    }

    @Test
    void aNewGetStreamReplacesTheOldOne() throws Exception {
        try (TestGateway gw = TestGateway.start(DEMO)) {
            LegacySession s = LegacySession.open(gw.client(), "2025-11-25");
            try (SseStream first = s.get(null); SseStream second = s.get(null)) {
                assertThat(first.status()).isEqualTo(200);
                assertThat(second.status()).isEqualTo(200);
                assertThat(first.endsWithin(Duration.ofSeconds(10))).isTrue();
                gw.reload(DEMO + "tools:\n  demo__echo:\n    enabled: false\n");
                assertThat(second.nextMessage().path("method").asString()).isEqualTo("notifications/tools/list_changed");
                // another session's stream is its own
                try (SseStream other = LegacySession.open(gw.client(), "2025-11-25").get(null)) {
                    assertThat(other.status()).isEqualTo(200);
                    assertThat(second.poll(Duration.ofMillis(500))).isEmpty();
                }
            }
        }
    }

    static java.util.List<String> names(LegacySession s) {
        JsonNode tools = s.request("tools/list", Json.object()).path("result").path("tools");
        return LegacySession.names(tools);
    }
}
