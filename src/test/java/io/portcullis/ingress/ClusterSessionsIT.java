package io.portcullis.ingress;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.it.JvmPeers;
import io.portcullis.it.TestGateway;
import io.portcullis.it.peers.GatewayProcess;
import io.portcullis.it.peers.Peers;
import io.portcullis.protocol.Json;
import io.portcullis.protocol.Message;
import io.portcullis.testing.Eventually;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

/**
 * #19 items 1 and 3, on 2 nodes without a load balancer (each addressed directly, so the test knows
 * which node answers): a session ended (DELETE) on node1 is refused on node2, both when node2 already
 * held a copy (ended by its poll of the shared list) and when it never saw the session (checked in
 * the store before adoption); a GET stream resumed on node2 with node1's {@code Last-Event-ID} gets a
 * new stream there (resumption is a MAY of the era: nothing is replayed), and a POST stream's id of
 * node1 is refused on node2 with a clear 400 instead of replaying node2's stream of the same name.
 */
class ClusterSessionsIT {
    private static final String PG = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";
    private static final String SCHEMA = "cluster_sessions_it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    private static final String CLUSTER_KEY = "cluster-sessions-it-" + UUID.randomUUID() + "-" + UUID.randomUUID();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private static final AtomicLong IDS = new AtomicLong();
    private static Path dir;
    private static final GatewayProcess[] nodes = new GatewayProcess[2];

    @BeforeAll
    static void start() throws Exception {
        dir = Peers.workDir(ClusterSessionsIT.class);
        try (Connection c = DriverManager.getConnection(PG); Statement st = c.createStatement()) {
            st.execute("CREATE SCHEMA " + SCHEMA);
        }
        for (int i = 0; i < nodes.length; i++) {
            Path home = Files.createDirectories(dir.resolve("node" + (i + 1)));
            Files.writeString(home.resolve("portcullis.yaml"), TestGateway.openCatalog("""
                    server: {data_dir: data}
                    upstreams:
                      demo: {command: %s}
                    store:
                      url: "%s&currentSchema=%s"
                    audit:
                      node_id: node%d
                    """.formatted(TestGateway.list(JvmPeers.demo()), PG, SCHEMA, i + 1)));
        }
        // started one after the other: both apply the store's migrations at start
        for (int i = 0; i < nodes.length; i++) {
            Path home = dir.resolve("node" + (i + 1));
            nodes[i] = GatewayProcess.start(home.resolve("portcullis.yaml"), home, Map.of(ClusterKey.VARIABLE, CLUSTER_KEY));
        }
    }

