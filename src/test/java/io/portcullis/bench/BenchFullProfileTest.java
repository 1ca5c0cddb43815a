package io.portcullis.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.config.ConfigReader;
import io.portcullis.config.GatewayConfig;
import io.portcullis.conversation.ConversationConfig;
import io.portcullis.ratelimit.RateLimitConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * #20 item 1: {@code BENCH_PROFILE=full} makes bench/run.sh run the gateway with every control on
 * (bench/full-profile.sh), and {@code BENCH_A_WITHOUT=<control>} takes one control out of gateway A
 * so that B's "added" columns are its cost. The runs take minutes and are not in the suite; this
 * checks what would make them silently measure the wrong thing: the configs the script writes are
 * valid and do carry every control (identity with the local issuer, argument constraints, 200
 * policy rules, conversation + chain rules, rate limits in process or on Redis, tracing at 1%,
 * egress, breakers), each documented {@code BENCH_A_WITHOUT} control (docs/performance.md,
 * bench/README.md) is one the script knows, and leaving it out turns exactly that control off.
 */
class BenchFullProfileTest {
    static final List<String> CONTROLS = List.of("identity", "constraints", "policy", "conversation", "rate_limits",
            "tracing", "egress", "breakers");

    /** The config bench/run.sh writes in the full profile (its upstream and server lines, then the script's parts). */
    static String config(String without, boolean redis) throws Exception {
        String script = """
                set -euo pipefail
                p_gw=18080 p_side=18081
                . bench/full-profile.sh
                extra=$(full_upstream_lines "$1")
                printf 'server: {host: 127.0.0.1, port: 18080, data_dir: /tmp/bench-data}\\n'
                printf 'upstreams:\\n  http:\\n    url: "http://127.0.0.1:9/mcp"\\n%s\\n' "$extra"
                full_catalog "$1" http
                full_sections "$1"
                """;
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", script, "bash", without).redirectErrorStream(true);
        pb.environment().put("BENCH_REDIS", redis ? "1" : "0");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }

    static GatewayConfig parse(String yaml) throws Exception {
        return ConfigReader.parse(yaml, "gateway.yaml", Path.of("/tmp"), null);
    }

    @Test
    void theFullProfileCarriesEveryControl() throws Exception {
        GatewayConfig c = parse(config("", false));
        assertThat(c.identity().enabled()).isTrue();
        assertThat(c.identity().issuers()).hasSize(1);
        assertThat(c.identity().resource().toString()).isEqualTo("http://127.0.0.1:18080/mcp");
        assertThat(c.catalog().tools().get("http__echo").constraints()).containsKey("message");
        assertThat(c.policy().rules()).hasSizeGreaterThanOrEqualTo(200); // 200 + the shipped chain rules
        assertThat(c.policy().rules()).anyMatch(r -> r.id().equals("bench-read-only"));
        assertThat(c.conversation().enabled()).isTrue();
        assertThat(c.conversation().chainRules()).isTrue();
        assertThat(c.rateLimits().environments()).containsKey("default");
        assertThat(c.rateLimits().redis()).isNull();
        assertThat(c.tracing().enabled()).isTrue();
        assertThat(c.tracing().sampling()).isEqualTo(0.01);
        assertThat(c.tracing().endpoint()).isEqualTo("http://127.0.0.1:18081");
        assertThat(c.egress().enabled()).isTrue();
        assertThat(c.upstreams().get("http").protection().breaker().enabled()).isTrue();
        // the 200 written rules: the one that allows the benchmark's calls and 199 that do not match them
        assertThat(c.policy().rules().stream().filter(r -> !r.id().startsWith("chain.")).count()).isEqualTo(200);
    }

    @Test
    void theRedisVariantCountsOnRedis() throws Exception {
        GatewayConfig c = parse(config("", true));
        assertThat(c.rateLimits().redis()).isNotNull();
        assertThat(c.rateLimits()).isNotEqualTo(RateLimitConfig.NONE);
    }

