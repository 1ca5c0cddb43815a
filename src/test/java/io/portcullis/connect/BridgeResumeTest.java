package io.portcullis.connect;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.it.HttpFaultServer;
import io.portcullis.protocol.Json;
import io.portcullis.protocol.Message;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
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
            BlockingQueue<JsonNode> out = new LinkedBlockingQueue<>();
            OutputStream bridgeOut = new Lines(out);
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

    /** The bridge's stdout: each line it writes, parsed (a pipe would break when a writing thread ends). */
    private static final class Lines extends OutputStream {
        private final BlockingQueue<JsonNode> lines;
        private final ByteArrayOutputStream line = new ByteArrayOutputStream();

        Lines(BlockingQueue<JsonNode> lines) {
            this.lines = lines;
        }

        @Override
        public synchronized void write(int b) {
            if (b == '\n') {
                lines.add(Json.parse(line.toByteArray()));
                line.reset();
            } else {
                line.write(b);
            }
        }
    }

    private static void send(PipedOutputStream to, ObjectNode msg) throws Exception {
        to.write(Json.bytes(msg));
        to.write('\n');
        to.flush();
    }
}
