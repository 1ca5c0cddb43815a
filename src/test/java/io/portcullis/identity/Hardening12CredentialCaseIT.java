package io.portcullis.identity;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * #11 item 12 (C1.4): a credential is compared exactly, whatever the HTTP server caches. Jetty
 * keeps a per-connection cache of header fields; when it matched values case-insensitively, an
 * upper-cased API key sent after the real key on the same keep-alive connection was handed to
 * the gateway as the cached (real) key and accepted.
 */
class Hardening12CredentialCaseIT {
    @TempDir
    Path dir;
    CountingUpstream upstream;

    @AfterEach
    void stop() throws Exception {
        if (upstream != null) {
            upstream.close();
        }
    }

    @Test
    void item12_upperCasedApiKeyOnTheSameKeepAliveConnectionIsRefused() throws Exception {
        upstream = new CountingUpstream();
        String yaml = """
                server: {host: 127.0.0.1, port: 0, data_dir: data}
                environments: [dev]
                upstreams:
                  demo: {url: "%s"}
                identity:
                  resource: https://portcullis.test/mcp
                  api_keys: {enabled: true, max_lifetime: 90d}
                """.formatted(upstream.url());
        try (GatewayUnderTest gw = new GatewayUnderTest(yaml, dir)) {
            String key = gw.gateway.identity().store().createKey("ci", "ci", List.of("dev"),
                    Instant.now().plus(Duration.ofDays(1)), "test").secret();
            String upper = key.toUpperCase(Locale.ROOT);
            assertThat(upper).isNotEqualTo(key);
            try (Socket s = new Socket("127.0.0.1", gw.http.port())) {
                s.setSoTimeout(20_000);
                assertThat(exchange(s, key, 1)).as("the real key").startsWith("HTTP/1.1 200");
                String second = exchange(s, upper, 2);
                assertThat(second).as("the upper-cased key on the same connection").startsWith("HTTP/1.1 401");
            }
            try (Socket fresh = new Socket("127.0.0.1", gw.http.port())) {
                fresh.setSoTimeout(20_000);
                assertThat(exchange(fresh, upper, 3)).as("the upper-cased key on a fresh connection").startsWith("HTTP/1.1 401");
            }
        }
    }

    /** One keep-alive request/answer on {@code s}: a stateless tools/call with {@code key}; returns the head and body. */
    static String exchange(Socket s, String key, int id) throws IOException {
        String body = """
                {"jsonrpc":"2.0","id":%d,"method":"tools/call","params":{"name":"demo__echo","arguments":{"message":"x"},\
                "_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{},\
                "io.modelcontextprotocol/clientInfo":{"name":"item12","version":"1"}}}}""".formatted(id);
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        OutputStream out = s.getOutputStream();
        out.write(("POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                + "Accept: application/json, text/event-stream\r\nMCP-Protocol-Version: 2026-07-28\r\nMcp-Method: tools/call\r\n"
                + "Mcp-Name: demo__echo\r\nAuthorization: Bearer " + key + "\r\nContent-Length: " + b.length + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.write(b);
        out.flush();
        InputStream in = s.getInputStream();
        String head = readHead(in);
        String lower = head.toLowerCase(Locale.ROOT);
        int cl = lower.indexOf("content-length:");
        if (cl >= 0) {
            int end = lower.indexOf("\r\n", cl);
            int n = Integer.parseInt(head.substring(cl + 15, end).strip());
            return head + new String(in.readNBytes(n), StandardCharsets.UTF_8);
        }
        assertThat(lower).as("a chunked answer").contains("transfer-encoding: chunked");
        StringBuilder text = new StringBuilder(head);
        while (true) {
            int n = Integer.parseInt(readLine(in).strip(), 16);
            if (n == 0) {
                readLine(in);
                return text.toString();
            }
            text.append(new String(in.readNBytes(n), StandardCharsets.UTF_8));
            readLine(in);
        }
    }

    private static String readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        String line;
        while (!(line = readLine(in)).isEmpty()) {
            head.append(line).append("\r\n");
        }
        return head.append("\r\n").toString();
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) != -1 && c != '\n') {
            if (c != '\r') {
                b.write(c);
            }
        }
        if (c == -1 && b.size() == 0) {
            throw new IOException("connection closed");
        }
        return b.toString(StandardCharsets.US_ASCII);
    }
}
