package io.portcullis.it.roots;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.portcullis.it.LegacySession;
import io.portcullis.it.NpmPeers;
import io.portcullis.it.TestGateway;
import io.portcullis.protocol.Json;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * #11 item 14: the shipped example catalog (examples/everything.catalog.yaml) constrains
 * {@code everything__gzip-file-as-resource}'s {@code data} URL, so the real server-everything
 * behind the real gateway can no longer be made to fetch a loopback port and hand back its content.
 */
class Hardening14ExampleSsrfIT {
    static HttpServer internal;
    static final AtomicInteger HITS = new AtomicInteger();
    static TestGateway gw;

    @BeforeAll
    static void start() throws Exception {
        internal = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        internal.createContext("/", ex -> {
            HITS.incrementAndGet();
            byte[] body = "INTERNAL-ONLY-SECRET".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        internal.start();
        String yaml = """
                upstreams:
                  everything:
                    command: %s
                    timeout: 60s
                catalog: "%s"
                """.formatted(TestGateway.list(NpmPeers.command("mcp-server-everything", "stdio")),
                NpmPeers.root().resolve("examples/everything.catalog.yaml"));
        gw = TestGateway.start(yaml);
    }

    @AfterAll
    static void stop() throws Exception {
        if (gw != null) {
            gw.close();
        }
        if (internal != null) {
            internal.stop(0);
        }
    }

    private static JsonNode gzip(LegacySession s, String data) {
        ObjectNode p = Json.object().put("name", "everything__gzip-file-as-resource");
        p.putObject("arguments").put("name", "out.gz").put("data", data).put("outputType", "resource");
        return s.request("tools/call", p).path("result");
    }

    @Test
    void item14_theExampleRefusesLoopbackUrlsForGzip() throws Exception {
        LegacySession s = LegacySession.open(gw.client(), "2025-11-25");
        // the tool works through the gateway: a data: URL is compressed
        JsonNode ok = gzip(s, "data:text/plain;base64,aGVsbG8gd29ybGQ=");
        assertThat(ok.path("isError").asBoolean(false)).as(ok.toString()).isFalse();

        int port = internal.getAddress().getPort();
        for (String url : new String[] {"http://127.0.0.1:" + port + "/secret", "http://localhost:" + port + "/secret",
                "http://[::1]:" + port + "/secret", "http://2130706433:" + port + "/secret"}) {
            JsonNode r = gzip(s, url);
            assertThat(r.path("isError").asBoolean()).as(url).isTrue();
            assertThat(r.path("_meta").path("io.portcullis/refusal").path("control").asString()).as(url).isEqualTo("arguments");
            assertThat(r.toString()).as(url).contains("argument 'data'").doesNotContain("INTERNAL-ONLY-SECRET");
        }
        assertThat(HITS.get()).as("requests that reached the internal server").isZero();
    }
}
