package io.portcullis.connect;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.portcullis.protocol.Json;
import io.portcullis.protocol.Message;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Issue 17 item 5, the cause of the {@code elicitation-sep1034-client-defaults} flake: the suite's
 * server sends its elicitation/create on the session's GET stream only, and drops it when no GET
 * stream is open yet. connect opened that stream without waiting, and forwarded the client's
 * tools/call on another thread at once; on a loaded machine the call could reach the server
 * first. Here the server holds back its answer to the GET and records whether a tools/call comes
 * in while it does: none may (the client's messages after notifications/initialized wait for the
 * stream). The server holds the GET until a tools/call arrives or 3 s pass: without the gate the
 * call arrives within that window; with it, it cannot.
 */
class BridgeStreamGateTest {
    private final List<String> events = new CopyOnWriteArrayList<>();
    private final CountDownLatch callArrived = new CountDownLatch(1);

    private void handle(HttpExchange ex) throws IOException {
        if ("GET".equals(ex.getRequestMethod())) {
            events.add("GET received");
            try {
                callArrived.await(3, TimeUnit.SECONDS); // the window in which an ungated call would arrive
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            events.add("GET answered");
            ex.getResponseHeaders().set("Content-Type", "text/event-stream");
            ex.sendResponseHeaders(200, 0);
            ex.getResponseBody().flush();
            return; // the stream stays open until the server stops
        }
        if (!"POST".equals(ex.getRequestMethod())) {
            ex.sendResponseHeaders(405, -1);
            ex.close();
            return;
        }
        JsonNode msg = Json.parse(ex.getRequestBody().readAllBytes());
        String method = msg.path("method").asString("");
        events.add(method);
        ex.getResponseHeaders().set("Mcp-Session-Id", "s-1");
        if (!msg.has("id")) {
            ex.sendResponseHeaders(202, -1);
            ex.close();
            return;
        }
        if ("tools/call".equals(method)) {
            callArrived.countDown();
        }
        ObjectNode result = "initialize".equals(method)
                ? Json.object().put("protocolVersion", "2025-11-25").set("capabilities", Json.object())
                : Json.object().set("content", Json.array());
        byte[] body = Json.bytes(Message.result(msg.get("id"), result));
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(200, body.length);
        ex.getResponseBody().write(body);
        ex.close();
    }

    @Test
    @Timeout(60)
    void item5_messagesAfterInitializedWaitForTheServerStream() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", this::handle);
        server.start();
        try {
            PipedOutputStream toBridge = new PipedOutputStream();
            PipedInputStream bridgeIn = new PipedInputStream(toBridge, 1 << 16);
            java.util.concurrent.BlockingQueue<JsonNode> out = new java.util.concurrent.LinkedBlockingQueue<>();
            ByteArrayOutputStream log = new ByteArrayOutputStream();
            Bridge bridge = new Bridge(URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/mcp"), HttpClient.newHttpClient(),
                    null, bridgeIn, new Lines(out), new PrintStream(log, true, StandardCharsets.UTF_8));
            Thread run = Thread.ofVirtual().start(() -> {
                try {
                    bridge.run();
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            ObjectNode init = Json.object().put("protocolVersion", "2025-11-25");
            init.putObject("capabilities");
            init.putObject("clientInfo").put("name", "t").put("version", "1");
            send(toBridge, Message.request(Json.object().numberNode(1), "initialize", init));
            assertThat(out.poll(20, TimeUnit.SECONDS)).as("the initialize answer").isNotNull();
            // as the TypeScript SDK client does: the notification, then at once its calls, without waiting
            send(toBridge, Json.object().put("jsonrpc", "2.0").put("method", "notifications/initialized"));
            send(toBridge, Message.request(Json.object().numberNode(2), "tools/call", Json.object().put("name", "x")));
            JsonNode answer = out.poll(20, TimeUnit.SECONDS);
            assertThat(answer).as("the call's answer; log: %s", log).isNotNull();
            assertThat(answer.path("id").asInt()).isEqualTo(2);
            assertThat(events).as("the call reached the server only after its GET stream was open")
                    .containsSubsequence("notifications/initialized", "GET received", "GET answered", "tools/call");
            toBridge.close();
            run.join(TimeUnit.SECONDS.toMillis(20));
        } finally {
            server.stop(0);
        }
    }

    private static void send(PipedOutputStream to, ObjectNode msg) throws Exception {
        to.write(Json.bytes(msg));
        to.write('\n');
        to.flush();
    }

    /** The bridge's stdout: each line it writes, parsed. */
    private static final class Lines extends OutputStream {
        private final java.util.concurrent.BlockingQueue<JsonNode> lines;
        private final ByteArrayOutputStream line = new ByteArrayOutputStream();

        Lines(java.util.concurrent.BlockingQueue<JsonNode> lines) {
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
}
