package io.portcullis.config;

import static io.portcullis.config.ConfigReaderTest.problems;
import static io.portcullis.config.ConfigReaderTest.read;
import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.resilience.AdmissionConfig;
import io.portcullis.resilience.BreakerSettings;
import io.portcullis.resilience.RetrySettings;
import io.portcullis.settings.UpstreamConfig;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** #14 item 1 and 5: an upstream's breaker and retry sections, a tool's bulkhead, and bad values refused with their line. */
class ProtectionConfigTest {

    @Test
    void item1_breakerAndRetriesAreOnByDefault() throws Exception {
        UpstreamConfig u = read("upstreams:\n  demo:\n    command: [x]\n").upstreams().get("demo");
        assertThat(u.protection().breaker()).isEqualTo(BreakerSettings.DEFAULTS);
        assertThat(u.protection().retry()).isEqualTo(RetrySettings.DEFAULTS);
        assertThat(u.protection().breaker().enabled()).isTrue();
        assertThat(u.protection().retry().retries()).isTrue();
    }

    @Test
    void item1_everyKeyIsRead() throws Exception {
        GatewayConfig c = read("""
                upstreams:
                  demo:
                    command: [x]
                    breaker: {failure_rate: 30, slow_call_rate: 90, slow_call: 2s, window: 8, min_calls: 4, open_for: 250ms, half_open_calls: 2}
                    retry: {max_attempts: 4, backoff: 50ms, max_backoff: 1s, budget_percent: 20, budget_window: 5s, budget_min: 1}
                tools:
                  demo__search: {max_concurrent: 2, max_queue: 1}
                """);
        UpstreamConfig u = c.upstreams().get("demo");
        assertThat(u.protection().breaker()).isEqualTo(new BreakerSettings(true, 30, 90, Duration.ofSeconds(2), 8, 4,
                Duration.ofMillis(250), 2));
        assertThat(u.protection().retry()).isEqualTo(new RetrySettings(4, Duration.ofMillis(50), Duration.ofSeconds(1), 20,
                Duration.ofSeconds(5), 1));
        assertThat(c.tools().get("demo__search").bulkhead()).isEqualTo(new AdmissionConfig(2, 1, Duration.ZERO));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "breaker: {failure_rate: 0}|4: 'failure_rate' must be a whole number from 1 to 100",
        "breaker: {failure_rate: 101}|4: 'failure_rate' must be a whole number from 1 to 100",
        "breaker: {slow_call_rate: -5}|4: 'slow_call_rate' must be a whole number from 1 to 100",
        "breaker: {failure_rate: 50.5}|4: 'failure_rate' must be a whole number from 1 to 100",
        "breaker: {open_for: -30s}|4: 'open_for' must be a duration such as 500ms",
        "breaker: {open_for: 0s}|4: 'open_for' must be more than zero",
        "breaker: {slow_call: 0ms}|4: 'slow_call' must be more than zero",
        "breaker: {window: 5, min_calls: 6}|4: 'min_calls' (6) must not be more than 'window' (5)",
        "breaker: {colour: red}|4: unknown key 'colour'",
        "breaker: {window: 0}|4: 'window' must be a whole number from 1",
        "retry: {budget_percent: 150}|4: 'budget_percent' must be a whole number from 0 to 100",
        "retry: {budget_percent: -1}|4: 'budget_percent' must be a whole number from 0 to 100",
        "retry: {backoff: -100ms}|4: 'backoff' must be a duration such as 500ms",
        "retry: {backoff: 1s, max_backoff: 100ms}|4: 'max_backoff' must not be shorter than 'backoff'",
        "retry: {max_attempts: 0}|4: 'max_attempts' must be a whole number from 1 to 10",
        "retry: {budget_window: 500ms}|4: 'budget_window' must be at least 1s",
        "retry: {state_changing: true}|4: unknown key 'state_changing'",
        "breaker: off|4: 'breaker' must be a mapping",
    })
    void item5_badValuesAreRefusedWithTheirLine(String section, String problem) {
        assertThat(problems("upstreams:\n  demo:\n    command: [x]\n    " + section + "\n"))
                .anySatisfy(p -> assertThat(p).startsWith(problem));
    }

    @Test
    void item5_aToolsBulkheadIsChecked() {
        assertThat(problems("upstreams:\n  demo:\n    command: [x]\ntools:\n  demo__a: {max_concurrent: 0}\n"))
                .anySatisfy(p -> assertThat(p).startsWith("5: 'max_concurrent' must be a whole number from 1"));
        assertThat(problems("upstreams:\n  demo:\n    command: [x]\ntools:\n  demo__a: {retry: 3}\n"))
                .anySatisfy(p -> assertThat(p).startsWith("5: unknown key 'retry'"));
    }
}
