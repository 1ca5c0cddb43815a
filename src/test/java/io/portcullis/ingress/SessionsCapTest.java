package io.portcullis.ingress;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.identity.Principal;
import io.portcullis.protocol.Json;
import io.portcullis.protocol.ProtocolVersion;
import io.portcullis.testing.ManualTicker;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * #20 item 4 (C6.3): the gateway's open sessions together are bounded ({@code server.max_sessions},
 * the control {@code sessions}), anonymous callers included; a place is freed by DELETE or by idle
 * expiry. The per-caller cap of #11 item 15 still applies under it.
 */
class SessionsCapTest {
    private final ManualTicker clock = new ManualTicker();

    private static ClientSession anonymous(String id) {
        return new ClientSession(id, "dev", ProtocolVersion.V2025_11_25, Json.object(), Json.object(),
                Principal.anonymous("dev", "test"));
    }

    @Test
    void theGatewayHoldsAtMostMaxSessionsWhoeverOpensThem() {
        try (Sessions sessions = new Sessions(() -> Duration.ofMinutes(30), clock)) {
            for (int i = 0; i < 3; i++) {
                assertThat(sessions.admit(anonymous("s" + i), 64, 3)).as("session %d of 3", i).isNull();
            }
            Sessions.Refusal refused = sessions.admit(anonymous("s3"), 64, 3);
            assertThat(refused).isNotNull();
            assertThat(refused.control()).isEqualTo("sessions");
            assertThat(refused.gatewayFull()).isTrue();
            assertThat(refused.held()).isEqualTo(3);
            assertThat(refused.limit()).isEqualTo(3);
            assertThat(sessions.get("s3")).as("a refused session is not added").isNull();
            assertThat(sessions.size()).isEqualTo(3);
            assertThat(sessions.get("s0")).as("the open ones go on").isNotNull();
        }
    }

    @Test
    void deleteAndIdleExpiryFreePlaces() {
        try (Sessions sessions = new Sessions(() -> Duration.ofMinutes(30), clock)) {
            assertThat(sessions.admit(anonymous("a"), 64, 2)).isNull();
            clock.advance(Duration.ofMinutes(20));
            assertThat(sessions.admit(anonymous("b"), 64, 2)).isNull();
            assertThat(sessions.admit(anonymous("c"), 64, 2)).isNotNull();
            assertThat(sessions.remove("b")).isTrue();
            assertThat(sessions.admit(anonymous("c"), 64, 2)).as("DELETE freed a place").isNull();
            assertThat(sessions.admit(anonymous("d"), 64, 2)).isNotNull();
            clock.advance(Duration.ofMinutes(10).plusMillis(1)); // "a" idle 30 min + 1 ms, "c" 10 min
            sessions.sweep();
            assertThat(sessions.get("a")).isNull();
            assertThat(sessions.admit(anonymous("d"), 64, 2)).as("idle expiry freed a place").isNull();
        }
    }

    @Test
    void thePerCallerCapStillAppliesUnderTheGatewayCap() {
        try (Sessions sessions = new Sessions(() -> Duration.ofMinutes(30), clock)) {
            Principal alice = key("alice");
            for (int i = 0; i < 2; i++) {
                assertThat(sessions.admit(session("k" + i, alice), 2, 100)).isNull();
            }
            Sessions.Refusal refused = sessions.admit(session("k2", alice), 2, 100);
            assertThat(refused.control()).isEqualTo("max_sessions_per_principal");
            assertThat(refused.gatewayFull()).isFalse();
            assertThat(sessions.admit(session("b0", key("bob")), 2, 100)).isNull();
            assertThat(sessions.addWithin(session("k3", alice), 2)).as("the old entry point answers as before").isEqualTo(2);
        }
    }

    private static Principal key(String subject) {
        return new Principal(subject, Principal.Kind.SERVICE, subject, java.util.List.of(), "test", "dev", "api_key", null, null);
    }

    private static ClientSession session(String id, Principal p) {
        return new ClientSession(id, "dev", ProtocolVersion.V2025_11_25, Json.object(), Json.object(), p);
    }
}
