package io.portcullis.it.lifecycle;

import io.portcullis.it.StdioTestServer;
import io.portcullis.protocol.Json;
import io.portcullis.protocol.Message;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * An MCP server over stdio whose one tool, {@code slow}, answers after {@code ms} milliseconds,
 * many calls at once (each on its own thread): the calls in flight of the drain and load tests.
 * Each call writes {@code slow-start} to stderr when it begins (the gateway logs its upstreams'
 * stderr, so a test can see that its calls reached the upstream).
 */
public final class SlowServer {

    private SlowServer() {}

    public static void main(String[] args) throws Exception {
        StdioTestServer.run(SlowServer::serve);
    }

    private static void serve(ObjectNode msg) {
        String method = msg.path("method").asString("");
        JsonNode id = msg.get("id");
        if (id == null) {
            return;
        }
        switch (method) {
            case "initialize" -> {
                ObjectNode r = Json.object().put("protocolVersion", msg.path("params").path("protocolVersion").asString());
                r.putObject("capabilities").putObject("tools");
                r.putObject("serverInfo").put("name", "slow-server").put("version", "1");
                answer(id, r);
            }
            case "tools/list" -> {
                ObjectNode r = Json.object();
                ObjectNode t = r.putArray("tools").addObject().put("name", "slow").put("description", "answers after ms milliseconds");
                ObjectNode schema = t.putObject("inputSchema").put("type", "object");
                schema.putObject("properties").putObject("ms").put("type", "integer");
                t.putObject("annotations").put("readOnlyHint", true);
                answer(id, r);
            }
            case "tools/call" -> {
                long ms = msg.path("params").path("arguments").path("ms").asLong(0);
                System.err.println("slow-start " + ms);
                Thread.ofVirtual().start(() -> {
                    try {
                        Thread.sleep(ms); // the upstream's own slowness, not test synchronisation
                    } catch (InterruptedException e) {
                        return;
                    }
                    ObjectNode r = Json.object();
                    r.putArray("content").addObject().put("type", "text").put("text", "done after " + ms + " ms");
                    answer(id, r);
                });
            }
            case "ping" -> answer(id, Json.object());
            default -> write(Json.write(Message.error(id, -32601, "Method not found: " + method, null)));
        }
    }

    private static void answer(JsonNode id, ObjectNode result) {
        write(Json.write(Message.result(id, result)));
    }

    private static void write(String line) {
        StdioTestServer.write(line);
    }
}
