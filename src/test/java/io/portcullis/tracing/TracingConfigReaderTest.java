package io.portcullis.tracing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.config.ConfigReader;
import io.portcullis.config.GatewayConfig;
import io.portcullis.settings.ConfigException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** #18 item 2: the {@code tracing:} section: off without it, its keys read, its mistakes named with their line. */
class TracingConfigReaderTest {
    private static final String BASE = """
            upstreams:
              http: {url: "http://127.0.0.1:9/mcp"}
            """;

    private static GatewayConfig parse(String extra) throws ConfigException {
        return ConfigReader.parse(BASE + extra, "gateway.yaml", Path.of("/tmp"), null);
    }

    @Test
    void offWithoutTheSection() throws Exception {
        assertThat(parse("").tracing()).isEqualTo(TracingConfig.OFF);
        assertThat(parse("").tracing().enabled()).isFalse();
    }

    @Test
    void theSectionIsRead() throws Exception {
        TracingConfig t = parse("""
                tracing:
                  endpoint: http://collector:4318
                  sampling: 0.01
                  service_name: gw-prod
                """).tracing();
        assertThat(t).isEqualTo(new TracingConfig(true, "http://collector:4318", 0.01, "gw-prod"));
        assertThat(parse("tracing: {enabled: false}\n").tracing().enabled()).isFalse();
    }

    @Test
    void mistakesAreConfigErrorsWithTheirLine() {
        assertThatThrownBy(() -> parse("""
                tracing:
                  endpoint: collector:4318
                  sampling: 2
                  sample: 1
                """)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("gateway.yaml:4").hasMessageContaining("'endpoint' must be an http://")
                .hasMessageContaining("gateway.yaml:5").hasMessageContaining("'sampling' must be a number from 0 to 1")
                .hasMessageContaining("sample");
    }

    /** The example of docs/operations/tracing.md is a valid config that turns tracing on as it says (docs stay true). */
    @Test
    void theDocumentedExampleIsValid() throws Exception {
        String doc = java.nio.file.Files.readString(Path.of("docs/operations/tracing.md"));
        int start = doc.indexOf("```yaml\n") + "```yaml\n".length();
        TracingConfig t = parse(doc.substring(start, doc.indexOf("```", start))).tracing();
        assertThat(t).isEqualTo(new TracingConfig(true, "http://collector:4318", 0.01, "portcullis-prod"));
    }
}
