package io.portcullis.approval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.settings.ConfigException;
import io.portcullis.config.ConfigReader;
import io.portcullis.config.GatewayConfig;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The {@code approvals:} section: defaults, every key, and problems with their lines. */
class ApprovalsConfigReaderTest {
    private static GatewayConfig read(String yaml) throws ConfigException {
        return ConfigReader.parse(yaml, "test.yaml", Path.of("/etc/portcullis"), null);
    }

    @Test
    void noSectionMeansTheDefaults() throws Exception {
        ApprovalsConfig c = read("server: {port: 0}\n").approvals();
        assertThat(c).isEqualTo(ApprovalsConfig.DEFAULTS);
        assertThat(c.waitFor()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.page()).isTrue();
        assertThat(c.webhook()).isNull();
    }

    /** #11 item 15: issuers linked by verified e-mail make one person of their principals. */
    @Test
    void item15_linkedIssuersMakeOnePersonOfAVerifiedAddress() throws Exception {
        ApprovalsConfig c = read("""
                approvals:
                  link_by_verified_email: [https://a.example, https://b.example]
                """).approvals();
        var atA = new io.portcullis.identity.Principal("carol", io.portcullis.identity.Principal.Kind.USER, "Carol", java.util.List.of(),
                null, "dev", "jwt", null, null, "https://a.example", "Carol@Example.com", java.util.List.of());
        var atB = new io.portcullis.identity.Principal("c.smith", io.portcullis.identity.Principal.Kind.USER, "Carol", java.util.List.of(),
                null, "dev", "jwt", null, null, "https://b.example", "carol@example.com", java.util.List.of());
        var atC = new io.portcullis.identity.Principal("carol", io.portcullis.identity.Principal.Kind.USER, "Carol", java.util.List.of(),
                null, "dev", "jwt", null, null, "https://c.example", "carol@example.com", java.util.List.of());
        assertThat(c.person(atA)).isEqualTo(c.person(atB));
        assertThat(c.person(atC)).as("an issuer not linked: issuer and subject").isNotEqualTo(c.person(atA));
        assertThat(ApprovalsConfig.DEFAULTS.person(atA)).isNotEqualTo(ApprovalsConfig.DEFAULTS.person(atB));
    }

    @Test
    void everyKey() throws Exception {
        ApprovalsConfig c = read("""
                approvals:
                  wait: 2m
                  progress_interval: 1s
                  page: false
                  webhook:
                    url: https://hooks.example.com/portcullis
                    format: slack
                    headers: {Authorization: {env: HOOK_AUTH}, X-Key: {file: hook.key}}
                    retries: 3
                    backoff: 500ms
                    timeout: 4s
                """).approvals();
        assertThat(c.waitFor()).isEqualTo(Duration.ofMinutes(2));
        assertThat(c.progressInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(c.page()).isFalse();
        assertThat(c.webhook().url().toString()).isEqualTo("https://hooks.example.com/portcullis");
        assertThat(c.webhook().format()).isEqualTo(ApprovalsConfig.Format.SLACK);
        assertThat(c.webhook().headers().get("Authorization").env()).isEqualTo("HOOK_AUTH");
        assertThat(c.webhook().headers().get("X-Key").file()).isEqualTo(Path.of("/etc/portcullis/hook.key"));
        assertThat(c.webhook().retries()).isEqualTo(3);
        assertThat(c.webhook().backoff()).isEqualTo(Duration.ofMillis(500));
        assertThat(c.webhook().timeout()).isEqualTo(Duration.ofSeconds(4));
    }

    @Test
    void problemsNameTheLine() {
        assertThatThrownBy(() -> read("""
                approvals:
                  wait: forever
                  pages: true
                  webhook:
                    url: ftp://example.com/x
                    format: xml
                    headers: {Authorization: "Bearer literal-secret"}
                """))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("test.yaml:2").hasMessageContaining("'wait' must be a duration")
                .hasMessageContaining("test.yaml:3").hasMessageContaining("pages")
                .hasMessageContaining("test.yaml:5").hasMessageContaining("http or https")
                .hasMessageContaining("test.yaml:6").hasMessageContaining("json or slack")
                .hasMessageContaining("test.yaml:7").hasMessageContaining("{env: VAR} or {file: path}");
    }
}
