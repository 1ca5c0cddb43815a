package io.portcullis.identity;

import io.portcullis.protocol.Json;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * #16 (the read paths): what {@link CountingUpstream} serves besides the demo's echo tool, so that
 * every request the gateway sends on a caller's behalf can be recorded with its {@code Authorization}
 * header: resources ({@code docs://...}, a template {@code docs://{page}}), a prompt {@code greet},
 * completions, and 2025-11-25 tasks (a task-augmented {@code tools/call} answers with a task whose
 * id is {@code task-<message>}; {@code tasks/result} answers the echo of that message).
 */
final class RecordedItems {
    private RecordedItems() {}

    /** The marker a request is recorded under, or null for a request that is not recorded. */
    static String marker(String method, JsonNode params) {
        return switch (method) {
            case "tools/call" -> params.path("arguments").path("message").asString("");
            case "resources/read" -> params.path("uri").asString("");
            case "prompts/get" -> params.path("arguments").path("who").asString("");
            case "completion/complete" -> params.path("argument").path("value").asString("");
            case "tasks/result" -> params.path("taskId").asString("");
            default -> null;
        };
    }

    /** The answer's result for a method the demo does not serve (or a task-augmented call), or null to let the demo answer. */
    static ObjectNode answer(String method, JsonNode params) {
        ObjectNode r = Json.object();
        switch (method) {
            case "resources/list" -> r.putArray("resources").addObject().put("uri", "docs://readme").put("name", "readme");
            case "resources/templates/list" -> r.putArray("resourceTemplates").addObject().put("uriTemplate", "docs://{page}").put("name", "docs");
            case "resources/read" -> r.putArray("contents").addObject().put("uri", params.path("uri").asString(""))
                    .put("mimeType", "text/plain").put("text", "read " + params.path("uri").asString(""));
            case "prompts/list" -> r.putArray("prompts").addObject().put("name", "greet").put("description", "says hello");
            case "prompts/get" -> r.putArray("messages").addObject().put("role", "user").putObject("content").put("type", "text")
                    .put("text", "hello " + params.path("arguments").path("who").asString(""));
            case "completion/complete" -> r.putObject("completion").putArray("values").add(params.path("argument").path("value").asString("") + "-done");
            case "tools/call" -> {
                if (!(params.get("task") instanceof ObjectNode)) {
                    return null;
                }
                r.putObject("task").put("taskId", "task-" + marker(method, params)).put("status", "working")
                        .put("createdAt", "2026-01-01T00:00:00Z").put("lastUpdatedAt", "2026-01-01T00:00:00Z").put("ttl", 60_000);
            }
            case "tasks/get" -> r.put("taskId", params.path("taskId").asString("")).put("status", "completed")
                    .put("createdAt", "2026-01-01T00:00:00Z").put("lastUpdatedAt", "2026-01-01T00:00:00Z").put("ttl", 60_000);
            case "tasks/result" -> r.putArray("content").addObject().put("type", "text")
                    .put("text", "result of " + params.path("taskId").asString(""));
            default -> {
                return null;
            }
        }
        return r;
    }

    /** The demo's initialize answer with the capabilities of what this class serves. */
    static void capabilities(ObjectNode initializeAnswer) {
        if (initializeAnswer.path("result").path("capabilities") instanceof ObjectNode caps) {
            caps.putObject("resources");
            caps.putObject("prompts");
            caps.putObject("completions");
            ObjectNode tasks = caps.putObject("tasks");
            tasks.putObject("list");
            tasks.putObject("cancel");
            tasks.putObject("requests").putObject("tools").putObject("call");
        }
    }
}
