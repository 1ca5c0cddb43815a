package io.portcullis.ingress;

import io.portcullis.Gateway;
import io.portcullis.protocol.Json;
import io.portcullis.protocol.ProtocolVersion;
import io.portcullis.upstream.Upstream;
import io.portcullis.upstream.Version;
import java.util.Set;
import java.util.function.BooleanSupplier;
import tools.jackson.databind.node.ObjectNode;

/**
 * What the gateway says about itself: the {@code initialize} result, its capabilities per protocol
 * version, {@code server/discover}, and the stamps of 2026-07-28 results (moved out of
 * {@link Dispatcher}, #12 item 7: split by what it does).
 */
final class Capabilities {
    /** Methods whose 2026-07-28 results carry cache hints. */
    private static final Set<String> CACHEABLE_IN_MODERN = Set.of("tools/list", "prompts/list", "resources/list",
            "resources/templates/list", "resources/read", "server/discover");
    private static final String INSTRUCTIONS =
            "Portcullis MCP gateway: tools of several upstream servers, each call checked by policy and recorded.";

    private final Gateway gateway;
    private final BooleanSupplier gatewayTasks;

    /** @param gatewayTasks whether a call waiting for an approval can become the gateway's own task */
    Capabilities(Gateway gateway, BooleanSupplier gatewayTasks) {
        this.gateway = gateway;
        this.gatewayTasks = gatewayTasks;
    }

    /** The {@code initialize} result for a session that negotiated {@code version}. */
    ObjectNode initializeResult(ProtocolVersion version) {
        ObjectNode r = Json.object().put("protocolVersion", version.id());
        r.set("capabilities", capabilities(version));
        r.set("serverInfo", serverInfo());
        r.put("instructions", ServedInstructions.of(INSTRUCTIONS, gateway.snapshot().catalog())); // #15 item 1
        return r;
    }

    ObjectNode discover() {
        ObjectNode r = Json.object();
        r.putArray("supportedVersions").add(ProtocolVersion.V2026_07_28.id());
        r.set("capabilities", capabilities(ProtocolVersion.V2026_07_28));
        r.put("instructions", ServedInstructions.of(INSTRUCTIONS, gateway.snapshot().catalog())); // #15 item 1
        return r;
    }

    private static ObjectNode serverInfo() {
        return Json.object().put("name", "portcullis").put("version", Version.current());
    }

    private ObjectNode capabilities(ProtocolVersion version) {
        ObjectNode c = Json.object();
        c.putObject("tools").put("listChanged", true);
        c.putObject("prompts").put("listChanged", true);
        c.putObject("resources").put("subscribe", !version.isModern()).put("listChanged", true);
        c.putObject("logging");
        c.putObject("completions");
        if (version == ProtocolVersion.V2025_11_25) {
            for (Upstream u : gateway.upstreams()) {
                if (u.capabilities().get("tasks") instanceof ObjectNode tasks) {
                    c.set("tasks", tasks.deepCopy());
                    break;
                }
            }
            if (gatewayTasks.getAsBoolean()) {
                // a call waiting for an approval can become the gateway's own task (TaskCalls)
                ObjectNode tasks = c.get("tasks") instanceof ObjectNode t ? t : c.putObject("tasks");
                tasks.putObject("list");
                tasks.putObject("cancel");
                ObjectNode requests = tasks.get("requests") instanceof ObjectNode r ? r : tasks.putObject("requests");
                ObjectNode tools = requests.get("tools") instanceof ObjectNode t ? t : requests.putObject("tools");
                tools.putObject("call");
            }
        }
        return c;
    }

    /** 2026-07-28 results carry resultType, cache hints on cacheable methods, and serverInfo in _meta. */
    void stampModern(String method, ObjectNode result) {
        if (!result.has("resultType")) {
            result.put("resultType", "complete");
        }
        if (CACHEABLE_IN_MODERN.contains(method)) {
            if (!result.has("ttlMs")) {
                result.put("ttlMs", 0);
            }
            if (!result.has("cacheScope")) {
                result.put("cacheScope", "private");
            }
        }
        ObjectNode meta = result.get("_meta") instanceof ObjectNode m ? m : result.putObject("_meta");
        meta.set("io.modelcontextprotocol/serverInfo", serverInfo());
    }
}
