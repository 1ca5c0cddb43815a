package io.portcullis.it.egress;

import io.portcullis.it.StdioTestServer;
import io.portcullis.protocol.Json;
import io.portcullis.protocol.Message;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * An MCP server of the project's own, over stdio, that puts fake secrets in every place an
 * upstream can send data toward the client (#13 item 2, "Real servers"), and bad input (#13 "Bad
 * input"). Its tools:
 * <ul>
 *   <li>{@code leak}: a log message ({@code notifications/message}) and, when the call carries a
 *       progress token, a progress message, then a result with secrets in text, a resource link's
 *       URI, an embedded resource's text and {@code structuredContent} (it declares an outputSchema);</li>
 *   <li>{@code leak_schema}: an e-mail address in {@code structuredContent} whose outputSchema
 *       requires the {@code @} (#13 item 3: redacted, it no longer validates);</li>
 *   <li>{@code fail}: a JSON-RPC error whose message and data hold secrets;</li>
 *   <li>{@code sample}: asks the client for {@code sampling/createMessage} with a secret in the
 *       messages and system prompt, and answers with what the client sent back;</li>
 *   <li>{@code elicit}: asks the client for {@code elicitation/create} with a secret in the message;</li>
 *   <li>{@code post}: answers the arguments it received (the catalog labels it {@code egress});</li>
 *   <li>{@code deep}: {@code structuredContent} nested {@code arguments.depth} levels;</li>
 *   <li>{@code bad_utf8}: a text with invalid UTF-8 bytes around a secret (raw bytes on the wire);</li>
 *   <li>{@code binary}: an image whose base64 data decodes to bytes holding a secret, and a blob;</li>
 *   <li>{@code huge}: a text of {@code arguments.bytes} bytes that ends with a secret;</li>
 *   <li>{@code log_after}: answers, then writes a log message with a secret, tied to no call.</li>
 * </ul>
 */
public final class LeakyServer {
    static final String GH = "ghp_R2d2C3poL8sk6Wq0Zx9Yb7Vn5Mm3Kk1Jj0Hh";
    static final String AWS = "AKIAZQ3DRSTUVWXYZ234";
    static final String MAIL = "erin.walsh@corp-mail.io";
    static final String DB_PASSWORD = "Tr0ub4dor-and-3";
    static final List<String> SECRETS = List.of(GH, AWS, MAIL, DB_PASSWORD);
    private static final List<String> TOOLS = List.of("leak", "leak_schema", "fail", "sample", "elicit", "post", "deep",
            "bad_utf8", "binary", "huge", "log_after");
    private static final Map<String, JsonNode> WAITING = new HashMap<>(); // our request id → the tools/call it serves
    private static int next;

    private LeakyServer() {}

    public static void main(String[] args) throws Exception {
        StdioTestServer.run(LeakyServer::serve);
    }

    private static void serve(ObjectNode msg) {
        String method = msg.path("method").asString("");
        JsonNode id = msg.get("id");
        if (method.isEmpty() && id != null) { // the client's answer to our sampling or elicitation request
            JsonNode call = WAITING.remove(id.asString(""));
            if (call != null) {
                answer(call, text("the client answered: " + Json.write(msg.has("result") ? msg.get("result") : msg.get("error"))));
            }
            return;
        }
        if (id == null) {
            return; // notifications
        }
        switch (method) {
            case "initialize" -> {
                ObjectNode r = Json.object().put("protocolVersion", msg.path("params").path("protocolVersion").asString());
                r.putObject("capabilities").putObject("tools");
                ((ObjectNode) r.get("capabilities")).putObject("logging");
                r.putObject("serverInfo").put("name", "leaky-server").put("version", "1");
                answer(id, r);
            }
            case "tools/list" -> answer(id, tools());
            case "tools/call" -> call(id, msg.path("params"));
            case "ping" -> answer(id, Json.object());
            default -> write(Json.write(Message.error(id, -32601, "Method not found: " + method, null)));
        }
    }

    private static ObjectNode tools() {
        ObjectNode r = Json.object();
        ArrayNode tools = r.putArray("tools");
        for (String t : TOOLS) {
            ObjectNode tool = tools.addObject().put("name", t).put("description", "leaks in mode " + t);
            tool.putObject("inputSchema").put("type", "object");
            if (t.equals("leak")) {
                ObjectNode s = tool.putObject("outputSchema").put("type", "object");
                ObjectNode p = s.putObject("properties");
                p.putObject("owner").put("type", "string");
                p.putObject("token").put("type", "string");
                s.putArray("required").add("owner").add("token");
            }
            if (t.equals("leak_schema")) {
                ObjectNode s = tool.putObject("outputSchema").put("type", "object");
                s.putObject("properties").putObject("contact").put("type", "string").put("pattern", "^[^@ ]+@[^@ ]+$");
                s.putArray("required").add("contact");
            }
        }
        return r;
    }

    private static void call(JsonNode id, JsonNode params) {
        JsonNode args = params.path("arguments");
        switch (params.path("name").asString("")) {
            case "leak" -> leak(id, params);
            case "leak_schema" -> {
                ObjectNode r = text("{\"contact\":\"" + MAIL + "\"}");
                r.putObject("structuredContent").put("contact", MAIL);
                answer(id, r);
            }
            case "fail" -> {
                ObjectNode data = Json.object().put("dsn", "postgres://app:" + DB_PASSWORD + "@db.internal:5432/app");
                write(Json.write(Message.error(id, -32000, "login failed with token " + GH, data)));
            }
            case "sample" -> {
                ObjectNode p = Json.object().put("systemPrompt", "You are helping " + MAIL).put("maxTokens", 20);
                p.putArray("messages").addObject().put("role", "user").putObject("content").put("type", "text")
                        .put("text", "Summarise: the deploy key is " + GH);
                ask(id, "sampling/createMessage", p);
            }
            case "elicit" -> {
                ObjectNode p = Json.object().put("message", "Confirm the AWS key " + AWS + " for " + MAIL);
                p.putObject("requestedSchema").put("type", "object").putObject("properties").putObject("ok").put("type", "boolean");
                ask(id, "elicitation/create", p);
            }
            case "post" -> answer(id, text("received " + Json.write(args)));
            case "deep" -> {
                StringBuilder b = new StringBuilder();
                int depth = args.path("depth").asInt(5000);
                b.append("{\"jsonrpc\":\"2.0\",\"id\":").append(id).append(",\"result\":{\"content\":[],\"structuredContent\":");
                b.append("{\"n\":".repeat(depth)).append('"').append(GH).append('"').append("}".repeat(depth)).append("}}");
                write(b.toString());
            }
            case "bad_utf8" -> {
                byte[] head = ("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"result\":{\"content\":[{\"type\":\"text\",\"text\":\"bad ")
                        .getBytes(StandardCharsets.UTF_8);
                byte[] bad = {(byte) 0xC3, (byte) 0x28, (byte) 0xFF, (byte) 0xFE, (byte) 0xED, (byte) 0xA0, (byte) 0x80};
                byte[] tail = (" token " + GH + "\"}]}}\n").getBytes(StandardCharsets.UTF_8);
                StdioTestServer.writeBytes(head, bad, tail);
            }
            case "binary" -> {
                String b64 = java.util.Base64.getEncoder().encodeToString(("\u0089PNG\r\n" + GH).getBytes(StandardCharsets.ISO_8859_1));
                ObjectNode r = Json.object();
                ArrayNode c = r.putArray("content");
                c.addObject().put("type", "image").put("mimeType", "image/png").put("data", b64);
                c.addObject().put("type", "resource").putObject("resource").put("uri", "file:///key.bin")
                        .put("mimeType", "application/octet-stream").put("blob", b64);
                answer(id, r);
            }
            case "huge" -> answer(id, text("y".repeat(args.path("bytes").asInt(1 << 20)) + " " + GH));
            case "log_after" -> {
                answer(id, text("done"));
                ObjectNode log = Json.object().put("level", "error").put("logger", "leaky").put("data", "background job failed for " + MAIL);
                write(Json.write(Message.notification("notifications/message", log)));
            }
            default -> answer(id, text("unknown tool").put("isError", true));
        }
    }

    private static void leak(JsonNode id, JsonNode params) {
        ObjectNode log = Json.object().put("level", "warning").put("logger", "leaky").put("data", "connecting with token " + GH);
        write(Json.write(Message.notification("notifications/message", log)));
        JsonNode token = params.path("_meta").get("progressToken");
        if (token != null) {
            ObjectNode p = Json.object().put("progress", 1).put("total", 2).put("message", "uploading for " + MAIL);
            p.set("progressToken", token);
            write(Json.write(Message.notification("notifications/progress", p)));
        }
        ObjectNode r = Json.object();
        ArrayNode c = r.putArray("content");
        c.addObject().put("type", "text").put("text", "key " + AWS);
        c.addObject().put("type", "resource_link").put("name", "db").put("uri", "postgres://app:" + DB_PASSWORD + "@db.internal/app");
        c.addObject().put("type", "resource").putObject("resource").put("uri", "mem://notes").put("mimeType", "text/plain")
                .put("text", "owner " + MAIL);
        r.putObject("structuredContent").put("owner", MAIL).put("token", GH);
        answer(id, r);
    }

    private static void ask(JsonNode callId, String method, ObjectNode params) {
        String id = "leaky-" + (++next);
        WAITING.put(id, callId);
        write(Json.write(Message.request(Json.object().stringNode(id), method, params)));
    }

    private static ObjectNode text(String text) {
        ObjectNode r = Json.object();
        r.putArray("content").addObject().put("type", "text").put("text", text);
        return r;
    }

    private static void answer(JsonNode id, ObjectNode result) {
        write(Json.write(Message.result(id, result)));
    }

    private static void write(String line) {
        StdioTestServer.write(line);
    }
}