    @AfterAll
    static void stop() throws Exception {
        for (GatewayProcess n : nodes) {
            if (n != null) {
                n.close();
            }
        }
        try (Connection c = DriverManager.getConnection(PG); Statement st = c.createStatement()) {
            st.execute("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
        }
    }

    record Reply(int status, String session, String body) {}

    static HttpRequest.Builder request(int node, String session) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(nodes[node].url())).timeout(Duration.ofSeconds(30))
                .header("Accept", "application/json, text/event-stream");
        if (session != null) {
            b.header("Mcp-Session-Id", session).header("MCP-Protocol-Version", "2025-11-25");
        }
        return b;
    }

    static Reply post(int node, String session, ObjectNode message) throws Exception {
        HttpResponse<String> r = HTTP.send(request(node, session).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Json.write(message), StandardCharsets.UTF_8)).build(),
                HttpResponse.BodyHandlers.ofString());
        return new Reply(r.statusCode(), r.headers().firstValue("Mcp-Session-Id").orElse(null), r.body());
    }

    static String open(int node) throws Exception {
        ObjectNode p = Json.object().put("protocolVersion", "2025-11-25");
        p.putObject("capabilities");
        p.putObject("clientInfo").put("name", "cluster-sessions-it").put("version", "1");
        Reply r = post(node, null, Message.request(Json.object().numberNode(IDS.incrementAndGet()), "initialize", p));
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(post(node, r.session(), Message.notification("notifications/initialized", null)).status()).isEqualTo(202);
        return r.session();
    }

    static Reply echo(int node, String session) throws Exception {
        ObjectNode p = Json.object().put("name", "demo__echo");
        p.putObject("arguments").put("message", "cluster-sessions-it");
        return post(node, session, Message.request(Json.object().numberNode(IDS.incrementAndGet()), "tools/call", p));
    }

    static Reply delete(int node, String session) throws Exception {
        HttpResponse<String> r = HTTP.send(request(node, session).DELETE().build(), HttpResponse.BodyHandlers.ofString());
        return new Reply(r.statusCode(), null, r.body());
    }

    /** Opens a GET stream on {@code node}, reads up to its priming event's id (2025-11-25 sends one), and closes it. */
    static String[] getStream(int node, String session, String lastEventId) throws Exception {
        HttpRequest.Builder b = request(node, session).header("Accept", "text/event-stream").GET();
        if (lastEventId != null) {
            b.header("Last-Event-ID", lastEventId);
        }
        HttpResponse<InputStream> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream in = r.body(); BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            if (r.statusCode() != 200) {
                return new String[] {String.valueOf(r.statusCode()), new String(in.readAllBytes(), StandardCharsets.UTF_8)};
            }
            for (String line; (line = lines.readLine()) != null; ) {
                if (line.startsWith("id: ")) {
                    return new String[] {"200", line.substring(4).strip()};
                }
            }
            return new String[] {"200", ""};
        }
    }

    /** #19 item 1 (ended sessions): DELETE on node1; node2, which held a copy, refuses the id within a poll of the shared list. */
    @Test
    void aSessionEndedOnOneNodeIsRefusedByAnotherThatHeldIt() throws Exception {
        String s = open(0);
        assertThat(echo(0, s).status()).isEqualTo(200);
        assertThat(echo(1, s).status()).as("node2 continues the session (it now holds a copy)").isEqualTo(200);
        Reply deleted = delete(0, s);
        assertThat(deleted.status()).as(deleted.toString()).isEqualTo(200);
        Reply refused = Eventually.eventually(Duration.ofSeconds(10), () -> echo(1, s), r -> r.status() == 404);
        assertThat(refused.body()).contains("Session not found");
        assertThat(echo(0, s).status()).as("and node1 too").isEqualTo(404);
    }

    /** #19 item 1 (ended sessions): node2 never saw the session: it checks the shared list before adopting the id. */
    @Test
    void aSessionEndedOnOneNodeIsRefusedAtOnceByANodeThatNeverSawIt() throws Exception {
        String s = open(0);
        assertThat(echo(0, s).status()).isEqualTo(200);
        assertThat(delete(0, s).status()).isEqualTo(200);
        Reply r = echo(1, s); // at once: no poll is waited for
        assertThat(r.status()).as(r.toString()).isEqualTo(404);
        assertThat(r.body()).contains("Session not found: it was ended (DELETE)");
        assertThat(delete(1, s).status()).as("a second DELETE elsewhere: the session is gone").isEqualTo(404);
    }

    /** #19 item 3: node1's GET stream resumed on node2 is a new GET stream there (nothing replayed), with node2's own event ids. */
    @Test
    void aGetStreamResumedOnAnotherNodeIsANewStreamThere() throws Exception {
        String s = open(0);
        String[] first = getStream(0, s, null);
        assertThat(first[0]).isEqualTo("200");
        assertThat(first[1]).as("node1's priming event id").startsWith("get.").contains("_");
        String[] resumed = getStream(1, s, first[1]);
        assertThat(resumed[0]).as(String.join(" ", resumed)).isEqualTo("200");
        assertThat(resumed[1]).as("node2's own id, another epoch").startsWith("get.").isNotEqualTo(first[1]);
        String epoch1 = first[1].substring(4, first[1].indexOf('_'));
        String epoch2 = resumed[1].substring(4, resumed[1].indexOf('_'));
        assertThat(epoch2).isNotEqualTo(epoch1);
        // and node2's id resumes on node2 as usual
        assertThat(getStream(1, s, resumed[1])[0]).isEqualTo("200");
    }

    /**
     * #19 item 3: a POST stream node1 held cannot be replayed by node2; node2 must not answer with its
     * own stream of the same name (POST streams are numbered per node: post-1, post-2, ...).
     */
    @Test
    void aPostStreamIdOfAnotherNodeIsRefusedClearly_notConfusedWithThisNodesStreamOfTheSameName() throws Exception {
        String s = open(0);
        String epoch1 = getStream(0, s, null)[1];
        epoch1 = epoch1.substring(4, epoch1.indexOf('_'));
        assertThat(echo(1, s).status()).isEqualTo(200); // node2 now has its own post streams for this session
        String[] r = getStream(1, s, "post-1." + epoch1 + "_3");
        assertThat(r[0]).as(String.join(" ", r)).isEqualTo("400");
        assertThat(r[1]).contains("held by another gateway node", "send the request again if it is safe to");
    }
}
