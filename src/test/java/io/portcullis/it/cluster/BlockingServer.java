package io.portcullis.it.cluster;

import io.portcullis.protocol.Json;
import io.portcullis.protocol.Message;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * An MCP server over stdio whose {@code block} call never ends (#19 item 2: a call held in flight
 * on a gateway node until the test kills the node). {@code java BlockingServer ARRIVALS}:
 * <ul>
 *   <li>{@code echo}: answers its {@code message} at once (read-only);</li>
 *   <li>{@code block}: appends a line to the file ARRIVALS (the test's signal that the call is in
 *       flight on the node) and never answers;</li>
 *   <li>{@code block_streaming}: the same, after one progress notification when the call has a
 *       progressToken (the gateway then answers as an SSE stream whose headers are already sent).</li>
 * </ul>
 * It exits when its stdin closes (the gateway died).
 */
public final class BlockingServer {
    private static PrintStream out;

    private BlockingServer() {}

    public static void main(String[] args) throws IOException {
        out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
        System.setOut(System.err);
        Path arrivals = Path.of(args[0]);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            if (!line.isBlank()) {
                serve((ObjectNode) Json.parse(line), arrivals);
            }
        }
    }

    private static void serve(ObjectNode msg, Path arrivals) throws IOException {
        JsonNode id = msg.get("id");
        if (id == null) {
            return;
        }
        switch (msg.path("method").asString("")) {
            case "initialize" -> {
                ObjectNode r = Json.object().put("protocolVersion", msg.path("params").path("protocolVersion").asString());
                r.putObject("capabilities").putObject("tools");
                r.putObject("serverInfo").put("name", "blocking-server").put("version", "1");
                answer(id, r);
            }
            case "tools/list" -> {
                ObjectNode r = Json.object();
                var tools = r.putArray("tools");
                for (String t : new String[] {"echo", "block", "block_streaming"}) {
                    ObjectNode tool = tools.addObject().put("name", t).put("description", "blocking server: " + t);
                    tool.putObject("inputSchema").put("type", "object");
                    tool.putObject("annotations").put("readOnlyHint", true);
                }
                answer(id, r);
            }
            case "tools/call" -> call(id, msg.path("params"), arrivals);
            case "ping" -> answer(id, Json.object());
            default -> write(Json.write(Message.error(id, -32601, "Method not found", null)));
        }
    }

    private static void call(JsonNode id, JsonNode params, Path arrivals) throws IOException {
        String tool = params.path("name").asString("");
        if (tool.equals("echo")) {
            ObjectNode r = Json.object();
            r.putArray("content").addObject().put("type", "text").put("text", params.path("arguments").path("message").asString(""));
            answer(id, r);
            return;
        }
        JsonNode token = params.path("_meta").path("progressToken");
        if (tool.equals("block_streaming") && !token.isMissingNode()) {
            ObjectNode p = Json.object().put("progress", 1).put("total", 2);
            p.set("progressToken", token);
            write(Json.write(Message.notification("notifications/progress", p)));
        }
        // the call is in flight: the test kills the gateway node now; this server never answers it
        Files.writeString(arrivals, tool + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    private static void answer(JsonNode id, ObjectNode result) {
        write(Json.write(Message.result(id, result)));
    }

    private static synchronized void write(String line) {
        out.print(line);
        out.print('\n');
        out.flush();
    }
}
