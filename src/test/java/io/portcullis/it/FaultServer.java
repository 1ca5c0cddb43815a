package io.portcullis.it;

import io.portcullis.protocol.Json;
import io.portcullis.protocol.Message;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A misbehaving MCP server over stdio, for fault tests. Its tools are its modes:
 * <ul>
 *   <li>{@code echo}: answers "pid N: message" (the pid shows whether it was restarted);</li>
 *   <li>{@code crash}: exits with status 3 in the middle of the call;</li>
 *   <li>{@code hang}: never answers;</li>
 *   <li>{@code garbage}: writes lines that are not JSON-RPC, then a response whose result is not an object;</li>
 *   <li>{@code cancellations}: lists the requestIds of every notifications/cancelled it got;</li>
 *   <li>{@code params}: answers the params it received, as text, with an unknown field in the result;</li>
 *   <li>{@code endless}: starts an answer and never ends the line (issue #21 item 1);</li>
 *   <li>{@code huge}: answers with one line of about {@code arguments.bytes} bytes;</li>
 *   <li>{@code deaf}: stops reading stdin for good (issue #21 item 3);</li>
 *   <li>{@code junk}: writes one line that is not JSON and never answers (issue #11 item 21);</li>
 *   <li>{@code spew}: writes {@code arguments.lines} lines of garbage with terminal escapes, never answers;</li>
 *   <li>{@code env}: answers its own environment as a JSON object (issue #11 item 6);</li>
 *   <li>{@code orphan}: starts {@code sleep 300} holding its stdout, answers "orphan PID" and exits with
 *       status 3: its stdout stays open after it died (issue #21 item 1; the test kills that PID).</li>
 * </ul>
 * With {@code --banner} it first prints a line of plain text on stdout, as some servers do.
 * With {@code --logging} it offers the logging capability and never answers logging/setLevel.
 * With {@code --slow-start MS} it reads nothing for MS milliseconds after it starts.
 */
public final class FaultServer {
    private static final List<String> TOOLS = List.of("echo", "crash", "hang", "garbage", "cancellations", "params",
            "endless", "huge", "deaf", "junk", "spew", "env", "orphan");
    private static final List<JsonNode> CANCELLED = new CopyOnWriteArrayList<>();
    private static PrintStream out;
    private static boolean logging;

    private FaultServer() {}

    public static void main(String[] args) throws Exception {
        out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
        System.setOut(System.err);
        logging = List.of(args).contains("--logging");
        if (List.of(args).contains("--banner")) {
            write("FaultServer starting (this line is not JSON)");
        }
        int slow = List.of(args).indexOf("--slow-start");
        if (slow >= 0) {
            Thread.sleep(Long.parseLong(args[slow + 1])); // the peer's own behaviour: a slow start
        }
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            if (!line.isBlank()) {
                serve((ObjectNode) Json.parse(line));
            }
        }
    }

    private static void serve(ObjectNode msg) {
        String method = msg.path("method").asString("");
        JsonNode id = msg.get("id");
        if (id == null) {
            if (method.equals("notifications/cancelled")) {
                CANCELLED.add(msg.path("params").path("requestId"));
            }
            return;
        }
        switch (method) {
            case "initialize" -> {
                ObjectNode r = Json.object().put("protocolVersion", msg.path("params").path("protocolVersion").asString());
                ObjectNode caps = r.putObject("capabilities");
                caps.putObject("tools");
                if (logging) {
                    caps.putObject("logging");
                }
                r.putObject("serverInfo").put("name", "fault-server").put("version", "1");
                answer(id, r);
            }
            case "tools/list" -> {
                ObjectNode r = Json.object();
                ArrayNode tools = r.putArray("tools");
                for (String t : TOOLS) {
                    tools.addObject().put("name", t).put("description", "fault mode " + t)
                            .putObject("inputSchema").put("type", "object");
                }
                answer(id, r);
            }
            case "tools/call" -> call(id, msg.path("params"));
            case "ping" -> answer(id, Json.object());
            case "logging/setLevel" -> { } // never answered
            default -> write(Json.write(Message.error(id, -32601, "Method not found: " + method, null)));
        }
    }

    private static void call(JsonNode id, JsonNode params) {
        switch (params.path("name").asString("")) {
            case "echo" -> answer(id, text("pid " + ProcessHandle.current().pid() + ": "
                    + params.path("arguments").path("message").asString("")));
            case "crash" -> {
                out.flush();
                Runtime.getRuntime().halt(3);
            }
            case "hang" -> { }
            case "garbage" -> {
                write("this is not JSON at all");
                write("[1, 2, 3]");
                write("{\"no\": \"jsonrpc\"}");
                write("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"result\":\"not an object\"}");
            }
            case "cancellations" -> {
                ArrayNode ids = Json.array();
                CANCELLED.forEach(ids::add);
                answer(id, text(Json.write(ids)));
            }
            case "params" -> {
                ObjectNode r = text(Json.write(params));
                r.putObject("x-result").put("deep", true);
                answer(id, r);
            }
            case "endless" -> {
                out.print("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"result\":{\"x\":\"");
                String chunk = "x".repeat(65536);
                while (!out.checkError()) { // until the gateway closes the pipe
                    out.print(chunk);
                }
            }
            case "huge" -> answer(id, text("y".repeat(params.path("arguments").path("bytes").asInt(1 << 20))));
            case "deaf" -> {
                try {
                    new java.util.concurrent.CountDownLatch(1).await(); // never reads stdin again
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            case "junk" -> write("Traceback (most recent call last): this is not JSON");
            case "spew" -> {
                int n = params.path("arguments").path("lines").asInt(1000);
                for (int i = 0; i < n; i++) {
                    write("\u001b[31mgarbage " + i + "\r\u001b[2K forged log line");
                }
            }
            case "orphan" -> {
                try {
                    Process g = new ProcessBuilder("sleep", "300").redirectOutput(ProcessBuilder.Redirect.INHERIT).start();
                    answer(id, text("orphan " + g.pid()));
                } catch (java.io.IOException e) {
                    answer(id, text("cannot start sleep: " + e.getMessage()).put("isError", true));
                    return;
                }
                out.flush();
                Runtime.getRuntime().halt(3);
            }
            case "env" -> {
                ObjectNode env = Json.object();
                System.getenv().forEach(env::put);
                answer(id, text(Json.write(env)));
            }
            default -> answer(id, text("unknown tool").put("isError", true));
        }
    }

    private static ObjectNode text(String text) {
        ObjectNode r = Json.object();
        r.putArray("content").addObject().put("type", "text").put("text", text);
        return r;
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
