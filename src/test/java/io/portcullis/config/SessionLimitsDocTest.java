package io.portcullis.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.settings.ConfigException;
import io.portcullis.settings.ServerSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * #20 item 4: what docs/configuration.md says of {@code server.max_sessions} and {@code
 * session_idle_timeout} is what the config reader does (defaults, range, and the documented key).
 */
class SessionLimitsDocTest {
    private static final String BASE = "upstreams:\n  up: {command: [x]}\n";

    private static GatewayConfig parse(String server) throws Exception {
        return ConfigReader.parse(server + BASE, "t.yaml", Path.of("/tmp"), null);
    }

    @Test
    void theDocumentedDefaultsAreTheReadersDefaults() throws Exception {
        String doc = Files.readString(Path.of("docs/configuration.md"));
        assertThat(doc).contains("| `max_sessions` | `" + ServerSettings.DEFAULT_MAX_SESSIONS + "` |")
                .contains("| `session_idle_timeout` | `30m` |")
                .contains("`data.control` is `sessions`");
        ServerSettings s = parse("server: {port: 0}\n").server();
        assertThat(s.maxSessions()).isEqualTo(10_000);
        assertThat(s.sessionIdleTimeout()).isEqualTo(Duration.ofMinutes(30));
    }

    @Test
    void maxSessionsIsReadAndItsRangeChecked() throws Exception {
        assertThat(parse("server: {max_sessions: 20000}\n").server().maxSessions()).isEqualTo(20_000);
        assertThatThrownBy(() -> parse("server: {max_sessions: 0}\n")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("max_sessions");
    }

    @Test
    void theOldConstructorKeepsTheDefaultCap() {
        ServerSettings s = new ServerSettings("127.0.0.1", 0, java.util.List.of(), java.util.List.of(), 4096, Path.of("data"), "__",
                100, Duration.ofMinutes(1), 64, null, null);
        assertThat(s.maxSessions()).isEqualTo(ServerSettings.DEFAULT_MAX_SESSIONS);
    }
}
