package io.portcullis.audit;

import io.portcullis.protocol.Json;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A small stdio MCP server for audit tests, run as a child process by the gateway: {@code read}
 * (read-only), {@code write} (state-changing), {@code sleep} (read-only, waits {@code ms}) and
 * {@code fail} (answers a JSON-RPC error). Requests are served concurrently.
 */
public final class TestUpstream {
    public static void main(String[] args) throws Exception {
        PrintStream realOut = System.out;
        System.setOut(System.err);
        OutputStream out = realOut;
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            if (line.isBlank()) {
                continue;
            }
            JsonNode msg = Json.parse(line);
            if (!msg.has("id") || !msg.has("method")) {
                continue;
            }
            Thread.ofVirtual().start(() -> {
                ObjectNode answer = answer(msg);
                byte[] bytes = Json.bytes(answer);
                synchronized (out) {
                    try {
                        out.write(bytes);
                        out.write('\n');
                        out.flush();
                    } catch (Exception e) {
                        System.exit(0);
                    }
                }
            });
        }
    }

    static ObjectNode answer(JsonNode msg) {
        ObjectNode r = Json.object().put("jsonrpc", "2.0");
        r.set("id", msg.get("id"));
        ObjectNode result = Json.object();
        switch (msg.path("method").asString()) {
            case "initialize" -> {
                result.put("protocolVersion", msg.path("params").path("protocolVersion").asString("2025-11-25"));
                result.putObject("capabilities").putObject("tools");
                result.putObject("serverInfo").put("name", "test-upstream").put("version", "1");
            }
            case "tools/list" -> {
                var tools = result.putArray("tools");
                tools.add(tool("read", true));
                tools.add(tool("write", false));
                tools.add(tool("sleep", true));
                tools.add(tool("fail", true));
            }
            case "tools/call" -> {
                JsonNode a = msg.path("params").path("arguments");
                switch (msg.path("params").path("name").asString()) {
                    case "sleep" -> {
                        try {
                            Thread.sleep(a.path("ms").asLong(0)); // the tool's own behaviour (a slow upstream), not synchronisation
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        text(result, "slept");
                    }
                    case "fail" -> {
                        r.putObject("error").put("code", -32000).put("message", "the test upstream fails on purpose");
                        return r;
                    }
                    default -> text(result, "done: " + Json.write(a));
                }
            }
            case "ping" -> { }
            default -> {
                r.putObject("error").put("code", -32601).put("message", "Method not found");
                return r;
            }
        }
        r.set("result", result);
        return r;
    }

    private static ObjectNode tool(String name, boolean readOnly) {
        ObjectNode t = Json.object().put("name", name).put("description", name + " (audit test tool)");
        t.putObject("inputSchema").put("type", "object");
        t.putObject("annotations").put("readOnlyHint", readOnly).put("destructiveHint", false);
        return t;
    }

    private static void text(ObjectNode result, String text) {
        result.putArray("content").addObject().put("type", "text").put("text", text);
    }
}
