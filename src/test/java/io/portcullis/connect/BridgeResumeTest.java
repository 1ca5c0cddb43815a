package io.portcullis.connect;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.it.HttpFaultServer;
import io.portcullis.protocol.Json;
import io.portcullis.protocol.Message;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintStream;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * #11 item 21 in {@code portcullis connect}: an answer stream that the server ends before the
 * response (SEP-1699 polling: an event id and {@code retry}, then the end) is resumed with GET and
 * {@code Last-Event-ID}, and the stdio client gets its answer. The server is the real misbehaving
 * {@link HttpFaultServer} on loopback; the bridge runs in-process on pipes.
 */
class BridgeResumeTest {

    @Test
    @Timeout(60)
    void item21_aPolledAnswerIsResumedWithLastEventId() throws Exception {
        try (HttpFaultServer server = HttpFaultServer.start()) {
            PipedOutputStream toBridge = new PipedOutputStream();
            PipedInputStream bridgeIn = new PipedInputStream(toBridge, 1 << 16);
            PipedInputStream fromBridge = new PipedInputStream(1 << 16);
            PipedOutputStream bridgeOut = new PipedOutputStream(fromBridge);
            ByteArrayOutputStream log = new ByteArrayOutputStream();
            Bridge bridge = new Bridge(server.url(), HttpClient.newHttpClient(), null, bridgeIn, bridgeOut,
                    new PrintStream(log, true, StandardCharsets.UTF_8));
            Thread run = Thread.ofVirtual().start(() -> {
                try {
                    bridge.run();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            BlockingQueue<JsonNode> out = new LinkedBlockingQueue<>();
            Thread.ofVirtual().start(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(fromBridge, StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = r.readLine()) != null) {
                        out.add(Json.parse(line));
                    }
                } catch (Exception e) {
                    // the bridge ended
                }
            });
            ObjectNode init = Json.object().put("protocolVersion", "2025-11-25");
            init.putObject("capabilities");
            init.putObject("clientInfo").put("name", "t").put("version", "1");
            send(toBridge, Message.request(Json.object().numberNode(1), "initialize", init));
            assertThat(out.poll(20, TimeUnit.SECONDS).path("result").has("protocolVersion")).isTrue();
            ObjectNode call = Json.object().put("name", "poll");
            call.putObject("arguments").put("message", "through connect");
            send(toBridge, Message.request(Json.object().numberNode(2), "tools/call", call));
            JsonNode answer = out.poll(20, TimeUnit.SECONDS);
            assertThat(answer).as("the answer, after a resumption; log: %s", log).isNotNull();
            assertThat(answer.path("id").asInt()).isEqualTo(2);
            assertThat(answer.path("result").path("content").get(0).path("text").asString()).isEqualTo("through connect");
            assertThat(server.resumptions.get()).isEqualTo(1);
            toBridge.close();
            run.join(TimeUnit.SECONDS.toMillis(20));
        }
    }

    private static void send(PipedOutputStream to, ObjectNode msg) throws Exception {
        to.write(Json.bytes(msg));
        to.write('\n');
        to.flush();
    }
}
