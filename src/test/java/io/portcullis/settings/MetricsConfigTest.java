package io.portcullis.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.config.ConfigReader;
import io.portcullis.config.GatewayConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** #18 item 1: the {@code metrics:} section: on without it, {@code enabled: false} switches it off, mistakes named with their line. */
class MetricsConfigTest {
    private static final String BASE = """
            upstreams:
              http: {url: "http://127.0.0.1:9/mcp"}
            """;

    private static GatewayConfig parse(String extra) throws ConfigException {
        return ConfigReader.parse(BASE + extra, "gateway.yaml", Path.of("/tmp"), null);
    }

    @Test
    void onWithoutTheSectionAndOffWhenSaid() throws Exception {
        assertThat(parse("").metrics().enabled()).isTrue();
        assertThat(parse("metrics: {}\n").metrics().enabled()).isTrue();
        assertThat(parse("metrics:\n  enabled: false\n").metrics().enabled()).isFalse();
        // the config's copies keep it (the --port option, inspection commands)
        assertThat(parse("metrics:\n  enabled: false\n").withPort(1234).metrics().enabled()).isFalse();
    }

    @Test
    void mistakesAreConfigErrorsWithTheirLine() {
        assertThatThrownBy(() -> parse("""
                metrics:
                  enabled: "no"
                  path: /m
                """)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("gateway.yaml:4").hasMessageContaining("path");
        assertThatThrownBy(() -> parse("metrics: off\n")).isInstanceOf(ConfigException.class).hasMessageContaining("metrics");
    }

    /** The example of docs/operations/metrics.md ("Switching metrics off") is valid and switches metrics off, as it says. */
    @Test
    void theDocumentedExampleSwitchesMetricsOff() throws Exception {
        String doc = Files.readString(Path.of("docs/operations/metrics.md"));
        int section = doc.indexOf("## Switching metrics off");
        assertThat(section).isPositive();
        int start = doc.indexOf("```yaml\n", section) + "```yaml\n".length();
        String yaml = doc.substring(start, doc.indexOf("```", start));
        assertThat(doc.substring(start, doc.indexOf("\n## ", start))).contains("`/metrics` answers 404")
                .contains("metrics are switched off (metrics: enabled: false)");
        assertThat(parse(yaml).metrics().enabled()).isFalse();
    }
}
