package io.portcullis.it.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.it.JvmPeers;
import io.portcullis.it.ModernRequests;
import io.portcullis.it.TestGateway;
import io.portcullis.it.WireReply;
import io.portcullis.protocol.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

/**
 * #18 "Metrics scraped for real": a gateway in front of the bundled demo upstream (a real stdio
 * child), a scripted workload of N allowed calls, M refused by policy, K refused by the argument
 * check and U calls to a tool no catalog knows, then a real scrape of {@code /metrics}: every count
 * and every histogram's count must match the workload exactly; {@code promtool check metrics}
 * passes on the scrape; every metric the Grafana dashboard and the alert rules in {@code deploy/}
 * use exists in it, and {@code promtool check rules} passes on the rules.
 */
class MetricsIT {
    static final int N = 5;
    static final int M = 3;
    static final int K = 2;
    static final int U = 1;
    private static TestGateway gw;
    private static Scrape scrape;

    @BeforeAll
    static void workload() throws Exception {
        gw = TestGateway.start("""
                upstreams:
                  demo:
                    command: %s
                policy:
                  rules:
                    - id: no-deleting
                      effect: deny
                      when: tool.name == "demo__delete_project"
                    - id: the-rest
                      effect: allow
                      when: "true"
                """.formatted(TestGateway.list(JvmPeers.demo())));
        int id = 1;
        for (int i = 0; i < N; i++) {
            tools.jackson.databind.JsonNode result = call(id++, "demo__echo", Json.object().put("message", "hi " + i));
            assertThat(result.path("isError").asBoolean(false)).as(Json.write(result)).isFalse();
            assertThat(result.path("content").path(0).path("text").asString()).isEqualTo("hi " + i);
        }
        for (int i = 0; i < M; i++) {
            assertThat(refusal(id++, "demo__delete_project", Json.object().put("project", "acme-web"))).contains("policy");
        }
        for (int i = 0; i < K; i++) { // additionalProperties: false in the demo's schema, and message is required
            assertThat(refusal(id++, "demo__echo", Json.object().put("nonsense", "x"))).contains("arguments");
        }
        for (int i = 0; i < U; i++) {
            refusal(id++, "demo__no_such_tool_" + i, Json.object());
        }
        scrape = Scrape.parse(get("/metrics").body());
    }

    @AfterAll
    static void stop() throws Exception {
        if (gw != null) {
            gw.close();
        }
    }

    private static ObjectNode params(String tool, ObjectNode args) {
        ObjectNode p = Json.object().put("name", tool);
        p.set("arguments", args);
        return p;
    }

