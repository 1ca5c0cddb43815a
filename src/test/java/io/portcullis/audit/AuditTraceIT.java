package io.portcullis.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.protocol.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * C4.3: one user request's whole chain is rebuilt. A real client (the official TypeScript SDK)
 * sends a W3C traceparent and a user-request id while it calls tools of two upstreams (allowed,
 * state-changing, timed out, unknown); {@code portcullis audit trace} (the packaged CLI) and the
 * admin API return exactly those calls, in order, with their decisions and result metadata.
 */
class AuditTraceIT {
    static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
    static final String TRACEPARENT = "00-" + TRACE_ID + "-00f067aa0ba902b7-01";

    @TempDir
    static Path dir;
    static GatewayHarness gw;

    @BeforeAll
    static void start() throws Exception {
        gw = new GatewayHarness(dir, "");
        Peers.Run other = Peers.run(Peers.node("test-support/audit-client.mjs", "trace", gw.url(null),
                "00-11111111111111111111111111111111-00f067aa0ba902b7-01", "other-request"), 60);
        assertThat(other.code()).as(other.err()).isZero();
        Peers.Run run = Peers.run(Peers.node("test-support/audit-client.mjs", "trace", gw.url(null), TRACEPARENT, "req-2024-0042"), 60);
        assertThat(run.code()).as(run.err()).isZero();
        assertThat(run.out().lines().toList()).hasSize(5);
    }

    @AfterAll
    static void stop() throws Exception {
        gw.close();
    }

    @Test
    void cliTraceShowsEveryCallOfTheRequestInOrder() throws Exception {
        Peers.Run r = Peers.run(Peers.portcullis("audit", "trace", TRACE_ID, "--config", gw.configFile.toString(), "--json"), 60);
        assertThat(r.code()).as(r.err()).isZero();
        List<JsonNode> records = Json.parse(r.out()).valueStream().toList();
        assertThat(records).extracting(x -> x.path("kind").asString() + " " + x.path("tool").path("name").asString()
                        + " " + x.path("decision").path("outcome").asString())
                .containsExactly(
                        "call demo__search_tickets allowed",
                        "intent demo__create_ticket allowed",
                        "call demo__create_ticket allowed",
                        "call test__read allowed",
                        "call test__sleep failed",
                        "call demo__no_such_tool refused");
        assertThat(records).allSatisfy(x -> {
            assertThat(x.path("request").path("trace_id").asString()).isEqualTo(TRACE_ID);
            assertThat(x.path("request").path("user_request_id").asString()).isEqualTo("req-2024-0042");
            assertThat(x.path("request").path("tracestate").asString()).isEqualTo("portcullis=test");
            assertThat(x.path("client").path("name").asString()).isEqualTo("audit-test-client");
        });
        assertThat(records.stream().map(x -> x.path("tool").path("upstream").asString("")).distinct()).contains("demo", "test");
        assertThat(records.get(0).path("result").path("structured").asBoolean()).isTrue();
        assertThat(records.get(4).path("decision").path("control").asString()).isEqualTo("timeout");
        assertThat(records.get(5).path("decision").path("control").asString()).isEqualTo("catalog");

        Peers.Run text = Peers.run(Peers.portcullis("audit", "trace", "req-2024-0042", "--config", gw.configFile.toString()), 60);
        assertThat(text.code()).isZero();
        assertThat(text.out()).contains("5 call(s), 6 record(s)").contains("Find the login ticket and file a follow-up")
                .contains("demo__create_ticket").contains("failed (timeout)").contains("refused (catalog)");
    }

    @Test
    void adminApiServesTheSameTrace() throws Exception {
        HttpResponse<String> res = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + gw.http.port() + "/admin/api/audit/trace/" + TRACE_ID)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(Json.parse(res.body()).path("records")).hasSize(6);
        HttpResponse<String> verify = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + gw.http.port() + "/admin/api/audit/verify")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(Json.parse(verify.body()).path("intact").asBoolean()).isTrue();
        HttpResponse<String> export = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + gw.http.port() + "/admin/api/audit/export?env=dev")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(export.headers().firstValue("content-type")).contains("application/x-ndjson");
        assertThat(export.body().lines()).hasSizeGreaterThanOrEqualTo(12).allSatisfy(l -> assertThat(Json.parse(l).path("chain").path("seq").asLong()).isPositive());
    }

    @Test
    void cliVerifyAndSearchWork() throws Exception {
        Peers.Run v = Peers.run(Peers.portcullis("audit", "verify", "--config", gw.configFile.toString()), 60);
        assertThat(v.code()).as(v.out() + v.err()).isZero();
        assertThat(v.out()).contains("audit log INTACT");
        Peers.Run s = Peers.run(Peers.portcullis("audit", "search", "--config", gw.configFile.toString(), "--decision", "refused",
                "--tool", "demo__*", "--since", "1h"), 60);
        assertThat(s.code()).isZero();
        assertThat(s.out()).contains("demo__no_such_tool").contains("2 record(s)");
    }
}
