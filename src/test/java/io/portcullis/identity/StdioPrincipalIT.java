package io.portcullis.identity;

import io.portcullis.it.LogLines;
import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.Gateway;
import io.portcullis.config.ConfigReader;
import io.portcullis.ingress.StdioServer;
import io.portcullis.protocol.Json;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.Pipe;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** C1.4, local side: a stdio client's calls carry the local principal (the OS user, or the configured one). */
class StdioPrincipalIT {
    @TempDir
    Path dir;

    String callOverStdio(String identity) throws Exception {
        try (CountingUpstream upstream = new CountingUpstream(); LogLines calls = new LogLines("portcullis.calls")) {
            var cfg = ConfigReader.parse(io.portcullis.it.TestGateway.openCatalog("""
                    server: {data_dir: data}
                    upstreams:
                      demo: {url: "%s"}
                    %s""".formatted(upstream.url(), identity)), "t.yaml", dir, null);
            try (Gateway gw = new Gateway(cfg)) {
                gw.start();
                gw.apply(cfg);
                gw.awaitUpstreams(Duration.ofSeconds(20));
                // NIO pipes: unlike Piped*Stream they do not die with the (virtual) thread that wrote last.
                Pipe in = Pipe.open();
                Pipe out = Pipe.open();
                OutputStream toServer = Channels.newOutputStream(in.sink());
                var serverIn = Channels.newInputStream(in.source());
                var serverOut = Channels.newOutputStream(out.sink());
                var fromServer = Channels.newInputStream(out.source());
                Thread server = Thread.ofVirtual().start(() -> {
                    try {
                        new StdioServer(gw, "default", serverIn, serverOut).run();
                    } catch (Exception e) {
                        throw new RuntimeException(e);
                    }
                });
                BufferedReader answers = new BufferedReader(new InputStreamReader(fromServer, StandardCharsets.UTF_8));
                line(toServer, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-11-25\","
                        + "\"capabilities\":{},\"clientInfo\":{\"name\":\"local-desktop\",\"version\":\"1\"}}}");
                assertThat(Json.parse(answers.readLine()).path("result").isObject()).isTrue();
                line(toServer, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":\"demo__echo\",\"arguments\":{\"message\":\"local\"}}}");
                JsonNode call = Json.parse(answers.readLine());
                assertThat(call.path("result").toString()).contains("local");
                toServer.close();
                server.join(Duration.ofSeconds(10));
                return String.join("\n", calls.lines());
            }
        }
    }

    private static void line(OutputStream out, String json) throws Exception {
        out.write((json + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    @Test
    void theOsUserIsTheLocalPrincipal() throws Exception {
        assertThat(callOverStdio("")).contains("subject=" + System.getProperty("user.name"), "principal_kind=user",
                "auth=local", "client=local-desktop");
    }

    @Test
    void theConfigCanNameTheLocalPrincipal() throws Exception {
        assertThat(callOverStdio("""
                identity:
                  stdio: {subject: build-agent, roles: [ci]}
                """)).contains("subject=build-agent", "auth=local", "issuer=local");
    }
}
