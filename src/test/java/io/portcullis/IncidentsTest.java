package io.portcullis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.portcullis.config.ConfigReader;
import io.portcullis.config.GatewayConfig;
import io.portcullis.killswitch.KillSwitch;
import io.portcullis.killswitch.KillSwitches;
import io.portcullis.protocol.Json;
import io.portcullis.resilience.AdmissionConfig;
import io.portcullis.resilience.BreakerSettings;
import io.portcullis.resilience.Protection;
import io.portcullis.resilience.ProtectionConfig;
import io.portcullis.resilience.RetrySettings;
import io.portcullis.resilience.ToolCall;
import io.portcullis.store.Store;
import io.portcullis.store.StoreConfig;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * #15 item 5 (C7.1): incidents reach the owners' on-call webhooks ({@code readiness.oncall.TEAM.webhook}),
 * received by a real HTTP server on 127.0.0.1: a breaker opening and a kill-switch flip, each to the
 * boundary owner and to the owner of the upstream or tool, as JSON {@code {event, incident}}.
 */
class IncidentsTest {
    record Received(String path, String auth, JsonNode body) {}

    HttpServer server;
    final BlockingQueue<Received> received = new LinkedBlockingQueue<>();

    @BeforeEach
    void receiver() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", ex -> {
            byte[] b = ex.getRequestBody().readAllBytes();
            received.add(new Received(ex.getRequestURI().getPath(), ex.getRequestHeaders().getFirst("Authorization"),
                    Json.parse(b)));
            ex.sendResponseHeaders(204, -1);
            ex.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    GatewayConfig config() throws Exception {
        String base = "http://127.0.0.1:" + server.getAddress().getPort();
        return ConfigReader.parse("""
                server: {data_dir: /tmp/portcullis-incidents-test}
                environments: [dev]
                upstreams:
                  tickets: {command: ["true"]}
                catalog:
                  upstreams:
                    tickets: {owner: {team: support}}
                  tools:
                    tickets__delete: {owner: {team: payments}, purpose: Delete., risk: irreversible}
                readiness:
                  boundary_owner: {team: platform}
                  oncall:
                    platform: {contact: "pager:platform", webhook: {url: "%1$s/platform", headers: {Authorization: {env: PATH}}}}
                    support: {contact: "pager:support", webhook: {url: "%1$s/support", retries: 0}}
                    payments: {contact: "pager:payments"}
                """.formatted(base), "test.yaml", Path.of("/tmp"), null);
    }

    Received next() throws InterruptedException {
        Received r = received.poll(10, TimeUnit.SECONDS);
        assertThat(r).as("a webhook delivery").isNotNull();
        return r;
    }

    @Test
    void aBreakerOpeningReachesTheBoundaryOwnerAndTheUpstreamOwner() throws Exception {
        GatewayConfig c = config();
        try (Incidents incidents = new Incidents(() -> c)) {
            Protection p = new Protection("tickets", AdmissionConfig.UPSTREAM, new ProtectionConfig(
                    new BreakerSettings(true, 50, 100, null, 2, 2, Duration.ofMinutes(1), 1),
                    new RetrySettings(1, Duration.ofMillis(1), Duration.ofMillis(1), 10, Duration.ofSeconds(10), 0)),
                    Duration.ofSeconds(30), new Protection.Outcomes() {
                        @Override
                        public boolean failure(Throwable e) {
                            return true;
                        }

                        @Override
                        public boolean retryable(Throwable e) {
                            return false;
                        }
                    });
            p.onBreakerOpen(incidents.breakerListener());
            for (int i = 0; i < 2; i++) {
                assertThatThrownBy(() -> p.call(new ToolCall("tickets__delete", false, null), Duration.ofSeconds(1), () -> {
                    throw new java.io.IOException("upstream down");
                })).isInstanceOf(java.io.IOException.class);
            }
            assertThat(p.breakerOpen()).isTrue();
            java.util.Map<String, Received> byPath = new java.util.HashMap<>();
            for (int i = 0; i < 2; i++) {
                Received r = next();
                byPath.put(r.path(), r);
            }
            assertThat(byPath).containsOnlyKeys("/platform", "/support");
            JsonNode body = byPath.get("/support").body();
            assertThat(body.path("event").asString()).isEqualTo("incident.breaker_open");
            assertThat(body.path("incident").path("upstream").asString()).isEqualTo("tickets");
            assertThat(body.path("incident").path("owner").asString()).isEqualTo("support");
            assertThat(body.path("incident").path("failure_rate").asDouble()).isEqualTo(100.0);
            assertThat(body.path("incident").path("open_for_ms").asLong()).isEqualTo(60000);
            assertThat(byPath.get("/platform").body().path("incident").path("owner").asString()).isEqualTo("platform");
            // the approvals mechanism: secret headers come from the environment
            assertThat(byPath.get("/platform").auth()).isEqualTo(System.getenv("PATH"));
        }
    }

    @Test
    void aKillSwitchFlipReachesTheBoundaryOwnerOnceWhenTheToolOwnerHasNoWebhook(@TempDir Path dir) throws Exception {
        GatewayConfig c = config();
        try (Incidents incidents = new Incidents(() -> c); Store store = Store.open(new StoreConfig(null, dir, 2));
             KillSwitches kills = KillSwitches.open(store, "node-a")) {
            kills.start(() -> { }, incidents::flipped);
            kills.kill(new KillSwitch(KillSwitch.Scope.TOOL, "tickets__delete", null, false, "INC-9: deleting the wrong projects",
                    "alice", Instant.parse("2026-12-04T21:00:00Z")));
            Received r = next();
            assertThat(r.path()).isEqualTo("/platform");
            assertThat(r.body().path("event").asString()).isEqualTo("incident.kill_switch");
            JsonNode flip = r.body().path("incident").path("flip");
            assertThat(flip.path("action").asString()).isEqualTo("kill");
            assertThat(flip.path("scope").asString()).isEqualTo("tool");
            assertThat(flip.path("name").asString()).isEqualTo("tickets__delete");
            assertThat(flip.path("by").asString()).isEqualTo("alice");
            assertThat(flip.path("reason").asString()).isEqualTo("INC-9: deleting the wrong projects");
            // payments (the tool's owner) has a contact but no webhook: nothing else is sent
            assertThat(received.poll(300, TimeUnit.MILLISECONDS)).isNull();
        }
    }
}
