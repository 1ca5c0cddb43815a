package io.portcullis.it.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.ingress.ClusterIT;
import io.portcullis.it.JvmPeers;
import io.portcullis.it.TestGateway;
import io.portcullis.it.peers.GatewayProcess;
import io.portcullis.it.peers.Peers;
import io.portcullis.testing.Eventually;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * #19 item 2, "a call in flight on a node killed with SIGKILL gets a clean error, never a hang":
 * why HAProxy 2.6 sometimes closed the client's connection instead of answering its 502 error file,
 * and the fix. Deterministic: the upstream ({@link BlockingServer}) holds the call and says so in a
 * file; only then does the test kill the node by the PID it started; the client is the TypeScript
 * SDK 1.x (a legacy session whose blocked call is its second tools/call, so it goes over a kept-alive
 * connection, as in any real session).
 *
 * <p>The cause (HAProxy's {@code http_wait_for_response}, "abort_keep_alive"): when the server closes
 * without a byte of response and the request was not the first of the client's connection, HAProxy
 * closes the client's connection silently (so that a browser retries, as after a keep-alive race) and
 * logs nothing; only the first request of a connection gets the 502 error file. {@code option httpclose}
 * makes every request the first of its connection: the 502 always comes.
 */
class InFlightKillIT {
    private static Path dir;
    private static Process haproxy;
    private static Path haproxyLog;
    private static final List<GatewayProcess> started = new ArrayList<>();
    private static int lbKeepAlive;
    private static int lbClosing;
    private static int lbCluster;
    private static int portA;
    private static int portB;
    private static final int[] portC = new int[2];
    private static final String PG = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";
    private static final String SCHEMA = "in_flight_kill_it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    private static final String CLUSTER_KEY = "in-flight-kill-it-" + UUID.randomUUID() + "-" + UUID.randomUUID();

    @BeforeAll
    static void startBalancer() throws Exception {
        dir = Peers.workDir(InFlightKillIT.class);
        portA = Peers.freePort();
        portB = Peers.freePort();
        lbKeepAlive = Peers.freePort();
        lbClosing = Peers.freePort();
        lbCluster = Peers.freePort();
        portC[0] = Peers.freePort();
        portC[1] = Peers.freePort();
        try (Connection c = DriverManager.getConnection(PG); Statement st = c.createStatement()) {
            st.execute("CREATE SCHEMA " + SCHEMA);
        }
        Path died = Files.writeString(dir.resolve("502.http"), ClusterIT.DIED_502.replace("\n", "\r\n"));
        // frontend "keepalive": HAProxy's default (client connections kept alive), as ClusterIT ran before #19's fix;
        // frontend "closing": option httpclose, the fix (docs/operations/cluster.md)
        String cfg = """
                defaults
                  mode http
                  log stdout format raw local0
                  option httplog
                  errorfile 502 %s
                  timeout connect 2s
                  timeout client 120s
                  timeout server 120s
                frontend keepalive
                  bind 127.0.0.1:%d
                  default_backend a
                frontend closing
                  bind 127.0.0.1:%d
                  option httpclose
                  default_backend b
                frontend cluster
                  bind 127.0.0.1:%d
                  option httpclose
                  default_backend c
                backend a
                  server nodeA 127.0.0.1:%d
                backend b
                  server nodeB 127.0.0.1:%d
                backend c
                  balance roundrobin
                  retries 3
                  option redispatch 1
                  retry-on conn-failure 503
                  option httpchk GET /readyz
                  default-server inter 300ms fall 2 rise 2
                  http-response set-header X-Served-By %s
                  server nodeC1 127.0.0.1:%d check
                  server nodeC2 127.0.0.1:%d check
                """.formatted(died, lbKeepAlive, lbClosing, lbCluster, portA, portB, "%s", portC[0], portC[1]);
        Path cfgFile = Files.writeString(dir.resolve("haproxy.cfg"), cfg);
        haproxyLog = dir.resolve("haproxy.log");
        haproxy = new ProcessBuilder("haproxy", "-db", "-f", cfgFile.toString()).redirectErrorStream(true)
                .redirectOutput(haproxyLog.toFile()).start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (haproxy != null) {
            haproxy.destroy();
            haproxy.waitFor(10, TimeUnit.SECONDS);
        }
        started.forEach(GatewayProcess::close);
        try (Connection c = DriverManager.getConnection(PG); Statement st = c.createStatement()) {
            st.execute("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
        }
    }

    /** A node whose upstream is a {@link BlockingServer} writing to {@code arrivals}; {@code store}: a config line (or ""). */
    private static GatewayProcess node(String name, int port, Path arrivals, String store, Map<String, String> env) throws Exception {
        Path home = Files.createDirectories(dir.resolve(name));
        Files.writeString(home.resolve("portcullis.yaml"), TestGateway.openCatalog("""
                server: {data_dir: data}
                upstreams:
                  blocking: {command: %s}
                %s
                """.formatted(TestGateway.list(JvmPeers.testMain(BlockingServer.class, arrivals.toString())), store)));
        GatewayProcess g = GatewayProcess.start(home.resolve("portcullis.yaml"), home, env, port);
        started.add(g);
        return g;
    }

    /** Starts the TypeScript client through {@code lbPort}, waits until its call is held upstream, kills the node, returns what the client saw. */
    private static JsonNode killMidCall(int lbPort, Map<Path, GatewayProcess> nodes, String tool, boolean streaming) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Peers.node().toString(), Peers.root().resolve("test-support/in-flight-client.mjs").toString(),
                "http://127.0.0.1:" + lbPort + "/mcp", tool));
        Path progress = dir.resolve("progress-" + tool);
        if (streaming) {
            cmd.addAll(List.of("streaming", progress.toString())); // the client writes it when the progress reached it
        }
        try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            CompletableFuture<Peers.Result> client = CompletableFuture.supplyAsync(() -> Peers.run(cmd, dir, Duration.ofSeconds(150)), threads);
            Path arrivals = Eventually.eventually(Duration.ofSeconds(120), () -> client.isDone() ? Path.of("client-ended")
                    : nodes.keySet().stream().filter(f -> holds(f, tool) && (!streaming || Files.exists(progress))).findFirst().orElse(null),
                    f -> f != null);
            assertThat(client.isDone()).as("the client ended before its call reached the upstream: %s", client.getNow(null)).isFalse();
            nodes.get(arrivals).kill(); // SIGKILL of the node process this test started that holds the call, mid-call
            JsonNode out = client.get(150, TimeUnit.SECONDS).ok();
            System.out.println("InFlightKillIT " + tool + " on :" + lbPort + ": " + out);
            assertThat(out.path("echo").asString()).as("the session worked before the kill").isEqualTo("before-the-kill");
            return out;
        }
    }

    private static boolean holds(Path arrivals, String tool) {
        try {
            return Files.exists(arrivals) && Files.readString(arrivals).lines().anyMatch(tool::equals);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static List<String> logLines(String frontend) throws Exception {
        return Files.readAllLines(haproxyLog).stream().filter(l -> l.contains("] " + frontend + " ")).toList();
    }

    @Test
    void withOptionHttpclose_aCallInFlightOnAKilledNodeGetsTheBalancersJsonRpcError() throws Exception {
        Path arrivals = dir.resolve("arrivals-b");
        GatewayProcess b = node("nodeB", portB, arrivals, "", Map.of());
        JsonNode out = killMidCall(lbClosing, Map.of(arrivals, b), "block", false);
        // the SDK reports the HTTP 502 and the error file's JSON-RPC error: a clean, readable failure of this call only
        assertThat(out.path("blocked").path("code").asInt()).as(out.toString()).isEqualTo(502);
        assertThat(out.path("blocked").path("error").asString())
                .contains("Error POSTing to endpoint", "stopped before it answered; the call may have run", "\"control\":\"load-balancer\"");
        // HAProxy's log: the 502 it made, termination state SH (the server closed while HAProxy waited for the response headers)
        List<String> lines = Eventually.eventually(Duration.ofSeconds(10), () -> logLines("closing"),
                ls -> ls.stream().anyMatch(l -> l.contains(" 502 ") && l.contains(" SH-- ") && l.contains("\"POST /mcp HTTP/1.1\"")));
        System.out.println("InFlightKillIT HAProxy log, frontend closing:\n" + String.join("\n", lines));
    }

    @Test
    void theCause_withoutIt_aCallOnAKeptAliveConnectionIsClosedWithoutAnAnswerAndNotLogged() throws Exception {
        Path arrivals = dir.resolve("arrivals-a");
        GatewayProcess a = node("nodeA", portA, arrivals, "", Map.of());
        JsonNode out = killMidCall(lbKeepAlive, Map.of(arrivals, a), "block", false);
        // HAProxy 2.6's "abort_keep_alive": no 502, the connection is closed; the SDK sees a transport failure
        assertThat(out.path("blocked").path("error").asString()).doesNotContain("502").contains("fetch failed");
        assertThat(out.path("blocked").path("cause").asString()).contains("other side closed");
        // and HAProxy logs nothing for that request (logwait = 0 on that path): the requests before it are there (the GET
        // stream, whose headers were sent, is logged with SD: the server closed while the body was being sent)
        List<String> lines = logLines("keepalive");
        System.out.println("InFlightKillIT HAProxy log, frontend keepalive:\n" + String.join("\n", lines));
        assertThat(lines).anyMatch(l -> l.contains(" 200 ") && l.contains("\"POST /mcp HTTP/1.1\""));
        assertThat(lines).filteredOn(l -> l.contains("\"POST /mcp HTTP/1.1\"")).as("no log line for the POST that was cut")
                .noneMatch(l -> l.contains(" 502 ") || l.contains(" SH-- ") || l.contains(" SD-- ") || l.contains(" -1 "));
    }

    /**
     * A call answered as an SSE stream (it asked for progress, the upstream sent some) has its 200 and
     * headers sent before the node dies: HAProxy cannot answer 502 any more (with httpclose the body is
     * delimited by the connection, so the stream just ends; HAProxy logs it 200). The SDK resumes it
     * with {@code Last-Event-ID}, which HAProxy sends to the other node; the stream's name carries the
     * request's id, so that node ends the call with a JSON-RPC error for it ({@link
     * io.portcullis.ingress.ClusterIT} has no such call; before the fix: 400, and the SDK waited for its timeout).
     */
    @Test
    void aStreamedCallInFlightOnAKilledNode_isEndedByTheOtherNodeWithAJsonRpcError_notLeftToTimeOut() throws Exception {
        String store = "store: {url: \"" + PG + "&currentSchema=" + SCHEMA + "\"}";
        Map<String, String> env = Map.of(io.portcullis.ingress.ClusterKey.VARIABLE, CLUSTER_KEY);
        Path a1 = dir.resolve("arrivals-c1");
        Path a2 = dir.resolve("arrivals-c2");
        Map<Path, GatewayProcess> nodes = Map.of(a1, node("nodeC1", portC[0], a1, store, env), a2, node("nodeC2", portC[1], a2, store, env));
        // both nodes in HAProxy's rotation before the session starts (its health checks saw them up)
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        java.util.Set<String> seen = new java.util.HashSet<>();
        Eventually.eventually(Duration.ofSeconds(60), "HAProxy routes to both nodes", () -> {
            var r = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + lbCluster + "/healthz")).build(),
                    java.net.http.HttpResponse.BodyHandlers.discarding());
            r.headers().firstValue("X-Served-By").ifPresent(seen::add);
            return seen.size() == 2;
        });
        JsonNode out = killMidCall(lbCluster, nodes, "block_streaming", true);
        JsonNode blocked = out.path("blocked");
        // -32603 from the other node, not the SDK's own timeout (-32001 after 90 s in the client)
        assertThat(blocked.path("code").asInt()).as(out.toString()).isEqualTo(-32603);
        assertThat(blocked.path("error").asString()).contains("Gateway node lost", "the call may have run");
        // the resumption (a GET) was answered 200 by the node that was not killed: the error above came from it
        List<String> lines = Eventually.eventually(Duration.ofSeconds(10), () -> logLines("cluster"),
                ls -> ls.stream().anyMatch(l -> l.contains(" 200 ") && l.contains("\"GET /mcp HTTP/1.1\"")));
        System.out.println("InFlightKillIT HAProxy log, frontend cluster:\n" + String.join("\n", lines));
    }
}