    @Test
    void leavingOneControlOutTurnsExactlyThatOneOff() throws Exception {
        GatewayConfig full = parse(config("", false));
        for (String control : CONTROLS) {
            GatewayConfig c = parse(config(control, false));
            assertThat(c.identity().enabled()).as(control).isEqualTo(!control.equals("identity"));
            assertThat(c.catalog().tools().get("http__echo").constraints().isEmpty()).as(control).isEqualTo(control.equals("constraints"));
            assertThat(c.policy().rules().size() == full.policy().rules().size()).as(control)
                    .isEqualTo(!control.equals("policy") && !control.equals("conversation"));
            assertThat(c.conversation()).as(control).isEqualTo(control.equals("conversation") ? ConversationConfig.OFF : full.conversation());
            assertThat(c.rateLimits() == RateLimitConfig.NONE).as(control).isEqualTo(control.equals("rate_limits"));
            assertThat(c.tracing().enabled()).as(control).isEqualTo(!control.equals("tracing"));
            assertThat(c.egress().enabled()).as(control).isEqualTo(!control.equals("egress"));
            assertThat(c.upstreams().get("http").protection().breaker().enabled()).as(control).isEqualTo(!control.equals("breakers"));
        }
    }

    /** The "## Whole stack (#20)" section of docs/performance.md, up to the next "## ". */
    static String section() throws IOException {
        String doc = Files.readString(Path.of("docs/performance.md"));
        int from = doc.indexOf("## Whole stack (#20)");
        assertThat(from).as("docs/performance.md has the section ## Whole stack (#20)").isNotNegative();
        int to = doc.indexOf("\n## ", from + 5);
        return to < 0 ? doc.substring(from) : doc.substring(from, to);
    }

    private static final Pattern SETTING = Pattern.compile("\\b(BENCH_[A-Z_]+)=([^\\s`]*)");

    /**
     * Every {@code BENCH_*} setting in the section's commands is one bench/run.sh or bench/compare.sh reads
     * (a misspelt one would be ignored and the run would measure something else), and
     * {@code BENCH_PROFILE} is a profile the script knows.
     */
    @Test
    void everySettingInTheCommandsIsReadByTheScripts() throws Exception {
        String scripts = Files.readString(Path.of("bench/run.sh")) + Files.readString(Path.of("bench/compare.sh"))
                + Files.readString(Path.of("bench/full-profile.sh"));
        Matcher m = SETTING.matcher(section());
        Set<String> seen = new LinkedHashSet<>();
        while (m.find()) {
            seen.add(m.group(1));
            assertThat(scripts).as(m.group(1) + " is read by the bench scripts").contains("${" + m.group(1));
            if (m.group(1).equals("BENCH_PROFILE")) {
                assertThat(m.group(2)).isIn("full", "anonymous");
            }
        }
        assertThat(seen).contains("BENCH_PROFILE", "BENCH_A_WITHOUT", "BENCH_JAR_B", "BENCH_REDIS");
        assertThat(section()).contains("bench/compare.sh");
        // bench/README.md's commands (BENCH_PROFILE=full bench/run.sh, BENCH_REDIS=1, compare.sh ...) likewise
        Matcher readme = SETTING.matcher(Files.readString(Path.of("bench/README.md")));
        Set<String> inReadme = new LinkedHashSet<>();
        while (readme.find()) {
            inReadme.add(readme.group(1));
            assertThat(scripts).as(readme.group(1) + " (bench/README.md) is read by the bench scripts").contains("${" + readme.group(1));
        }
        assertThat(inReadme).contains("BENCH_PROFILE", "BENCH_REDIS");
    }

    private static final Pattern WITHOUT = Pattern.compile("BENCH_A_WITHOUT=([a-z_]+(?: \\| [a-z_]+)+)|BENCH_A_WITHOUT=([a-z_,]+)");

    /** Every {@code BENCH_A_WITHOUT=...} in the docs names controls the script knows (a typo would measure nothing). */
    @Test
    void everyDocumentedLeftOutControlIsKnown() throws Exception {
        Set<String> named = new LinkedHashSet<>();
        for (String doc : List.of("docs/performance.md", "bench/README.md", "bench/run.sh")) {
            Matcher m = WITHOUT.matcher(Files.readString(Path.of(doc)));
            while (m.find()) {
                if (m.group(2) != null) {
                    named.addAll(List.of(m.group(2).split(",")));
                } else { // "#   BENCH_A_WITHOUT=policy | tracing | ..." names the other runs
                    for (String x : m.group(1).split("\\|")) {
                        named.add(x.trim());
                    }
                }
            }
        }
        assertThat(named).as("BENCH_A_WITHOUT commands in docs/performance.md").contains("tracing", "identity", "policy");
        assertThat(CONTROLS).containsAll(named);
        assertThat(Files.readString(Path.of("bench/full-profile.sh"))).contains("full_has breakers", "full_has identity");
    }
}
