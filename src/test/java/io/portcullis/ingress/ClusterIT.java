package io.portcullis.ingress;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.identity.Principal;
import io.portcullis.it.JvmPeers;
import io.portcullis.it.TestGateway;
import io.portcullis.it.peers.GatewayProcess;
import io.portcullis.it.peers.Peers;
import io.portcullis.protocol.Json;
import io.portcullis.protocol.ProtocolVersion;
import io.portcullis.testing.Eventually;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * #19 item 1, "a real cluster on loopback": 3 gateway processes (one PostgreSQL schema of their
 * own, one Redis key prefix of their own, one cluster key) behind Debian's HAProxy in round-robin
 * with no stickiness. Real clients (a raw Java client, the TypeScript SDK 1.x over a legacy session,
 * the TypeScript client 2.x stateless) succeed on every call although consecutive calls land on
 * different nodes (the audit records' node ids differ). A node killed with SIGKILL under a
 * fixed-rate load costs only the calls in flight on it, every acknowledged call has its audit
 * record, and the node comes back; a rolling restart (SIGTERM, drain, start) costs no call; bad
 * session ids (tampered, another principal's, another cluster's) are refused, clearly; the audit
 * log of every node verifies.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
public class ClusterIT {
    private static final String PG = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";
    private static final String SCHEMA = "cluster_it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    private static final String CLUSTER_KEY = "cluster-it-" + UUID.randomUUID() + "-" + UUID.randomUUID();
    private static final int NODES = 3;
    /**
     * #19 item 1 ("a node dies"): how long the fixed-rate load of the kill -9 phase runs. The issue
     * asks for 60 s; the CI run keeps 15 s to stay within its budget (the test already takes minutes
     * on a shared 2-core machine). {@code -Dcluster.kill.seconds=60} runs the variant
     * (docs/operations/cluster.md has its figures).
     */
    static final long KILL_LOAD_SECONDS = Long.getLong("cluster.kill.seconds", 15);
    /** The load's rate: each of {@link #KILL_WORKERS} sessions calls every this many ms (4 x 10 = 40 calls/s). */
    static final long KILL_PERIOD_MS = 100;
    static final int KILL_WORKERS = 4;
    /**
     * #19 item 2: what HAProxy answers for a request in flight on a node that died (the request was
     * sent, no answer came back): a JSON-RPC error that says the call may have run, never retried by
     * the balancer ({@code retry-on} has only {@code conn-failure} and {@code 503}: nothing was sent,
     * or the node refused before admitting it).
     */
    public static final String DIED_502 = """
            HTTP/1.1 502 Bad Gateway
            content-type: application/json
            cache-control: no-cache
            connection: close

            {"jsonrpc":"2.0","id":null,"error":{"code":-32603,"message":"Bad Gateway: the gateway node handling this request \
            stopped before it answered; the call may have run: check before sending it again","data":{"control":"load-balancer",\
            "retryable":false}}}
            """;
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private static Path dir;
    private static final GatewayProcess[] nodes = new GatewayProcess[NODES];
    private static final int[] ports = new int[NODES];
    private static Process haproxy;
    private static String url;
    private static String alice;
    private static String bob;

    @BeforeAll
    static void start() throws Exception {
        dir = Peers.workDir(ClusterIT.class);
        try (Connection c = DriverManager.getConnection(PG); Statement st = c.createStatement()) {
            st.execute("CREATE SCHEMA " + SCHEMA);
        }
        Path key = dir.resolve("audit-signing.pem");
        Files.deleteIfExists(key);
        Peers.Result keygen = Peers.run(JvmPeers.portcullis("audit", "keygen", "--out", key.toString()), dir, Duration.ofSeconds(60));
        assertThat(keygen.exit()).as(keygen.toString()).isZero();
        String prefix = "h5-cluster-it-" + UUID.randomUUID() + ":";
        for (int i = 0; i < NODES; i++) {
            ports[i] = Peers.freePort();
            Path home = Files.createDirectories(dir.resolve("node" + (i + 1)));
            Files.writeString(home.resolve("portcullis.yaml"), TestGateway.openCatalog("""
                    server: {data_dir: data, drain_grace: 5s}
                    upstreams:
                      demo: {command: %s}
                    store:
                      url: "%s&currentSchema=%s"
                    identity:
                      api_keys: {enabled: true}
                    audit:
                      node_id: node%d
                      signing_key: %s
                    rate_limits:
                      redis: {url: "redis://127.0.0.1:6379", key_prefix: "%s", timeout: 500ms}
                      on_redis_down: fail_closed
                      environments:
                        default:
                          limits:
                            - {id: per-user, per: principal, limit: 1000000, every: 1h}
                    """.formatted(TestGateway.list(JvmPeers.demo()), PG, SCHEMA, i + 1, key, prefix)));
        }
        alice = createKey("alice");
        bob = createKey("bob");
        for (int i = 0; i < NODES; i++) {
            startNode(i);
        }
        int lb = Peers.freePort();
        Path died = Files.writeString(dir.resolve("502.http"), DIED_502.replace("\n", "\r\n"));
        StringBuilder cfg = new StringBuilder("""
                global
                  maxconn 2000
                defaults
                  mode http
                  log stdout format raw local0
                  option httplog
                  errorfile 502 %s
                  timeout connect 2s
                  timeout client 60s
                  timeout server 60s
                  # a request that could not reach a node, or that a draining node refused (503, not admitted),
                  # goes to another one; a call in flight on a node that dies is NOT retried (it may have run)
                  retries 3
                  option redispatch 1
                  option http-buffer-request
                  retry-on conn-failure 503
                  # #19 item 2: HAProxy answers its 502 error file only to the first request of a client connection; a
                  # later one whose node dies is closed without an answer (InFlightKillIT): one request per connection
                  option httpclose
                frontend mcp
                  bind 127.0.0.1:%d
                  default_backend nodes
                backend nodes
                  balance roundrobin
                  option httpchk GET /readyz
                  # a killed node refuses connections: down within two checks (600 ms); a node slow under load is not
                  timeout check 2s
                  default-server inter 300ms fall 2 rise 2
                """.formatted(died, lb));
        for (int i = 0; i < NODES; i++) {
            cfg.append("  server node").append(i + 1).append(" 127.0.0.1:").append(ports[i]).append(" check\n");
        }
        Path cfgFile = Files.writeString(dir.resolve("haproxy.cfg"), cfg.toString());
        haproxy = new ProcessBuilder("haproxy", "-db", "-f", cfgFile.toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("haproxy.log").toFile()).start();
        url = "http://127.0.0.1:" + lb + "/mcp";
        Eventually.eventually(Duration.ofSeconds(20), "HAProxy answers on " + url,
                () -> HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + lb + "/healthz")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200);
    }

    private static String createKey(String name) {
        Peers.Result r = Peers.run(JvmPeers.portcullis("keys", "create", "--config", dir.resolve("node1/portcullis.yaml").toString(),
                "--role", "dev", "--env", "default", "--expires", "1d", "--name", name), dir.resolve("node1"), Duration.ofSeconds(90));
        String k = r.stdout().lines().filter(l -> l.startsWith("pcl_")).findFirst()
                .orElseThrow(() -> new AssertionError("no key printed: " + r));
        return k.trim();
    }

    private static void startNode(int i) {
        Path home = dir.resolve("node" + (i + 1));
        nodes[i] = GatewayProcess.start(home.resolve("portcullis.yaml"), home, Map.of(ClusterKey.VARIABLE, CLUSTER_KEY), ports[i]);
    }

    @AfterAll
    static void stop() throws Exception {
        if (haproxy != null) {
            haproxy.destroy();
            haproxy.waitFor(10, TimeUnit.SECONDS);
        }
        for (GatewayProcess n : nodes) {
            if (n != null) {
                n.close();
            }
        }
        try (Connection c = DriverManager.getConnection(PG); Statement st = c.createStatement()) {
            st.execute("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
        }
    }

    // ---- a small raw client: legacy sessions through the load balancer ----

    record Reply(int status, String session, String body) {
        JsonNode message() {
            String b = body.strip();
            if (b.startsWith("event:") || b.startsWith("data:") || b.startsWith("id:")) {
                String last = b.lines().filter(l -> l.startsWith("data:")).reduce((x, y) -> y).orElse("data: {}");
                return Json.parse(last.substring(5).strip());
            }
            return b.isEmpty() ? Json.object() : Json.parse(b);
        }
    }

    static Reply post(String bearer, String session, ObjectNode message) {
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                    .header("Content-Type", "application/json").header("Accept", "application/json, text/event-stream")
                    .header("Authorization", "Bearer " + bearer)
                    .POST(HttpRequest.BodyPublishers.ofString(Json.write(message), StandardCharsets.UTF_8));
            if (session != null) {
                b.header("Mcp-Session-Id", session).header("MCP-Protocol-Version", "2025-11-25");
            }
            HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Reply(r.statusCode(), r.headers().firstValue("Mcp-Session-Id").orElse(null), r.body());
        } catch (Exception e) {
            return new Reply(-1, null, "client-side failure: " + e);
        }
    }

    private static final AtomicLong IDS = new AtomicLong();

    static String open(String bearer) {
        ObjectNode p = Json.object().put("protocolVersion", "2025-11-25");
        p.putObject("capabilities").putObject("elicitation");
        p.putObject("clientInfo").put("name", "cluster-it-java").put("version", "1");
        Reply r = post(bearer, null, io.portcullis.protocol.Message.request(Json.object().numberNode(IDS.incrementAndGet()), "initialize", p));
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(post(bearer, r.session(), io.portcullis.protocol.Message.notification("notifications/initialized", null)).status())
                .isEqualTo(202);
        return r.session();
    }

    static Reply echo(String bearer, String session, String message) {
        ObjectNode p = Json.object().put("name", "demo__echo");
        p.putObject("arguments").put("message", message);
        return post(bearer, session, io.portcullis.protocol.Message.request(Json.object().numberNode(IDS.incrementAndGet()), "tools/call", p));
    }

    static boolean succeeded(Reply r) {
        return r.status() == 200 && r.message().has("result") && !r.message().path("result").path("isError").asBoolean(false);
    }

    /** The node that wrote the audit record of each call, by the echo message it carried. */
    static Map<String, String> nodesByMessage(String like) throws Exception {
        Map<String, String> out = new HashMap<>();
        try (Connection c = DriverManager.getConnection(PG + "&currentSchema=" + SCHEMA);
             var st = c.prepareStatement("SELECT body FROM audit_records WHERE kind = 'call' AND body LIKE ?")) {
            st.setString(1, "%" + like + "%");
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    JsonNode rec = Json.parse(rs.getString(1)).path("record"); // the stored body: {chain, index, prev, record}
                    if ("allowed".equals(rec.path("decision").path("outcome").asString())) {
                        out.put(rec.path("arguments").path("message").asString(), rec.path("node").asString());
                    }
                }
            }
        }
        return out;
    }

    @Test
    @Order(1)
    void oneLegacySessionIsServedByEveryNode_consecutiveCallsHitDifferentNodes() throws Exception {
        String session = open(alice);
        for (int i = 0; i < 9; i++) {
            Reply r = echo(alice, session, "java-seq-" + i);
            assertThat(succeeded(r)).as("call %d through the load balancer: %s", i, r).isTrue();
        }
        Map<String, String> byNode = Eventually.eventually(Duration.ofSeconds(10),
                () -> nodesByMessage("java-seq-"), m -> m.size() == 9);
        assertThat(Set.copyOf(byNode.values())).as("round-robin, no stickiness: " + byNode).hasSize(NODES);
    }

    @Test
    @Order(2)
    void theTypeScriptSdks_legacy1xAndStateless2x_succeedOnEveryCall() throws Exception {
        for (String mode : List.of("legacy", "stateless")) {
            Peers.Result r = Peers.run(List.of(Peers.node().toString(), Peers.root().resolve("test-support/cluster-client.mjs").toString(),
                    mode, url, alice, "ts-" + mode, "9"), dir, Duration.ofSeconds(90));
            JsonNode out = r.ok();
            assertThat(out.path("failed").size()).as(mode + ": " + out).isZero();
            assertThat(out.path("ok").asInt()).isEqualTo(9);
            if (mode.equals("legacy")) {
                assertThat(out.path("session").asString()).startsWith(SessionSeal.PREFIX);
            }
            Map<String, String> byNode = Eventually.eventually(Duration.ofSeconds(10),
                    () -> nodesByMessage("ts-" + mode + "-"), m -> m.size() == 9);
            assertThat(Set.copyOf(byNode.values())).as(mode + ": " + byNode).hasSizeGreaterThan(1);
        }
    }

    /**
     * #19 item 1 ("real clients"): the official Java SDK ({@code io.modelcontextprotocol.sdk:mcp},
     * one legacy session) and the MCP Inspector CLI ({@code @modelcontextprotocol/inspector --cli},
     * a session per invocation: initialize, initialized, tools/call, each a request of its own)
     * through HAProxy: every call succeeds; the Java SDK's consecutive calls land on several nodes.
     */
    @Test
    @Order(2)
    void theJavaSdkAndTheInspector_throughTheLoadBalancer_succeedOnEveryCall() throws Exception {
        URI u = URI.create(url);
        var transport = io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport.builder("http://" + u.getAuthority())
                .endpoint(u.getPath()).httpRequestCustomizer((b, method, uri, body, ctx) -> b.header("Authorization", "Bearer " + alice))
                .build();
        try (var client = io.modelcontextprotocol.client.McpClient.sync(transport).requestTimeout(Duration.ofSeconds(60))
                .clientInfo(new io.modelcontextprotocol.spec.McpSchema.Implementation("cluster-it-java-sdk", "1.0.0")).build()) {
            client.initialize();
            for (int i = 0; i < 9; i++) {
                var r = client.callTool(new io.modelcontextprotocol.spec.McpSchema.CallToolRequest("demo__echo",
                        Map.of("message", "java-sdk-" + i)));
                assertThat(r.isError()).as("Java SDK call %d: %s", i, r).isNotEqualTo(Boolean.TRUE);
            }
        }
        Map<String, String> byNode = Eventually.eventually(Duration.ofSeconds(10), () -> nodesByMessage("java-sdk-"), m -> m.size() == 9);
        assertThat(Set.copyOf(byNode.values())).as("Java SDK: " + byNode).hasSizeGreaterThan(1);
        io.portcullis.it.peers.Inspector inspector = new io.portcullis.it.peers.Inspector(url, dir);
        for (int i = 0; i < NODES; i++) {
            Peers.Result r = inspector.run("--header", "Authorization: Bearer " + alice, "--method", "tools/call",
                    "--tool-name", "demo__echo", "--tool-arg", "message=inspector-" + i);
            JsonNode out = r.ok();
            assertThat(out.path("result").path("isError").asBoolean(false)).as("Inspector call %d: %s", i, out).isFalse();
            assertThat(out.toString()).contains("inspector-" + i);
        }
        assertThat(Eventually.eventually(Duration.ofSeconds(10), () -> nodesByMessage("inspector-"), m -> m.size() == NODES))
                .hasSize(NODES);
    }

    @Test
    @Order(3)
    void badSessionIds_tamperedAnotherPrincipalsAnotherClusters_areRefusedClearly() {
        String session = open(alice);
        assertThat(succeeded(echo(alice, session, "bad-input-ok"))).isTrue();
        // tampered: one character of the ciphertext changed
        int at = session.length() - 12;
        String tampered = session.substring(0, at) + (session.charAt(at) == 'A' ? 'B' : 'A') + session.substring(at + 1);
        for (int i = 0; i < NODES; i++) { // whichever node it lands on
            Reply r = echo(alice, tampered, "bad-input-tampered");
            assertThat(r.status()).as(r.toString()).isEqualTo(404);
            assertThat(r.body()).contains("Session not found", "does not authenticate");
        }
        // forged from nothing
        Reply forged = echo(alice, SessionSeal.PREFIX + "AAAAAAAAAAA." + "A".repeat(120), "bad-input-forged");
        assertThat(forged.status()).isEqualTo(404);
        assertThat(forged.body()).contains("Session not found");
        // replayed by another principal, on every node
        for (int i = 0; i < NODES; i++) {
            Reply r = echo(bob, session, "bad-input-bob");
            assertThat(r.status()).as(r.toString()).isEqualTo(403);
            assertThat(r.body()).contains("belongs to another caller");
        }
        // sealed by another cluster (another key), for the same principal
        Principal a = new Principal("alice", Principal.Kind.SERVICE, "alice", List.of("dev"), null, "default", "api_key", null, null);
        String foreign = new SessionSeal(ClusterKey.of(("another-cluster-" + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8)))
                .seal("default", ProtocolVersion.negotiateLegacy("2025-11-25"), Json.object(), Json.object(), a);
        Reply r = echo(alice, foreign, "bad-input-foreign");
        assertThat(r.status()).as(r.toString()).isEqualTo(404);
        assertThat(r.body()).contains("another Portcullis cluster");
        assertThat(echo(alice, session, "bad-input-still-ok")).as("the genuine session still works").matches(ClusterIT::succeeded);
    }

    /**
     * A fixed-rate load (#19 item 1): {@code workers} legacy sessions, each calling every
     * {@code periodMs} for {@code seconds}. Each session has one call in flight at a time (so a killed
     * node can cost each worker at most one call); the rate holds while calls are answered within the
     * period, and drops on a machine too loaded to answer that fast (the printed figures say how many
     * were sent). An open-loop load was tried: on this shared machine (load average 40+) the nodes fell
     * behind, hundreds of calls piled up and the health checks failed on every node (docs/operations/cluster.md).
     */
    static final class Load {
        final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        final List<String> errors = java.util.Collections.synchronizedList(new ArrayList<>());
        final AtomicInteger sent = new AtomicInteger();
        private final List<Thread> threads = new ArrayList<>();
        private volatile boolean stopped;

        Load(String tag, int workers, long periodMs, long seconds) {
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            for (int w = 0; w < workers; w++) {
                String session = open(alice);
                int worker = w;
                threads.add(Thread.ofVirtual().start(() -> {
                    long next = System.nanoTime();
                    for (int i = 0; !stopped && System.nanoTime() < end; i++) {
                        String m = tag + "-" + worker + "-" + i;
                        sent.incrementAndGet();
                        Reply r = echo(alice, session, m);
                        if (succeeded(r)) {
                            acknowledged.add(m);
                        } else {
                            errors.add(m + " -> " + r.status() + " " + r.body().strip());
                        }
                        next += TimeUnit.MILLISECONDS.toNanos(periodMs);
                        long wait = next - System.nanoTime();
                        if (wait > 0) {
                            java.util.concurrent.locks.LockSupport.parkNanos(wait); // the load's pace, not a synchronisation
                        }
                    }
                }));
            }
        }

        void stop() {
            stopped = true;
        }

        void await() throws InterruptedException {
            for (Thread t : threads) {
                t.join(Duration.ofSeconds(180));
            }
        }
    }

    private static void assertEveryAcknowledgedCallAudited(Load load, String tag) throws Exception {
        Map<String, String> recorded = Eventually.eventually(Duration.ofSeconds(20), () -> nodesByMessage(tag + "-"),
                m -> m.keySet().containsAll(load.acknowledged));
        assertThat(recorded.keySet()).containsAll(load.acknowledged);
    }

    @Test
    @Order(4)
    void aNodeKilledUnderLoadCostsOnlyItsCallsInFlight_everyAcknowledgedCallIsAudited_andItRejoins() throws Exception {
        int workers = KILL_WORKERS;
        Load load = new Load("kill", workers, KILL_PERIOD_MS, KILL_LOAD_SECONDS);
        Eventually.eventually(Duration.ofSeconds(30), "the load runs", () -> load.acknowledged.size() >= 40);
        nodes[1].kill(); // kill -9 of node2, mid-load
        load.await();
        long unaudited = load.acknowledged.size() - nodesByMessage("kill-").keySet().stream().filter(load.acknowledged::contains).count();
        System.out.printf("ClusterIT kill -9 (%d s, %d sessions each calling every %d ms): sent %d, acknowledged %d, errors %d, "
                + "acknowledged without an audit record (before awaiting the writes) %d: %s%n", KILL_LOAD_SECONDS, workers,
                KILL_PERIOD_MS, load.sent.get(), load.acknowledged.size(), load.errors.size(), unaudited, load.errors);
        assertThat(load.errors).as("only the calls in flight on the killed node fail (at most one per worker)").hasSizeLessThanOrEqualTo(workers);
        assertThat(load.errors).as("no session is lost").noneMatch(e -> e.contains("Session not found"));
        // #19 item 2: a call in flight on the dead node is never retried elsewhere; HAProxy answers it with the
        // clean JSON-RPC 502 of its error file. Before `option httpclose` it closed the client's connection without
        // an answer when the call was not the first request of that connection (InFlightKillIT shows both)
        assertThat(load.errors).as("each failed call got the balancer's JSON-RPC 502, nothing else")
                .allMatch(e -> e.contains(" -> 502 ") && e.contains("stopped before it answered; the call may have run")
                        && e.contains("\"control\":\"load-balancer\""));
        assertEveryAcknowledgedCallAudited(load, "kill");
        // node2 comes back on its port and takes calls again
        startNode(1);
        String session = open(alice);
        Eventually.eventually(Duration.ofSeconds(30), "node2 serves calls again after its restart", () -> {
            String m = "rejoin-" + UUID.randomUUID();
            assertThat(succeeded(echo(alice, session, m))).isTrue();
            return "node2".equals(nodesByMessage(m).get(m));
        });
    }

    @Test
    @Order(5)
    void aRollingRestartOfEveryNodeUnderLoadFailsNoCall() throws Exception {
        Load load = new Load("rolling", 4, 100, 90);
        Eventually.eventually(Duration.ofSeconds(30), "the load runs", () -> load.acknowledged.size() >= 20);
        for (int i = 0; i < NODES; i++) {
            nodes[i].terminate(); // SIGTERM: /readyz turns 503 at once, calls in flight finish, new ones are refused (retried elsewhere)
            assertThat(nodes[i].awaitExit(Duration.ofSeconds(30))).as("node%d drains and exits 0", i + 1).isZero();
            startNode(i);
            int n = i;
            // HAProxy sees it ready again (rise 2 x 300 ms) before the next node goes
            Eventually.eventually(Duration.ofSeconds(30), "node" + (n + 1) + " is back in rotation", () -> {
                String m = "rolling-back-" + UUID.randomUUID();
                String s = open(alice);
                for (int k = 0; k < NODES; k++) {
                    echo(alice, s, m + "-" + k);
                }
                return nodesByMessage(m).containsValue("node" + (n + 1));
            });
        }
        load.stop();
        load.await();
        System.out.printf("ClusterIT rolling restart: sent %d, acknowledged %d, errors %d: %s%n", load.sent.get(),
                load.acknowledged.size(), load.errors.size(), load.errors);
        assertThat(load.errors).as("a rolling restart fails no call").isEmpty();
        assertEveryAcknowledgedCallAudited(load, "rolling");
    }

    @Test
    @Order(6)
    void theAuditLogOfEveryNodeVerifies() {
        Peers.Result v = Peers.run(JvmPeers.portcullis("audit", "verify", "--config", dir.resolve("node1/portcullis.yaml").toString()),
                dir.resolve("node1"), Duration.ofSeconds(120));
        assertThat(v.exit()).as(v.stdout() + v.stderr()).isZero();
        assertThat(v.stdout()).contains("INTACT");
        for (int i = 1; i <= NODES; i++) {
            assertThat(v.stdout()).contains("node" + i);
        }
    }
}
