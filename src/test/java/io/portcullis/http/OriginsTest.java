package io.portcullis.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.settings.ServerSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The DNS-rebinding and cross-site guard: Host and Origin rules (403 when refused). */
class OriginsTest {
    static ServerSettings bound(String host, List<String> origins, List<String> hosts) {
        return new ServerSettings(host, 8080, origins, hosts, 4096, Path.of("data"), "__", 100, Duration.ofMinutes(1));
    }

    static final ServerSettings LOOPBACK = bound("127.0.0.1", List.of("https://app.example.com"), List.of("mcp.internal"));

    @ParameterizedTest
    @ValueSource(strings = {"localhost", "localhost:8080", "127.0.0.1", "127.0.0.1:1", "[::1]", "[::1]:8080",
            "LocalHost:8080", "mcp.internal", "MCP.internal:443"})
    void loopbackAndAllowedHostsPass(String host) {
        assertThat(Origins.check(host, null, LOOPBACK)).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"evil.example.com", "evil.example.com:8080", "127.0.0.2", "localhost.evil.com", "0.0.0.0:8080",
            "[::2]:80", "10.0.0.1"})
    void otherHostsAreRefused(String host) {
        assertThat(Origins.check(host, null, LOOPBACK)).startsWith("Invalid Host header: ").contains(host);
    }

    @ParameterizedTest
    @NullSource
    void noHostHeaderAndNoOriginPass(String none) {
        assertThat(Origins.check(none, none, LOOPBACK)).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://localhost", "http://localhost:6274", "https://127.0.0.1:3000", "http://[::1]:5173",
            "https://app.example.com"})
    void loopbackAndAllowedOriginsPass(String origin) {
        assertThat(Origins.check("localhost:8080", origin, LOOPBACK)).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://evil.example.com", "null", "file://", "http://localhost.evil.com", "ftp://localhost",
            "https://app.example.com:8443", "http://app.example.com", "not a url at all", "chrome-extension://abc"})
    void otherOriginsAreRefused(String origin) {
        assertThat(Origins.check("localhost:8080", origin, LOOPBACK)).isEqualTo("Invalid Origin header: " + origin);
    }

    @ParameterizedTest
    @CsvSource({"10.1.2.3, 10.1.2.3:8080, true", "10.1.2.3, 10.1.2.4:8080, false", "0.0.0.0, 0.0.0.0:8080, false",
            "gw.example.com, GW.example.com, true"})
    void aNonLoopbackBindAllowsItsOwnName(String bind, String host, boolean allowed) {
        assertThat(Origins.check(host, null, bound(bind, List.of(), List.of())) == null).isEqualTo(allowed);
    }
}
