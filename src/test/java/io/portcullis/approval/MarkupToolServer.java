package io.portcullis.approval;

import io.portcullis.protocol.Json;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * For {@link ConsoleIT} (#18 item 4): an MCP server over stdio (2025-06-18) whose one tool,
 * {@code note}, carries markup in its description ({@link #DESCRIPTION}): what a hostile or careless
 * upstream writes, which the console must show as text. {@code note} answers with its {@code text} argument.
 */
public final class MarkupToolServer {
    static final String DESCRIPTION = "Keeps a note <img src=x onerror=\"window.__xss=1\"><b>bold</b><script>window.__xss=2</script>";

    private MarkupToolServer() {}

    public static void main(String[] args) throws Exception {
        PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
        System.setOut(System.err);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            if (!line.isBlank() && Json.parse(line) instanceof ObjectNode msg && msg.get("id") != null && msg.has("method")) {
                ObjectNode reply = Json.object().put("jsonrpc", "2.0");
                reply.set("id", msg.get("id"));
                JsonNode result = result(msg.path("method").asString(""), msg.path("params"));
                if (result == null) {
                    reply.putObject("error").put("code", -32601).put("message", "no such method");
                } else {
                    reply.set("result", result);
                }
                out.println(Json.write(reply));
                out.flush();
            }
        }
    }

    private static JsonNode result(String method, JsonNode params) {
        ObjectNode r = Json.object();
        switch (method) {
            case "initialize" -> {
                r.put("protocolVersion", "2025-06-18");
                r.putObject("capabilities").putObject("tools");
                r.putObject("serverInfo").put("name", "markup").put("version", "1");
            }
            case "ping" -> { }
            case "tools/list" -> {
                ObjectNode note = r.putArray("tools").addObject().put("name", "note").put("description", DESCRIPTION);
                note.putObject("inputSchema").put("type", "object").putObject("properties").putObject("text").put("type", "string");
                note.putObject("annotations").put("readOnlyHint", true);
            }
            case "tools/call" -> r.putArray("content").addObject().put("type", "text")
                    .put("text", params.path("arguments").path("text").asString(""));
            default -> {
                return null;
            }
        }
        return r;
    }
}
