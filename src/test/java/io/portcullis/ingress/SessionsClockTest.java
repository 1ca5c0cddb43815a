package io.portcullis.ingress;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.identity.Principal;
import io.portcullis.protocol.Json;
import io.portcullis.protocol.ProtocolVersion;
import io.portcullis.testing.ManualTicker;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * #12 item 7: session idleness on an injected clock. The test moves time and sweeps; nothing
 * waits for a real second to pass, and "not yet" is exact (one millisecond before the timeout).
 * The background sweeper may sweep too (on the same clock): assertions look at the sessions
 * left, not at who removed them.
 */
class SessionsClockTest {
    private final ManualTicker clock = new ManualTicker();

    private static ClientSession session(String id) {
        return new ClientSession(id, "dev", ProtocolVersion.V2025_11_25, Json.object(), Json.object(),
                Principal.anonymous("dev", "test"));
    }

    @Test
    void aSessionIdleForTheTimeoutEndsAndNotAMillisecondBefore() {
        try (Sessions sessions = new Sessions(() -> Duration.ofMinutes(30), clock)) {
            ClientSession s = session("a");
            sessions.add(s);
            clock.advance(Duration.ofMinutes(30));
            sessions.sweep(); // exactly the timeout: not idle for longer yet
            assertThat(sessions.get("a")).isSameAs(s);
            clock.advance(Duration.ofMillis(1));
            sessions.sweep();
            assertThat(sessions.get("a")).isNull();
            assertThat(s.closed()).isTrue();
        }
    }

    @Test
    void aRequestRestartsTheIdleTime() {
        try (Sessions sessions = new Sessions(() -> Duration.ofMinutes(30), clock)) {
            ClientSession s = session("b");
            sessions.add(s);
            clock.advance(Duration.ofMinutes(20));
            s.touch();
            assertThat(s.lastSeen()).isEqualTo(clock.instant());
            clock.advance(Duration.ofMinutes(20));
            sessions.sweep();
            assertThat(sessions.get("b")).isSameAs(s);
            clock.advance(Duration.ofMinutes(11));
            sessions.sweep();
            assertThat(sessions.get("b")).isNull();
        }
    }

    @Test
    void aSessionWithACallInFlightDoesNotEnd() {
        try (Sessions sessions = new Sessions(() -> Duration.ofSeconds(1), clock)) {
            ClientSession s = session("c");
            sessions.add(s);
            s.inFlight.put("1", () -> {});
            clock.advance(Duration.ofHours(1));
            sessions.sweep();
            assertThat(sessions.get("c")).isSameAs(s);
            s.inFlight.clear();
            sessions.sweep();
            assertThat(sessions.get("c")).isNull();
        }
    }

    @Test
    void theTimeoutIsReadAtEachSweep() {
        Duration[] timeout = {Duration.ofMinutes(30)};
        try (Sessions sessions = new Sessions(() -> timeout[0], clock)) {
            ClientSession s = session("d");
            sessions.add(s);
            clock.advance(Duration.ofMinutes(10));
            sessions.sweep();
            assertThat(sessions.get("d")).isSameAs(s);
            timeout[0] = Duration.ofMinutes(5); // a reload shortened it
            sessions.sweep();
            assertThat(sessions.get("d")).isNull();
        }
    }
}
