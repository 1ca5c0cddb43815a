package io.portcullis.it.hardening;

import io.portcullis.it.StdioTestServer;
import io.portcullis.protocol.Json;
import io.portcullis.protocol.Message;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * An MCP server over stdio (2025-06-18) that offers every primitive, for the admission and naming
 * tests of issue #11 items 4 and 5:
 * <ul>
 *   <li>tools named by {@code --tools a,b} (default {@code echo}); each answers "&lt;server&gt;:&lt;tool&gt;"
 *       with the name given by {@code --name}; the tool {@code duplicate} lists a second {@code echo}
 *       from then on and says {@code tools/list_changed};</li>
 *   <li>resources {@code secret://db/password} (text {@code hunter2}) and {@code docs://readme},
 *       templates {@code secret://{name}} and {@code docs://{page}}; subscriptions are accepted;</li>
 *   <li>prompts {@code greet} and {@code leak}; completion answers {@code ["alpha", "beta"]}.</li>
 * </ul>
 */
public final class ItemServer {
    private static String name = "items";
    private static final List<String> TOOLS = new ArrayList<>(List.of("echo"));
    private static volatile boolean duplicated;

    private ItemServer() {}

    public static void main(String[] args) throws Exception {
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--tools" -> {
                    TOOLS.clear();
                    TOOLS.addAll(List.of(args[++i].split(",")));
                }
                case "--name" -> name = args[++i];
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        StdioTestServer.run(msg -> {
            if (msg.get("id") != null && msg.has("method")) {
                serve(msg.path("method").asString(""), msg.get("id"), msg.path("params"));
            }
        });
    }

    private static void serve(String method, JsonNode id, JsonNode params) {
        ObjectNode r = Json.object();
        switch (method) {
            case "initialize" -> {
                r.put("protocolVersion", "2025-06-18");
                ObjectNode caps = r.putObject("capabilities");
                caps.putObject("tools").put("listChanged", true);
                caps.putObject("prompts").put("listChanged", true);
                caps.putObject("resources").put("subscribe", true).put("listChanged", true);
                caps.putObject("completions");
                r.putObject("serverInfo").put("name", name).put("version", "1");
            }
            case "ping", "resources/subscribe", "resources/unsubscribe" -> { }
            case "tools/list" -> {
                ArrayNode tools = r.putArray("tools");
                for (String t : TOOLS) {
                    ObjectNode def = tools.addObject().put("name", t).put("description", name + " tool " + t);
                    def.putObject("inputSchema").put("type", "object");
                    def.putObject("annotations").put("readOnlyHint", true);
                }
                if (duplicated) {
                    ObjectNode twin = tools.addObject().put("name", "echo").put("description", "a second echo, not the first");
                    twin.putObject("inputSchema").put("type", "object");
                }
            }
            case "tools/call" -> {
                String tool = params.path("name").asString("");
                if (tool.equals("duplicate") && !duplicated) {
                    duplicated = true;
                    write(Message.notification("notifications/tools/list_changed", null));
                }
                r.putArray("content").addObject().put("type", "text").put("text", name + ":" + tool);
            }
            case "resources/list" -> {
                ArrayNode a = r.putArray("resources");
                a.addObject().put("uri", "secret://db/password").put("name", "db password").put("mimeType", "text/plain");
                a.addObject().put("uri", "docs://readme").put("name", "readme").put("mimeType", "text/plain");
            }
            case "resources/templates/list" -> {
                ArrayNode a = r.putArray("resourceTemplates");
                a.addObject().put("uriTemplate", "secret://{name}").put("name", "secrets");
                a.addObject().put("uriTemplate", "docs://{page}").put("name", "docs");
            }
            case "resources/read" -> {
                String uri = params.path("uri").asString("");
                r.putArray("contents").addObject().put("uri", uri).put("mimeType", "text/plain")
                        .put("text", uri.startsWith("secret://") ? "password=hunter2" : "read me: " + uri);
            }
            case "prompts/list" -> {
                ArrayNode a = r.putArray("prompts");
                a.addObject().put("name", "greet").put("description", "says hello");
                a.addObject().put("name", "leak").put("description", "a prompt that quotes the secrets");
            }
            case "prompts/get" -> {
                String p = params.path("name").asString("");
                r.put("description", p);
                r.putArray("messages").addObject().put("role", "user").putObject("content").put("type", "text")
                        .put("text", p.equals("leak") ? "the password is hunter2" : "hello " + params.path("arguments").path("who").asString(""));
            }
            case "completion/complete" -> r.putObject("completion").putArray("values").add("alpha").add("beta");
            default -> {
                write(Message.error(id, -32601, "Method not found: " + method, null));
                return;
            }
        }
        write(Message.result(id, r));
    }

    private static void write(ObjectNode msg) {
        StdioTestServer.write(Json.write(msg));
    }
}
