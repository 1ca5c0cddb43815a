package io.portcullis.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.portcullis.catalog.RiskClass;
import io.portcullis.config.ConfigReader;
import io.portcullis.config.GatewayConfig;
import io.portcullis.identity.Principal;
import io.portcullis.settings.ConfigException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** #14 item 3 (C6.3), "Bad input": the {@code rate_limits:} section, each problem refused with file:line. */
class RateLimitConfigTest {
    private static final String HEAD = """
            environments: [dev, {name: prod, production: true}]
            upstreams:
              up: {command: [x]}
            """;

    private static GatewayConfig parse(String rateLimits) throws ConfigException {
        return ConfigReader.parse(HEAD + rateLimits, "gw.yaml", Path.of("/tmp"), null);
    }

    /** The problems as "line: message". */
    private static List<String> problems(String rateLimits) {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> parse(rateLimits));
        assertThat(e).as("refused").isNotNull();
        e.problems().forEach(p -> assertThat(p.file()).isEqualTo("gw.yaml"));
        return e.problems().stream().map(p -> p.line() + ": " + p.message()).toList();
    }

    @Test
    void aValidSectionIsReadWithEveryPart() throws Exception {
        GatewayConfig c = parse("""
                rate_limits:
                  redis: {url: "redis://127.0.0.1:6390", key_prefix: "gw1:", timeout: 200ms}
                  on_redis_down: local
                  environments:
                    dev:
                      limits:
                        - {id: user-writes, per: principal, kinds: [user], risk: [state_changing], limit: 60, every: 1m}
                        - {id: svc, per: client, tools: ["up__*"], limit: 10, every: 1h}
                      loop: {max: 5, within: 10s}
                      concurrency_per_principal: 4
                      new_sessions: {limit: 20, every: 1m}
                """);
        RateLimitConfig rl = c.rateLimits();
        assertThat(rl.redis().uri().getPort()).isEqualTo(6390);
        assertThat(rl.redis().keyPrefix()).isEqualTo("gw1:");
        assertThat(rl.redis().timeout()).isEqualTo(Duration.ofMillis(200));
        assertThat(rl.fallback()).isEqualTo(RateLimitConfig.Fallback.LOCAL);
        RateLimitConfig.EnvLimits dev = rl.of("dev");
        assertThat(dev.limits()).hasSize(2);
        RateLimitConfig.Limit l = dev.limits().getFirst();
        assertThat(l.per()).isEqualTo(RateLimitConfig.Scope.PRINCIPAL);
        assertThat(l.kinds()).isEqualTo(Set.of(Principal.Kind.USER));
        assertThat(l.risks()).isEqualTo(Set.of(RiskClass.STATE_CHANGING));
        assertThat(l.where()).isEqualTo("gw.yaml:10");
        assertThat(dev.limits().get(1).tools()).containsExactly("up__*");
        assertThat(dev.loop().max()).isEqualTo(5);
        assertThat(dev.loop().within()).isEqualTo(Duration.ofSeconds(10));
        assertThat(dev.concurrency()).isEqualTo(4);
        assertThat(dev.newSessions().limit()).isEqualTo(20);
        assertThat(dev.perPrincipal()).isTrue();
        assertThat(rl.of("prod")).isEqualTo(RateLimitConfig.EnvLimits.NONE);
    }

    @Test
    void withoutTheSectionThereAreNoLimits_andTheFallbackDefaultsToFailClosedWithAProductionEnvironment() throws Exception {
        assertThat(parse("").rateLimits()).isEqualTo(RateLimitConfig.NONE);
        assertThat(parse("rate_limits: {redis: {url: \"redis://127.0.0.1:6379\"}}\n").rateLimits().fallback())
                .isEqualTo(RateLimitConfig.Fallback.FAIL_CLOSED);
        GatewayConfig dev = ConfigReader.parse("environments: [dev]\nupstreams:\n  up: {command: [x]}\n"
                + "rate_limits: {redis: {url: \"redis://127.0.0.1:6379\"}}\n", "gw.yaml", Path.of("/tmp"), null);
        assertThat(dev.rateLimits().fallback()).isEqualTo(RateLimitConfig.Fallback.LOCAL);
    }

    @Test
    void unknownScopesRiskClassesAndKindsAreRefusedWithTheirLine() {
        assertThat(problems("""
                rate_limits:
                  environments:
                    dev:
                      limits:
                        - {id: a, per: session, limit: 1, every: 1m}
                        - {id: b, per: principal, risk: [dangerous], limit: 1, every: 1m}
                        - {id: c, per: principal, kinds: [robot], limit: 1, every: 1m}
                """)).containsExactlyInAnyOrder(
                "8: 'per' must be one of principal, client, tool, environment; got unknown scope 'session'",
                "9: 'risk' entries must be read_only, state_changing or irreversible; got 'dangerous'",
                "10: 'kinds' entries must be user, service or anonymous; got 'robot'");
    }

    @Test
    void invalidLimitsAndNegativeOrZeroDurationsAreRefusedWithTheirLine() {
        List<String> p = problems("""
                rate_limits:
                  environments:
                    dev:
                      limits:
                        - {id: a, per: principal, limit: 0, every: 1m}
                        - {id: b, per: principal, limit: -5, every: 1m}
                        - {id: c, per: principal, limit: 5, every: -1m}
                        - {id: d, per: principal, limit: 5, every: 0s}
                        - {id: e, per: principal, limit: many, every: 1m}
                        - {per: principal, limit: 5, every: 1m}
                        - {id: a2, per: principal}
                      loop: {max: 3, within: -10s}
                      concurrency_per_principal: 0
                """);
        assertThat(p).contains(
                "8: 'limit' must be a whole number from 1 to 1000000000",
                "9: 'limit' must be a whole number from 1 to 1000000000",
                "10: 'every' must be a duration such as 500ms, 30s, 5m, 1h or 7d; got '-1m'",
                "11: 'every' must be longer than zero; got '0s'",
                "12: 'limit' must be a whole number from 1 to 1000000000",
                "13: a limit needs an 'id' of lowercase letters, digits, '.', '_' or '-' (it names the rule in refusals)",
                "14: 'limit' is required (a whole number from 1 to 1000000000)",
                "14: 'every' is required (a duration such as 30s, 1m, 1h)",
                "15: 'within' must be a duration such as 500ms, 30s, 5m, 1h or 7d; got '-10s'",
                "16: 'concurrency_per_principal' must be a whole number from 1 to 100000");
    }

    @Test
    void undeclaredEnvironmentsUnknownKeysDuplicateIdsAndBadRedisSettingsAreRefused() {
        assertThat(problems("""
                rate_limits:
                  redis: {url: "http://127.0.0.1:6379", timeout: -1s}
                  on_redis_down: ignore
                  burst: 5
                  environments:
                    staging: {limits: []}
                    dev:
                      limits:
                        - {id: a, per: principal, limit: 1, every: 1m}
                        - {id: a, per: client, limit: 1, every: 1m}
                """)).containsExactlyInAnyOrder(
                "5: 'url' must be redis://host:port or rediss://host:port; got 'http://127.0.0.1:6379'",
                "5: 'timeout' must be a duration such as 500ms, 30s, 5m, 1h or 7d; got '-1s'",
                "6: 'on_redis_down' must be fail_closed (refuse calls while Redis is unreachable) or local (count on each node meanwhile); got 'ignore'",
                "6: 'on_redis_down' applies only with 'redis' (buckets are in process otherwise)",
                "7: unknown key 'burst'; expected one of [environments, on_redis_down, redis]",
                "9: environment 'staging' is not declared in 'environments'",
                "13: limit id 'a' is used twice in this environment");
    }

    /** The example in docs/configuration.md's {@code rate_limits} section is a valid config (docs stay true). */
    @Test
    void theDocumentedExampleIsValid() throws Exception {
        String doc = java.nio.file.Files.readString(Path.of("docs/configuration.md"));
        int section = doc.indexOf("## `rate_limits`");
        int start = doc.indexOf("```yaml\n", section) + "```yaml\n".length();
        String yaml = doc.substring(start, doc.indexOf("```", start));
        GatewayConfig c = ConfigReader.parse("environments: [dev]\nupstreams:\n  up: {command: [x]}\n" + yaml, "configuration.md",
                Path.of("/tmp"), null);
        assertThat(c.rateLimits().of("dev").limits()).extracting(RateLimitConfig.Limit::id)
                .containsExactly("user-writes", "service-irreversible");
        assertThat(c.rateLimits().fallback()).isEqualTo(RateLimitConfig.Fallback.FAIL_CLOSED);
        assertThat(c.rateLimits().redis().uri().toString()).isEqualTo("redis://127.0.0.1:6379");
    }
}