    private static tools.jackson.databind.JsonNode call(int id, String tool, ObjectNode args) {
        WireReply r = ModernRequests.post(gw.client(), ModernRequests.request(id, "tools/call", params(tool, args)));
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.message().has("result")).as(r.toString()).isTrue();
        return r.message().path("result");
    }

    /** The refusal's error (message and data) as text; fails when the call was not refused. */
    private static String refusal(int id, String tool, ObjectNode args) {
        WireReply r = ModernRequests.post(gw.client(), ModernRequests.request(id, "tools/call", params(tool, args)));
        ObjectNode m = r.message();
        // a refusal is a JSON-RPC error, or (2026-07-28) an isError result naming the control in _meta
        assertThat(m.has("error") || m.path("result").path("isError").asBoolean(false)).as(r.toString()).isTrue();
        return m.has("error") ? Json.write(m.path("error"))
                : m.path("result").path("_meta").path("io.portcullis/refusal").path("control").asString();
    }

    static HttpResponse<String> get(String path, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(gw.base() + path)).GET();
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        try (HttpClient c = HttpClient.newHttpClient()) {
            return c.send(b.build(), HttpResponse.BodyHandlers.ofString());
        }
    }

    @Test
    void callsAreCountedExactlyByToolOutcomeAndRefusingControl() {
        assertThat(scrape.sum("portcullis_calls_total", "upstream", "demo", "tool", "demo__echo", "outcome", "allowed",
                "control", "none", "risk", "read_only")).isEqualTo(N);
        assertThat(scrape.sum("portcullis_calls_total", "tool", "demo__delete_project", "outcome", "refused", "control", "policy"))
                .isEqualTo(M);
        assertThat(scrape.sum("portcullis_calls_total", "tool", "demo__echo", "outcome", "refused", "control", "arguments"))
                .isEqualTo(K);
        // a tool name the caller made up is never a label value: counted as (unknown)
        assertThat(scrape.sum("portcullis_calls_total", "tool", "(unknown)", "outcome", "refused")).isEqualTo(U);
        assertThat(scrape.values("portcullis_calls_total", "tool")).containsExactlyInAnyOrder("demo__echo", "demo__delete_project", "(unknown)");
        assertThat(scrape.sum("portcullis_calls_total")).isEqualTo(N + M + K + U);
        assertThat(scrape.sum("portcullis_control_refusals_total", "control", "policy")).isEqualTo(M);
        assertThat(scrape.sum("portcullis_control_refusals_total", "control", "arguments")).isEqualTo(K);
        // policy decided the allowed calls and the denied ones; the argument check refused K before policy ran
        assertThat(scrape.sum("portcullis_policy_decisions_total", "decision", "allow")).isEqualTo(N);
        assertThat(scrape.sum("portcullis_policy_decisions_total", "decision", "deny")).isEqualTo(M);
    }

    @Test
    void histogramsCountEveryCallAndTheUpstreamOnlyWhenItWasCalled() {
        assertThat(scrape.sum("portcullis_call_duration_seconds_count", "outcome", "allowed")).isEqualTo(N);
        assertThat(scrape.sum("portcullis_call_duration_seconds_count", "outcome", "refused")).isEqualTo(M + K + U);
        assertThat(scrape.sum("portcullis_call_duration_seconds_bucket", "outcome", "allowed", "le", "+Inf")).isEqualTo(N);
        assertThat(scrape.sum("portcullis_upstream_duration_seconds_count", "upstream", "demo")).isEqualTo(N);
        assertThat(scrape.sum("portcullis_upstream_duration_seconds_bucket", "upstream", "demo", "le", "+Inf")).isEqualTo(N);
        assertThat(scrape.sum("portcullis_gateway_duration_seconds_count")).isEqualTo(N + M + K + U);
        // the whole call takes at least as long as the upstream alone
        assertThat(scrape.sum("portcullis_call_duration_seconds_sum", "outcome", "allowed"))
                .isGreaterThanOrEqualTo(scrape.sum("portcullis_upstream_duration_seconds_sum", "upstream", "demo"));
    }

    /**
     * #18 item 1 "per control: durations": each control's own time, counted once for every call that
     * reached it. The unknown tool stops at the catalog, the argument refusals at arguments (before
     * policy), the policy refusals at policy; only the allowed calls reach the upstream.
     */
    @Test
    void eachControlsOwnTimeIsCountedForEveryCallThatReachedIt() {
        String h = "portcullis_control_duration_seconds_count";
        assertThat(scrape.sum(h, "control", "call-log")).isEqualTo(N + M + K + U);
        assertThat(scrape.sum(h, "control", "catalog")).isEqualTo(N + M + K + U);
        assertThat(scrape.sum(h, "control", "kill-switch")).isEqualTo(N + M + K);
        assertThat(scrape.sum(h, "control", "arguments")).isEqualTo(N + M + K);
        assertThat(scrape.sum(h, "control", "policy")).isEqualTo(N + M);
        assertThat(scrape.sum(h, "control", "upstream")).isEqualTo(N);
        assertThat(scrape.sum("portcullis_control_duration_seconds_bucket", "control", "policy", "le", "+Inf")).isEqualTo(N + M);
        // bounded: the controls are the chain's stage names, one environment here
        assertThat(scrape.values(h, "environment")).hasSize(1).doesNotContain("none");
        assertThat(gw.gateway().callObservers().size()).isEqualTo(1); // the metrics route's (MetricsOffIT: none when off)
        assertThat(scrape.values(h, "control")).contains("call-log", "catalog", "arguments", "policy", "upstream")
                .allMatch(c -> c.matches("[a-z-]+"));
        // the controls inside call-log run within the whole call it measures: their own times add up to no more
        // (call-log's own time also holds its log line and the metrics it records after measuring the call)
        double inner = scrape.sum("portcullis_control_duration_seconds_sum")
                - scrape.sum("portcullis_control_duration_seconds_sum", "control", "call-log");
        assertThat(inner).isPositive().isLessThanOrEqualTo(scrape.sum("portcullis_call_duration_seconds_sum") + 0.001);
    }

    @Test
    void stateGaugesAuditWriterAndJvmAreThere() {
        assertThat(scrape.sum("portcullis_upstream_state", "upstream", "demo", "state", "ready")).isEqualTo(1);
        assertThat(scrape.sum("portcullis_upstream_state", "upstream", "demo")).isEqualTo(1);
        assertThat(scrape.sum("portcullis_upstream_breaker_state", "upstream", "demo")).isEqualTo(1);
        assertThat(scrape.sum("portcullis_upstream_restarts_total", "upstream", "demo")).isZero();
        // every call's outcome is a durable record (C4.1); the writer failed none
        assertThat(scrape.sum("portcullis_audit_records_total")).isGreaterThanOrEqualTo(N + M + K + U);
        assertThat(scrape.sum("portcullis_audit_failures_total")).isZero();
        assertThat(scrape.sum("portcullis_audit_commit_duration_seconds_count")).isPositive();
        // #19: records per commit (the group commit's batch size), fixed buckets 1 .. 256
        assertThat(scrape.sum("portcullis_audit_commit_records_count")).isPositive();
        assertThat(scrape.sum("portcullis_audit_commit_records_sum")).isPositive();
        assertThat(scrape.values("portcullis_audit_commit_records_bucket", "le")).hasSize(10).contains("1.0", "256.0", "+Inf");
        assertThat(scrape.names()).contains("portcullis_audit_queue_depth", "portcullis_kill_switches_active",
                "portcullis_quarantined", "portcullis_approvals_pending", "portcullis_store_connections",
                "portcullis_sessions_open", "jvm_memory_used_bytes", "process_cpu_usage", "jvm_threads_live_threads");
        assertThat(scrape.sum("portcullis_kill_switches_active")).isZero();
    }

    @Test
    void noSubjectSessionOrArgumentValueIsALabel() {
        Set<String> labels = new TreeSet<>();
        scrape.samples().stream().filter(s -> s.name().startsWith("portcullis_")).forEach(s -> labels.addAll(s.labels().keySet()));
        assertThat(labels).isSubsetOf("environment", "upstream", "tool", "risk", "outcome", "control", "decision", "class",
                "state", "kind", "era", "method", "le");
        assertThat(scrape.text()).doesNotContain("hi 0").doesNotContain("acme-web").doesNotContain("demo__no_such_tool");
    }

    @Test
    void promtoolAcceptsTheScrape() throws Exception {
        Path file = Files.createTempFile("scrape", ".prom");
        try {
            Files.writeString(file, scrape.text());
            Run r = run(List.of("promtool", "check", "metrics"), file);
            assertThat(r.code()).as(r.output()).isZero();
        } finally {
            Files.deleteIfExists(file);
        }
    }

    @Test
    void promtoolAcceptsTheAlertRules() throws Exception {
        Run r = run(List.of("promtool", "check", "rules", rules().toString()), null);
        assertThat(r.code()).as(r.output()).isZero();
        assertThat(r.output()).contains("SUCCESS");
    }

    /** #18 item 5: a dashboard or an alert on a metric the gateway does not export would show nothing, silently. */
    @Test
    void everyMetricTheDashboardAndTheAlertsUseIsInTheScrape() throws Exception {
        Set<String> used = new TreeSet<>();
        used.addAll(metricNames(Files.readString(dashboard())));
        used.addAll(metricNames(Files.readString(rules())));
        assertThat(used).contains("portcullis_calls_total", "portcullis_upstream_breaker_state", "portcullis_audit_failures_total",
                "portcullis_approvals_pending");
        assertThat(scrape.names()).containsAll(used);
    }

    static Set<String> metricNames(String text) {
        Set<String> out = new TreeSet<>();
        Matcher m = Pattern.compile("\\b((?:portcullis|jvm|process)_[a-z0-9_]+)").matcher(text);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    static Path dashboard() {
        return Path.of("deploy/grafana/portcullis.json");
    }

    static Path rules() {
        return Path.of("deploy/prometheus/alerts.yml");
    }

    record Run(int code, String output) {}

    static Run run(List<String> command, Path stdin) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true);
        if (stdin != null) {
            pb.redirectInput(stdin.toFile());
        }
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Run(p.waitFor(), out);
    }
}
