package io.portcullis.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.config.ConfigReader;
import io.portcullis.config.GatewayConfig;
import io.portcullis.conversation.ConversationConfig;
import io.portcullis.ratelimit.RateLimitConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * #13 item 6 and #14: the {@code bench/run.sh} commands in docs/performance.md switch a control on or
 * off with {@code BENCH_A_YAML} / {@code BENCH_B_YAML}. The runs take minutes on a quiet machine,
 * so the suite does not run them; it checks what would make them silently measure the wrong thing:
 * every documented fragment, appended to the gateway config bench/run.sh writes, is a valid config,
 * and it does switch the control it names (a typo'd key would be refused, a fragment that changes
 * nothing would make "B adds" measure nothing).
 */
class BenchDocSettingsTest {
    private static final Pattern FRAGMENT = Pattern.compile("BENCH_[AB]_YAML=(?:'([^']*)'|\"((?:[^\"\\\\]|\\\\.)*)\")");

    /** The gateway config bench/run.sh writes (ports and paths aside). */
    private static final String BASE = """
            server: {host: 127.0.0.1, port: 0, data_dir: /tmp/bench-data}
            upstreams:
              http: {url: "http://127.0.0.1:9/mcp"}
            catalog:
              upstreams:
                http: {owner: bench}
              tools:
                http__echo: {purpose: Benchmark echo., risk: read_only}
            """;

    static List<String> fragments(String doc) {
        List<String> out = new ArrayList<>();
        Matcher m = FRAGMENT.matcher(doc);
        while (m.find()) {
            out.add(m.group(1) != null ? m.group(1) : m.group(2).replace("\\\"", "\""));
        }
        return out;
    }

    @Test
    void everyDocumentedBenchFragmentIsValidAndSwitchesItsControl() throws Exception {
        List<String> found = fragments(Files.readString(Path.of("docs/performance.md")));
        // the egress, conversation/chain-rule, in-process and Redis rate-limit rows (#13, #14)
        assertThat(found).contains("egress: {enabled: false}");
        // #18 "Overhead": metrics off against metrics and tracing on at 1% and 100% sampling
        assertThat(found).contains("metrics: {enabled: false}");
        assertThat(found).anyMatch(f -> f.startsWith("tracing:") && f.contains("sampling: 0.01"));
        assertThat(found).anyMatch(f -> f.startsWith("tracing:") && f.contains("sampling: 1.0"));
        assertThat(found).anyMatch(f -> f.startsWith("conversation:"));
        assertThat(found).anyMatch(f -> f.startsWith("rate_limits:") && !f.contains("redis"));
        assertThat(found).anyMatch(f -> f.startsWith("rate_limits:") && f.contains("redis://"));
        GatewayConfig base = ConfigReader.parse(BASE, "gateway.yaml", Path.of("/tmp"), null);
        assertThat(base.egress().enabled()).isTrue();
        for (String f : found) {
            GatewayConfig c = ConfigReader.parse(BASE + f + "\n", "gateway.yaml", Path.of("/tmp"), null);
            if (f.startsWith("egress:")) {
                assertThat(c.egress().enabled()).as(f).isFalse();
            } else if (f.startsWith("conversation:")) {
                assertThat(c.conversation()).as(f).isNotEqualTo(ConversationConfig.OFF);
                assertThat(c.conversation().enabled()).as(f).isTrue();
                assertThat(c.conversation().chainRules()).as(f).isTrue();
            } else if (f.startsWith("rate_limits:")) {
                assertThat(c.rateLimits()).as(f).isNotEqualTo(RateLimitConfig.NONE);
                assertThat(c.rateLimits().environments()).as(f).containsKey("default");
                assertThat(c.rateLimits().redis() != null).as(f).isEqualTo(f.contains("redis://"));
            } else if (f.startsWith("tracing:")) {
                // #18 item 2: the tracing rows (100% and 1% sampling) against off
                assertThat(c.tracing().enabled()).as(f).isTrue();
                assertThat(c.tracing().endpoint()).as(f).startsWith("http://127.0.0.1:");
                assertThat(c.tracing().sampling()).as(f).isIn(1.0, 0.01);
                assertThat(c.metrics().enabled()).as(f).isTrue();
            } else if (f.startsWith("metrics:")) {
                // #18 "Overhead": the rows' A side, metrics (and so the per-control timing) off
                assertThat(c.metrics().enabled()).as(f).isFalse();
                assertThat(c.tracing().enabled()).as(f).isFalse();
            } else {
                throw new AssertionError("a documented bench fragment this test does not know: " + f);
            }
        }
    }

    @Test
    void aFragmentWithATypoIsRefused() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ConfigReader.parse(
                        BASE + "rate_limits: {environments: {default: {limit: [{id: x, per: principal, limit: 5, every: 1s}]}}}\n",
                        "gateway.yaml", Path.of("/tmp"), null))
                .hasMessageContaining("gateway.yaml");
    }

    private static final Pattern UPSTREAM_FRAGMENT = Pattern.compile("BENCH_A_UPSTREAM_YAML=\\$'([^']*)'");

    /**
     * #14: {@code BENCH_A_UPSTREAM_YAML} (lines under every upstream of gateway A only, the {@code $'…'}
     * form with {@code \\n} between lines) takes the breaker and the retries out of A, so that B's
     * "added" columns are the protection composition; bench/run.sh indents each line by four spaces
     * under the upstream, as here.
     */
    @Test
    void theDocumentedUpstreamFragmentTurnsTheBreakerAndRetriesOff() throws Exception {
        Matcher m = UPSTREAM_FRAGMENT.matcher(Files.readString(Path.of("docs/performance.md")));
        assertThat(m.find()).as("a BENCH_A_UPSTREAM_YAML=$'...' command in docs/performance.md").isTrue();
        String lines = m.group(1).replace("\\n", "\n");
        StringBuilder under = new StringBuilder();
        for (String line : lines.split("\n")) {
            under.append("    ").append(line).append("  # A only\n");
        }
        GatewayConfig c = ConfigReader.parse(BASE.replace("  http: {url: \"http://127.0.0.1:9/mcp\"}\n",
                "  http:\n    url: \"http://127.0.0.1:9/mcp\"\n" + under), "gateway.yaml", Path.of("/tmp"), null);
        var protection = c.upstreams().get("http").protection();
        assertThat(protection.breaker().enabled()).isFalse();
        assertThat(protection.retry().maxAttempts()).isEqualTo(1);
        GatewayConfig base = ConfigReader.parse(BASE, "gateway.yaml", Path.of("/tmp"), null);
        assertThat(base.upstreams().get("http").protection().breaker().enabled()).isTrue();
        assertThat(base.upstreams().get("http").protection().retry().maxAttempts()).isGreaterThan(1);
    }
}
